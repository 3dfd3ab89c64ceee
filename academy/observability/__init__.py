"""Operations' view of the app: structured logs with a request id and an access log
(``logging``), Prometheus metrics (``metrics``) and optional Sentry (``error_tracking``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.observability.error_tracking import init_error_tracking
    from academy.observability.logging import init_logging
    from academy.observability.metrics import init_metrics

    init_logging(app)
    init_metrics(app)
    init_error_tracking(app)
