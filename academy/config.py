"""Configuration: defaults, then the instance folder's ``config.py``, then environment.

Environment variables (all optional in development):

``APP_ENV``            ``development`` (default) or ``production``
``SECRET_KEY``         required in production; generated once and kept in development
``DATABASE_URL``       SQLAlchemy URL; ``postgresql://…`` uses psycopg 3; default SQLite
``BASE_URL``           public address: every link outside the page (e-mails, iCal feeds,
                       QR codes, Open Badges) is built from it, never from the request
``PROXY_COUNT``        number of trusted reverse proxies in front (default 0: none)
``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_USE_TLS``, ``MAIL_USE_SSL``, ``MAIL_FROM``   SMTP for notifications
``MIN_GROUP_SIZE``     smallest group an aggregate may show (default 5)
``SESSION_HOURS``      lifetime of a login session (default 10)
``ORG_NAME``           name of the administration shown in the interface

Every setting in ``DEFAULTS`` can be given as an environment variable of the same name; the
value is read as the default's type: whole numbers, ``1``/``true``/``yes``/``ja`` for
switches, JSON for lists (e.g. ``CERTIFICATE_SIGNATORIES='[["Dr. A. Muster",
"Leitung Personalentwicklung"]]'``). ``INSTANCE_PATH`` chooses the instance folder (default:
``instance/`` beside the code when run from a checkout, else the current directory's
``instance/``); it holds ``config.py`` and, in development, the SQLite database.
"""

from __future__ import annotations

import json
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
    # Shown on the privacy notice and the accessibility statement (/datenschutz,
    # /barrierefreiheit); ACCESSIBILITY_CONTACT is the feedback address (mailto).
    "DPO_CONTACT": "Die Datenschutzbeauftragte, datenschutz@musterstadt.example",
    "ACCESSIBILITY_CONTACT": "barrierefreiheit@musterstadt.example",
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
    # The cookie is written when the session changes, not signed again for every answer:
    # it expires with the login session (SESSION_HOURS after logging in) either way.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "SESSION_HOURS": 10,
    "PROXY_COUNT": 0,
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_DELAY_SECONDS": 60,
    "LOGIN_DELAY_MAX_MINUTES": 60,
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
    # Background exports (academy/jobs): hours a finished file is kept; team exports of
    # more members than this are made in the background instead of in the request.
    "EXPORT_JOB_HOURS": 24,
    "EXPORT_JOB_RUNNER": "thread",  # "thread": made at once in the web worker; "tick": by the tick
    "TEAM_EXPORT_BACKGROUND_MEMBERS": 5000,
    "SECRET_KEY": "",
    "DATABASE_URL": "",
    "SQLITE_BUSY_TIMEOUT_MS": 30_000,
    "CERTIFICATE_ISSUER": "",
    "CERTIFICATE_LOGO": "",
    "CERTIFICATE_SIGNATORIES": [],
    "CERTIFICATE_PLACE": "",
    "VERIFY_THROTTLE_MAX": 30,
    "VERIFY_THROTTLE_MINUTES": 10,
    # Imports (academy/imports/limits.py): checked before a file is parsed.
    "IMPORT_MAX_BYTES": 16 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 100_000,
    "IMPORT_MAX_COLUMNS": 100,
    "IMPORT_MAX_CELL_CHARS": 5_000,
    "IMPORT_MAX_XLSX_RATIO": 100,
    "IMPORT_MAX_XLSX_UNPACKED_BYTES": 100 * 1024 * 1024,
    "IMPORT_MAX_XLSX_PARTS": 1_000,
    "IMPORT_MAX_JSON_DEPTH": 32,
    "IMPORT_CLI_FACTOR": 10,
    "LOG_FORMAT": "",
    "LOG_LEVEL": "INFO",
    "METRICS": False,
    "METRICS_TOKEN": "",
    "SENTRY_DSN": "",
    "PG_BIN_DIR": "",  # folder of pg_dump/pg_restore for backups (default: PATH)
    # Retention (academy/retention): days; "after leaving" unless noted; 0 switches off.
    "RETENTION_LEARNING_RECORD_DAYS": 3 * 365,
    "RETENTION_RATINGS_DAYS": 365,
    "RETENTION_APPLICATIONS_DAYS": 365,
    "RETENTION_PERSONNEL_RECORD_DAYS": 3 * 365,
    "RETENTION_CERTIFICATE_DAYS": 10 * 365,
    "RETENTION_ACCESS_LOG_DAYS": 2 * 365,  # by the entry's age, whoever it is about
    "RETENTION_AUDIT_LOG_DAYS": 6 * 365,  # by the entry's age, whoever it is about
    # Course evaluations (courses/evaluations): a round opens for a session that ended at
    # most START_WITHIN days ago, stays open OPEN days after its last day, and reminds
    # those who have not answered REMINDER days before it closes (0: no reminder).
    "EVALUATION_OPEN_DAYS": 14,
    "EVALUATION_REMINDER_DAYS": 3,
    "EVALUATION_START_WITHIN_DAYS": 7,
    # External training requests (courses/external): above this total (fee and travel,
    # whole euros) a second HR person must approve; attachments (offer PDF, certificate)
    # are at most this large and kept in this folder (default: instance/uploads/external,
    # outside the web root; shared by every host); cancelling an approved external
    # training later than this many days before its start counts as late (costs kept).
    "EXTERNAL_SECOND_APPROVAL_EUR": 1500,
    "EXTERNAL_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "EXTERNAL_ATTACHMENT_DIR": "",
    "EXTERNAL_CANCELLATION_DAYS": 14,
    # Read API (api/; README "Schnittstelle für andere Systeme"). Bearer tokens of the
    # OIDC provider (client credentials) count where OIDC_ISSUER and API_AUDIENCE are set;
    # API_SCOPE_CLAIM names the claim with the scopes (Keycloak "scope", Entra ID "roles"),
    # API_SCOPE_PREFIX is removed from its values ("api://digitalakademie/").
    "API_AUDIENCE": "",
    "API_SCOPE_CLAIM": "scope",
    "API_SCOPE_PREFIX": "",
    "API_CLIENT_PURPOSE": "Datenabruf durch ein angebundenes System (OIDC-Client)",
    "API_JWKS_CACHE_SECONDS": 300,
    "API_PAGE_SIZE": 25,
    "API_MAX_PAGE_SIZE": 100,
    # Sign-on (academy/auth/signon; README "Anmeldung über den Verzeichnisdienst").
    # LOCAL_LOGIN=0 switches password login off for everyone (admins included).
    "LOCAL_LOGIN": True,
    "OIDC_ISSUER": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    "OIDC_SCOPES": "openid email profile",
    "OIDC_PERSONNEL_NO_CLAIM": "personnel_number",  # dotted path for nested claims
    "OIDC_EMAIL_CLAIM": "email",
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_TIMEOUT_SECONDS": 10,
    "LDAP_URL": "",
    "LDAP_STARTTLS": False,
    "LDAP_CA_FILE": "",
    "LDAP_BIND_DN_TEMPLATE": "",  # e.g. uid={username},ou=people,dc=stadt,dc=example
    "LDAP_SEARCH_BASE": "",
    "LDAP_USER_FILTER": "(uid={username})",
    "LDAP_BIND_DN": "",  # service account for the search (empty: anonymous)
    "LDAP_BIND_PASSWORD": "",
    "LDAP_ID_ATTRIBUTE": "entryUUID",  # Active Directory: objectGUID
    "LDAP_PERSONNEL_NO_ATTRIBUTE": "employeeNumber",
    "LDAP_EMAIL_ATTRIBUTE": "mail",
    "LDAP_NAME_ATTRIBUTE": "displayName",
    "LDAP_GROUP_ATTRIBUTE": "memberOf",
    "LDAP_TIMEOUT_SECONDS": 5,
    # Directory groups → roles, JSON: {"hr": ["cn=pe,ou=groups,dc=stadt,dc=example"], …}
    "ROLE_GROUPS": {},
    # Invitations to set a password (academy/accounts/invitations; where LOCAL_LOGIN is
    # on): days a link stays valid.
    "INVITATION_DAYS": 14,
    # Mandatory training (courses/mandatory): people are reminded this many days before a
    # training is due and before a completion runs out (once each); a reservation of
    # seats for a unit (courses/teambooking) is released by default this many days before
    # the session's enrolment deadline.
    "MANDATORY_DUE_REMINDER_DAYS": 14,
    "MANDATORY_EXPIRY_REMINDER_DAYS": 60,
    "RESERVATION_RELEASE_DAYS": 3,
    # Sessions of several meetings (courses/sessions): a participant counts as attended
    # when present for at least this share of the session's time (percent, the meetings'
    # lengths weighed); below it as not attended. A session of one meeting: present or not.
    "ATTENDANCE_MIN_PERCENT": 80,
    # The trainer's past sessions (courses/sessions): attendance or results still open
    # this many days after the session ended are marked urgent and listed first.
    "ATTENDANCE_URGENT_DAYS": 7,
}

#: Settings that are never read from the environment (structure, not operation).
_NOT_FROM_ENVIRONMENT = {
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SQLALCHEMY_TRACK_MODIFICATIONS",
    "LANGUAGES",
    "BOOTSTRAP_SERVE_LOCAL",
    "BOOTSTRAP_BTN_STYLE",
}


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the usual ``postgresql://`` form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _parsed(key: str, raw: str, default: Any) -> Any:
    """An environment value as the type of the setting's default."""
    if isinstance(default, bool):
        return _parse_bool(raw)
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{key} muss eine ganze Zahl sein, nicht {raw!r}.") from exc
    if isinstance(default, (list, tuple, dict)):
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{key} muss JSON sein (z. B. eine Liste): {exc}") from exc
        if not isinstance(value, type(default) if not isinstance(default, tuple) else list):
            raise ConfigurationError(f"{key} hat die falsche Form ({type(value).__name__}).")
        return value
    return raw


def _from_environment(app: Flask) -> None:
    for key, default in DEFAULTS.items():
        if key in _NOT_FROM_ENVIRONMENT:
            continue
        raw = os.environ.get(key)
        if raw is None or raw == "":
            continue
        app.config[key] = _parsed(key, raw, default)


def instance_path() -> str:
    """The instance folder: ``INSTANCE_PATH``; else ``instance/`` beside the code in a
    checkout; else (an installed wheel, whose folder may be read-only) ``instance/`` in the
    current directory — never a folder inside the virtual environment."""
    raw = os.environ.get("INSTANCE_PATH", "").strip()
    if raw:
        return str(Path(raw).expanduser().resolve())
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists():
        return str(checkout / "instance")
    return str(Path.cwd() / "instance")


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
