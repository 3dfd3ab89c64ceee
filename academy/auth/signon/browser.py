"""The browser side of a sign-on: a fresh login session for the account the directory
vouched for (the same kind of server-side session as a password login)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_login import login_user
from sqlalchemy import update
from werkzeug.wrappers import Response

from academy.accounts.models import User, UserSession
from academy.auth.sessions import _token_hash, start_session
from academy.auth.signon.oidc import CLIENTS as OIDC_CLIENTS
from academy.auth.signon.settings import oidc_settings
from academy.extensions import db
from academy.web.requests import CSP

#: Where the page asked for before the detour through the provider waits.
NEXT_KEY = "signon_next"


def begin_session(user: User, *, now: datetime, id_token: str | None = None) -> None:
    """Start a login session for ``user`` in this browser (a new session cookie: no
    fixation) and commit; ``id_token`` is kept for the provider's logout."""
    session.clear()
    token = start_session(
        user,
        now=now,
        lifetime=timedelta(hours=current_app.config["SESSION_HOURS"]),
        remote_addr=request.remote_addr or "unknown",
        user_agent=request.headers.get("User-Agent", ""),
    )
    if id_token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token))
            .values(id_token=id_token)
        )
    db.session.commit()
    user.session_token = token
    login_user(user)
    session.permanent = True


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def allow_provider_logout(response: Response) -> Response:
    """The logout form (in every page's header) ends at the provider's end-session
    endpoint: with OpenID Connect configured, the provider's origin is a form target the
    Content-Security-Policy allows (the browser checks ``form-action`` along redirects)."""
    settings = oidc_settings()
    if settings is None or "Content-Security-Policy" in response.headers:
        return response
    targets = {_origin(settings.issuer)}
    loaded = current_app.extensions.get(OIDC_CLIENTS, {}).get(settings)
    if loaded is not None and loaded.server_metadata.get("end_session_endpoint"):
        targets.add(_origin(str(loaded.server_metadata["end_session_endpoint"])))
    allowed = " ".join(sorted(t for t in targets if t))
    response.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", f"form-action 'self' {allowed}"
    )
    return response
