"""Logs: one line per record, JSON in production (python-json-logger) or text in
development, each carrying the request id; and one access-log line per request.

The request id comes from the proxy's ``X-Request-ID`` when it is a sane token, else it is
generated; it is kept in ``flask.g.request_id``, sent back in the ``X-Request-ID`` header and
added to every log record by :class:`RequestIdFilter` (``-`` outside a request).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import IO, Any

from flask import Flask, g, has_app_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter
from werkzeug.wrappers import Response

from academy.config import ConfigurationError

REQUEST_ID_HEADER = "X-Request-ID"
#: A request id taken from the proxy: letters, digits and ``._:-``, 8 to 128 characters.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{8,128}")
ACCESS_LOGGER = "academy.access"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = g.get("request_id") if has_app_context() else None
            record.request_id = request_id or "-"
        return True


def _formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    return logging.Formatter(TEXT_FORMAT)


def log_format(config: dict[str, Any]) -> str:
    """``LOG_FORMAT`` if given, else ``json`` in production and ``text`` in development."""
    kind = (config.get("LOG_FORMAT") or "").strip().lower()
    if not kind:
        kind = "json" if config.get("APP_ENV") == "production" else "text"
    if kind not in {"json", "text"}:
        raise ConfigurationError(f"LOG_FORMAT muss „json“ oder „text“ sein, nicht {kind!r}.")
    return kind


def log_level(config: dict[str, Any]) -> int:
    name = str(config.get("LOG_LEVEL") or "INFO").strip().upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        raise ConfigurationError(
            f"LOG_LEVEL muss DEBUG, INFO, WARNING, ERROR oder CRITICAL sein, nicht {name!r}."
        )
    return level


def configure_logging(app: Flask, stream: IO[str] | None = None) -> logging.Handler:
    """One handler on the root logger (replacing the one an earlier app installed), so that
    the app's, SQLAlchemy's and gunicorn's records share format and request id."""
    kind, level = log_format(app.config), log_level(app.config)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "academy_handler", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.academy_handler = True  # type: ignore[attr-defined]
    handler.setFormatter(_formatter(kind))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    app.logger.removeHandler(default_handler)
    app.logger.setLevel(level)
    return handler


def _start_request() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    # Only the user Flask-Login already loaded: logging must not add a query.
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration,
            "user_id": _user_id(),
        },
    )
    return response


def init_logging(app: Flask) -> None:
    configure_logging(app)
    app.before_request(_start_request)
    app.after_request(_finish_request)
