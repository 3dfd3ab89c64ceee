"""Prometheus metrics at ``/metrics`` (prometheus-flask-exporter), off unless ``METRICS=1``.

Under gunicorn with ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its samples to that
folder and ``/metrics`` adds them up (``GunicornPrometheusMetrics``); without it the
process's own registry is shown. The page is never public: it answers only a loopback
client that came through no proxy, or a request with ``Authorization: Bearer
<METRICS_TOKEN>``; everyone else gets 404.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, abort, current_app, request

from academy.auth.policy import public
from academy.config import ConfigurationError

METRICS_PATH = "/metrics"


def _is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _has_token() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value, token)


def metrics_allowed() -> bool:
    """A bearer token, or a loopback client whose request names no other address (a proxy
    on the same host adds ``X-Forwarded-For``/``Forwarded``)."""
    if _has_token():
        return True
    if request.headers.get("Forwarded"):
        return False
    forwarded = [a for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    return _is_loopback(request.remote_addr) and all(_is_loopback(a) for a in forwarded)


def _guarded(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not metrics_allowed():
            abort(404)
        return view(*args, **kwargs)

    return public(wrapper)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def _prepare(folder: str) -> None:
    """The workers' shared folder exists before the first sample (gunicorn's ``on_starting``
    empties it; a CLI command such as ``flask academy tick`` may start first)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"PROMETHEUS_MULTIPROC_DIR={folder!r} kann nicht angelegt werden: {exc.strerror}"
        ) from exc


def init_metrics(app: Flask) -> Any | None:
    """Register the request metrics and ``/metrics`` when ``METRICS`` is on."""
    if not app.config.get("METRICS"):
        return None
    options: dict[str, Any] = {
        "group_by": "url_rule",
        "metrics_decorator": _guarded,
        "excluded_paths": [METRICS_PATH, "/static/"],
        "defaults_prefix": "digitalakademie",
    }
    folder = multiprocess_dir()
    if folder:
        from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

        _prepare(folder)

        metrics = GunicornPrometheusMetrics(app, **options)
    else:
        from prometheus_client import CollectorRegistry, PlatformCollector, ProcessCollector
        from prometheus_flask_exporter import PrometheusMetrics

        # A registry per app: tests and scripts may build several apps in one process.
        registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        metrics = PrometheusMetrics(app, path=None, registry=registry, **options)
    metrics.register_endpoint(METRICS_PATH, app)
    metrics.info("digitalakademie_info", "Digitalakademie", version=_version())
    return metrics


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("digitalakademie")
    except PackageNotFoundError:
        return "unknown"
