"""Request handling shared by every page: security headers, errors, login loader,
template helpers and the core blueprints."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import support
from flask import Flask, render_template, request, session
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms.i18n import messages_path

from academy.auth.policy import can, current_roles
from academy.auth.sessions import load_session_user
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import login_manager
from academy.i18n import N_, fmt_date, fmt_datetime, fmt_number, localized_attr, translate
from academy.models import User
from academy.models.accounts import ROLE_LABELS
from academy.navigation import nav_for
from academy.notifications import remember_unread_count

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
    user = load_session_user(token, now=utcnow())
    if user is not None:
        remember_unread_count(user.id, user.unread_at_load)
    return user


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
    user = current_user._get_current_object()
    if user is None or not user.is_authenticated:
        user = None
    return {
        "nav": nav_for(user) if user else {},
        "roles": current_roles() if user else set(),
        "can": lambda action, target=None: can(user, action, target),
        "org_name": _config("ORG_NAME"),
        "locale": _locale(),
        **_gettext_callables(),
    }


def _gettext_callables() -> dict[str, Any]:
    """``_``, ``gettext``, ``ngettext`` … for one rendering, bound to the translations of
    the current locale (looked up once here instead of at every call, as Flask-Babel's
    globals do). Same behaviour as Jinja's new-style gettext: the result is escaped in
    autoescaped templates and always used as a %-format string with the keyword
    arguments (``num`` included for the plural forms). They take the evaluation context,
    not the whole context, so a call in a loop does not copy the loop's variables."""
    translations = get_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext
    upgettext, unpgettext = translations.upgettext, translations.unpgettext

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        return _format(eval_ctx, ugettext(string), variables)

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        return _format(eval_ctx, ungettext(singular, plural, num), variables)

    @pass_eval_context
    def pgettext(eval_ctx: EvalContext, ctx: str, string: str, /, **variables: Any) -> str:
        variables.setdefault("context", ctx)
        return _format(eval_ctx, upgettext(ctx, string), variables)

    @pass_eval_context
    def npgettext(
        eval_ctx: EvalContext, ctx: str, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("context", ctx)
        variables.setdefault("num", num)
        return _format(eval_ctx, unpgettext(ctx, singular, plural, num), variables)

    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
        "pgettext": pgettext,
        "npgettext": npgettext,
    }


def _format(eval_ctx: EvalContext, message: str, variables: dict[str, Any]) -> str:
    # A translation is trusted like template source (as in Jinja's i18n extension): it
    # is escaped for HTML only through ``%``, which escapes the variables.
    if eval_ctx.autoescape:
        message = Markup(message)  # noqa: S704
    return message % variables


#: Languages whose numbers below 1,000 are written as plain ASCII digits (no grouping).
_PLAIN_SMALL_NUMBERS = frozenset({"de", "en"})


def _number(value: Any, digits: int | None = None) -> str:
    """The ``number`` filter: ``fmt_number``, with a shortcut for the many small whole
    numbers in tables (counts, teaching units) that look the same in German and English."""
    small = digits is None and type(value) is int and -1000 < value < 1000
    if small and _locale() in _PLAIN_SMALL_NUMBERS:
        return str(value)
    return fmt_number(value, digits)


def _config(key: str) -> Any:
    from flask import current_app

    return current_app.config.get(key)


def _locale() -> str:
    loc = get_locale()
    return loc.language if loc else "de"


def _renew_session_cookie() -> None:
    # Flask-Login keeps only the session token; make the cookie expire with the session.
    # (Flask renews a permanent session's cookie on every response by itself.)
    if not session.permanent:
        session.permanent = True


@cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    """WTForms' own messages in one language: a file of the installed package, read once
    per language and process (Flask-WTF reads it again for every request with a form)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsTranslations:
    """What Flask-WTF looks for on the request (``request.wtforms_translations``): the
    catalogue of the language current when a message is translated."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


_WTFORMS_TRANSLATIONS = _WTFormsTranslations()


def _offer_wtforms_translations() -> None:
    request.wtforms_translations = _WTFORMS_TRANSLATIONS  # type: ignore[attr-defined]


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
    if app.config.get("WTF_I18N_ENABLED", True):
        app.before_request(_offer_wtforms_translations)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(DomainError, _handle_domain_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, _handle_500)
    app.context_processor(_template_context)
    app.jinja_env.filters.update(date=fmt_date, datetime=fmt_datetime, number=_number)
    app.jinja_env.globals["translate"] = translate
    app.jinja_env.globals["localized_attr"] = localized_attr
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
