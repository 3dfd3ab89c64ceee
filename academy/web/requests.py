"""What happens around every request: security headers, the login loader, the session
cookie's lifetime and WTForms' messages in the request's language."""

from __future__ import annotations

from functools import cache

from babel import support
from flask import Flask, request, session
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.i18n import messages_path

from academy.accounts.models import User
from academy.auth.sessions import load_session_user
from academy.clock import utcnow
from academy.extensions import login_manager
from academy.i18n import N_
from academy.notifications.notices import remember_unread_count

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


#: Headers every answer carries unless the view set them itself.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
NO_STORE = ("Cache-Control", "no-store")


def _security_headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    wanted = list(SECURITY_HEADERS)
    if request.is_secure:
        wanted.append(HSTS)
    if current_user and current_user.is_authenticated:
        wanted.append(NO_STORE)
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def _load_user(token: str) -> User | None:
    user = load_session_user(token, now=utcnow())
    if user is not None:
        remember_unread_count(user.id, user.unread_at_load)
    return user


def _renew_session_cookie() -> None:
    # Flask-Login keeps only the session token; make the cookie expire with the session.
    # (The cookie is written when the session changes — at login — and not signed again
    # for every answer: SESSION_REFRESH_EACH_REQUEST is off.) An empty session stays
    # empty: a visitor without a cookie (a health check, a first look at the login page
    # before its form token) is not sent one.
    if session and not session.permanent:
        session.permanent = True


@cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    """WTForms' own messages in one language: a file of the installed package, read once
    per language and process (Flask-WTF reads it again for every request with a form)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


#: WTForms messages its own German catalogue lacks (WTForms 3.x): translated in the app's
#: catalogue instead (marked here for the extraction).
WTFORMS_GAPS = (
    N_("'%(value)s' is not a valid choice for this field."),
    N_("'%(value)s' are not valid choices for this field."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("Field must be exactly %(max)d character long."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
)


class _WTFormsTranslations:
    """What Flask-WTF looks for on the request (``request.wtforms_translations``): the
    catalogue of the language current when a message is translated; a message missing
    there comes from the app's own catalogue (``WTFORMS_GAPS``)."""

    def ugettext(self, string: str) -> str:
        translated = _wtforms_catalog(str(get_locale())).ugettext(string)
        return get_translations().ugettext(string) if translated == string else translated

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        translated = _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        ours = get_translations()
        translated = ours.ungettext(singular, plural, n)
        if translated in (singular, plural):  # kept as two messages in the app's catalogue
            translated = ours.ugettext(singular if n == 1 else plural)
        return translated


_WTFORMS_TRANSLATIONS = _WTFormsTranslations()


def _offer_wtforms_translations() -> None:
    request.wtforms_translations = _WTFORMS_TRANSLATIONS  # type: ignore[attr-defined]


def init_requests(app: Flask) -> None:
    from datetime import timedelta

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
