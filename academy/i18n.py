"""Language and locale: German by default, English selectable; the choice is remembered."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from flask import current_app, request
from flask.globals import _cv_request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_timezone,
    gettext,
)
from flask_login import current_user

LANG_COOKIE = "da_lang"


def N_(message: str) -> str:  # noqa: N802 - the conventional name for a gettext marker
    """Marks a string for extraction without translating it now (services, constants)."""
    return message


def translate(message: str, **params: object) -> str:
    """Translate a message marked with ``N_`` and fill in its parameters."""
    return gettext(message, **params) if params else gettext(message)


def select_locale() -> Locale:
    """The request's language (Flask-Babel asks once per request): the account's, the
    language cookie's, else the default. A parsed ``Locale`` (made once per language):
    Flask-Babel would parse the code again for every request."""
    languages = current_app.config["LANGUAGES"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return _locale(user_locale)
    cookie = request.cookies.get(LANG_COOKIE) if request else None
    if cookie in languages:
        return _locale(cookie)
    return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def fmt_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return "–"
    return _remembered(format_date, value, format)


def fmt_datetime(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return "–"
    return _remembered(format_datetime, value, format)


def fmt_number(value: float | int | Decimal | None, digits: int | None = None) -> str:
    if value is None:
        return "–"
    if digits is not None:
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return _remembered(format_decimal, value, pattern)
    return _remembered(format_decimal, value, None)


#: Formatted dates and numbers a process remembers (``_remembered``).
REMEMBERED_FORMATS = 50_000
_FORMATTED: OrderedDict[tuple[Any, ...], str] = OrderedDict()


def _remembered(formatter: Callable[..., str], value: Any, format: str | None) -> str:
    """``formatter(value, format)`` of Flask-Babel, remembered by value, format, language
    and time zone: the same date or number in the same language comes out the same, and
    a list page shows the same dates again and again (Flask-Babel parses the locale's
    patterns and looks the request's locale and time zone up through proxies each
    time — some 100 function calls per date)."""
    ctx = _cv_request.get(None)
    if ctx is None:
        return formatter(value, format)
    locale = getattr(ctx.request, "babel_locale", None) or get_locale()
    zone = getattr(ctx.request, "babel_tzinfo", None) or get_timezone()
    key = (formatter, type(value), value, format, locale, zone)
    found = _FORMATTED.get(key)
    if found is None:
        found = _FORMATTED[key] = formatter(value, format)
        if len(_FORMATTED) > REMEMBERED_FORMATS:
            _FORMATTED.popitem(last=False)
    return found


def localized_attr(obj: object, attr: str) -> str:
    """``obj.<attr>_<language>`` in the current language, German as the fallback
    (for data kept in both languages, e.g. competence names)."""
    from flask_babel import get_locale

    locale = get_locale()
    language = locale.language if locale else "de"
    return getattr(obj, f"{attr}_{language}", None) or getattr(obj, f"{attr}_de", "") or ""
