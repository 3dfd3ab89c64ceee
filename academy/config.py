"""Configuration: defaults, then the instance folder's ``config.py``, then environment.

Environment variables (all optional in development):

``APP_ENV``            ``development`` (default) or ``production``
``SECRET_KEY``         required in production; generated once and kept in development
``DATABASE_URL``       SQLAlchemy URL; ``postgresql://…`` uses psycopg 3; default SQLite
``BASE_URL``           public address used in e-mails, iCal feeds and QR codes
``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_USE_TLS``, ``MAIL_USE_SSL``, ``MAIL_FROM``   SMTP for notifications
``MIN_GROUP_SIZE``     smallest group an aggregate may show (default 5)
``SESSION_HOURS``      lifetime of a login session (default 10)
``ORG_NAME``           name of the administration shown in the interface
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


class ConfigurationError(RuntimeError):
    """The application cannot start with the given configuration."""


DEFAULTS: dict[str, Any] = {
    "APP_ENV": "development",
    "ORG_NAME": "Stadtverwaltung Musterstadt",
    "BASE_URL": "http://127.0.0.1:5000",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "LANGUAGES": ("de", "en"),
    "BOOTSTRAP_SERVE_LOCAL": True,
    "BOOTSTRAP_BTN_STYLE": "primary",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "da_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "SESSION_HOURS": 10,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "LOGIN_WINDOW_MINUTES": 15,
    "MIN_GROUP_SIZE": 5,
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_FROM": "digitalakademie@localhost",
    "PAGE_SIZE": 25,
}

_INT_KEYS = {
    "MAIL_PORT",
    "MIN_GROUP_SIZE",
    "SESSION_HOURS",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT",
    "LOGIN_MAX_FAILURES_PER_ADDRESS",
    "LOGIN_WINDOW_MINUTES",
    "PAGE_SIZE",
}
_BOOL_KEYS = {"MAIL_USE_TLS", "MAIL_USE_SSL"}
_STR_KEYS = {
    "APP_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "BASE_URL",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "ORG_NAME",
}


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the usual ``postgresql://`` form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _from_environment(app: Flask) -> None:
    for key in _STR_KEYS | _INT_KEYS | _BOOL_KEYS:
        raw = os.environ.get(key)
        if raw is None or raw == "":
            continue
        if key in _INT_KEYS:
            try:
                app.config[key] = int(raw)
            except ValueError as exc:
                raise ConfigurationError(
                    f"{key} muss eine ganze Zahl sein, nicht {raw!r}."
                ) from exc
        elif key in _BOOL_KEYS:
            app.config[key] = _parse_bool(raw)
        else:
            app.config[key] = raw


def _development_secret(app: Flask) -> str:
    """A secret generated once per instance folder and kept there."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def load_config(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order and check it."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    _from_environment(app)
    if test_config:
        app.config.from_mapping(test_config)

    production = app.config["APP_ENV"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise ConfigurationError(
                "SECRET_KEY ist nicht gesetzt. Im Produktivbetrieb (APP_ENV=production) muss "
                "SECRET_KEY als Umgebungsvariable oder in instance/config.py gesetzt sein, "
                "z. B. mit: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        app.config["SECRET_KEY"] = _development_secret(app)

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + str(Path(app.instance_path) / "digitalakademie.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)

    secure = production
    app.config.setdefault("SESSION_COOKIE_SECURE", secure)
    app.config.setdefault("REMEMBER_COOKIE_SECURE", secure)
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
