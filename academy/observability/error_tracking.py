"""Optional error tracking with Sentry: only when ``SENTRY_DSN`` is set (``pip install
'digitalakademie[sentry]'``), without personal data — no request bodies, cookies,
credentials, query strings or e-mail addresses leave the server."""

from __future__ import annotations

from typing import Any

from flask import Flask

from academy.config import ConfigurationError

#: Request headers that carry credentials; dropped from every event.
SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"}
#: What may stay of the user: the account id, nothing that names the person.
USER_KEYS_KEPT = {"id"}


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's ``before_send``: the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
            }
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: value for key, value in user.items() if key in USER_KEYS_KEPT}
    return event


def init_error_tracking(app: Flask) -> bool:
    """Start Sentry when ``SENTRY_DSN`` is set; return whether it was started."""
    dsn = app.config.get("SENTRY_DSN") or ""
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.flask import FlaskIntegration
    except ImportError as exc:
        raise ConfigurationError(
            "SENTRY_DSN ist gesetzt, aber sentry-sdk ist nicht installiert: "
            "pip install 'digitalakademie[sentry]'"
        ) from exc
    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        environment=app.config.get("APP_ENV", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )
    return True
