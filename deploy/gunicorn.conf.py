"""gunicorn settings for the Digitalakademie (Docker image and systemd unit).

Start: ``gunicorn --config gunicorn.conf.py`` (the app is named below). Every value can be
changed through the environment: ``GUNICORN_BIND``, ``GUNICORN_WORKERS``,
``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``, ``GUNICORN_GRACEFUL_TIMEOUT``.

- Reverse proxies: the app trusts ``PROXY_COUNT`` proxies (Werkzeug's ProxyFix) for the
  client's address, scheme and host. gunicorn itself trusts none
  (``forwarded_allow_ips = ""``), so the headers are read in exactly one place.
- Logs: the app writes one JSON line per request (``academy.access``, with the request id)
  to stdout; gunicorn's own access log is off, its error log goes to stderr, as JSON when
  ``LOG_FORMAT=json`` or ``APP_ENV=production``.
- Metrics: with ``METRICS=1`` and ``PROMETHEUS_MULTIPROC_DIR`` the workers share their
  samples through that folder, emptied at start and cleaned when a worker exits.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

wsgi_app = "academy:create_app()"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The largest page request is an import or export (staff import of ~5,000 rows, the XLSX
# and PDF reports): 120 s with room to spare; longer imports run from the CLI.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker restarts after so many requests (spread by the jitter), returning its memory.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall (/dev/shm where it exists).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

forwarded_allow_ips = ""
# gunicorn >= 25.1 opens a control socket in $HOME; systemd and Docker manage the process.
control_socket_disable = True

accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
_json = os.environ.get("LOG_FORMAT", "").lower() == "json" or (
    not os.environ.get("LOG_FORMAT") and os.environ.get("APP_ENV") == "production"
)
if _json:
    logconfig_dict: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        # The app puts its own handler on the root logger (academy.observability.logging).
        "root": {"level": loglevel.upper(), "handlers": []},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }


def _multiprocess_dir() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def on_starting(server: Any) -> None:
    """Empty the metrics folder: samples of an earlier run would be added up again."""
    folder = _multiprocess_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Mark a finished worker's gauges dead (prometheus multiprocess mode)."""
    if _multiprocess_dir() is None:
        return
    from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

    GunicornPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
