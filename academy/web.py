"""Request handling shared by every page: security headers, errors, login loader,
template helpers and the core blueprints."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request, session
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from academy.auth.policy import can, current_roles
from academy.auth.sessions import load_session_user
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import login_manager
from academy.i18n import N_, fmt_date, fmt_datetime, fmt_number, translate
from academy.models import User
from academy.models.accounts import ROLE_LABELS
from academy.navigation import nav_for

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and current_user.is_authenticated:
        headers.setdefault("Cache-Control", "no-store")
    return response


def _load_user(token: str) -> User | None:
    return load_session_user(token, now=utcnow())


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


ERROR_TITLES = {
    400: N_("Bad request"),
    401: N_("Please log in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("File too large"),
    422: N_("Input could not be processed"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
}

ERROR_TEXTS = {
    400: N_("The request could not be understood."),
    403: N_("You do not have permission to open this page or to perform this action."),
    404: N_("The page you requested does not exist or has been removed."),
    405: N_("This action is not possible here."),
    413: N_("The uploaded file is larger than allowed."),
    429: N_("Too many requests in a short time. Please wait a moment and try again."),
    500: N_(
        "Something went wrong on our side. The error has been recorded; please try again later."
    ),
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title = gettext(ERROR_TITLES.get(code, N_("Error")))
    text = message or gettext(ERROR_TEXTS.get(code, ERROR_TEXTS[400]))
    return render_template("academy/error.html", code=code, title=title, text=text), code


def _handle_http_error(error: HTTPException) -> Any:
    code = error.code or 500
    if _wants_json():
        return {"error": code, "message": gettext(ERROR_TITLES.get(code, "Error"))}, code
    return render_error(code)


def _handle_csrf(error: CSRFError) -> Any:
    return render_error(
        400, gettext("The form has expired. Please reload the page and submit it again.")
    )


def _handle_domain_error(error: DomainError) -> Any:
    """A business rule said no: translated message, back to the page, 4xx status."""
    from academy.extensions import db

    db.session.rollback()
    message = translate(error.message, **error.params)
    if _wants_json():
        return {"error": error.status_code, "message": message}, error.status_code
    return render_error(error.status_code, message)


def _handle_500(error: Exception) -> Any:
    from academy.extensions import db

    db.session.rollback()
    return render_error(500)


def _template_context() -> dict[str, Any]:
    user = current_user if current_user.is_authenticated else None
    return {
        "nav": nav_for(user) if user else {},
        "roles": current_roles() if user else set(),
        "can": lambda action, target=None: can(current_user, action, target),
        "org_name": _config("ORG_NAME"),
        "locale": _locale(),
    }


def _config(key: str) -> Any:
    from flask import current_app

    return current_app.config.get(key)


def _locale() -> str:
    from flask_babel import get_locale

    loc = get_locale()
    return loc.language if loc else "de"


def _renew_session_cookie() -> None:
    # Flask-Login keeps only the session token; make the cookie expire with the session.
    session.permanent = True


def init_app(app: Flask) -> None:
    from datetime import timedelta

    from academy import (
        panels,  # noqa: F401 - registers the start-page panels
        views_admin,
        views_auth,
        views_core,
        views_frameworks,
        views_notifications,
        views_org,
        views_staff,
    )

    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_HOURS"])
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.localize_callback = gettext

    app.after_request(_security_headers)
    app.before_request(_renew_session_cookie)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(DomainError, _handle_domain_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, _handle_500)
    app.context_processor(_template_context)
    app.jinja_env.filters.update(date=fmt_date, datetime=fmt_datetime, number=fmt_number)
    app.jinja_env.globals["translate"] = translate
    app.jinja_env.globals["role_labels"] = ROLE_LABELS

    for bp in (
        views_core.bp,
        views_auth.bp,
        views_admin.bp,
        views_org.bp,
        views_frameworks.bp,
        views_staff.bp,
        views_notifications.bp,
    ):
        app.register_blueprint(bp)
