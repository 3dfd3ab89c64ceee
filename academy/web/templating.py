"""Templates: where they come from (every feature folder keeps its own ``templates/``,
named ``<package>/<feature>/…`` inside, and one loader finds them all), and what every
template gets (navigation, roles, ``can``, translations bound once per rendering, filters)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask.globals import _cv_request
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from academy.accounts.models import ROLE_LABELS
from academy.auth.policy import can, current_roles
from academy.i18n import fmt_date, fmt_datetime, fmt_number, localized_attr, translate
from academy.web.cookies import csrf_token
from academy.web.hooks import template_hook
from academy.web.layout import layout_links
from academy.web.menu import main_menu
from academy.web.navigation import nav_for


def template_dirs(package_dirs: list[Path]) -> list[Path]:
    """Every ``templates`` folder below the given package folders, in a stable order."""
    found: list[Path] = []
    for root in package_dirs:
        found.extend(sorted(p for p in root.rglob("templates") if p.is_dir()))
    return found


def feature_loader(package_dirs: list[Path]) -> ChoiceLoader:
    return ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(package_dirs)])


def _template_context() -> dict[str, Any]:
    user = current_user._get_current_object()
    if user is None or not user.is_authenticated:
        user = None
    roles = current_roles() if user else set()
    return {
        "nav": nav_for(user, roles) if user else {},
        "roles": roles,
        "viewer": user,  # the logged-in account (None: nobody), for the base layout
        "layout": layout_links(),
        "can": lambda action, target=None: can(user, action, target),
        "csrf_token": csrf_token,
        "org_name": _config("ORG_NAME"),
        "locale": _locale(),
        **_gettext_callables(),
    }


def _gettext_callables() -> dict[str, Any]:
    """``_``, ``gettext``, ``ngettext`` … bound to the translations of the current locale
    (made once per catalogue; Flask-Babel's look the catalogue up by the locale's name at
    every call). Same behaviour as Jinja's new-style gettext: the result is escaped in
    autoescaped templates and always used as a %-format string with the keyword
    arguments (``num`` included for the plural forms). They take the evaluation context,
    not the whole context, so a call in a loop does not copy the loop's variables. A
    text without arguments is translated once per catalogue."""
    app, locale = _app_and_locale()
    made: dict[Any, dict[str, Any]] = app.extensions.setdefault("academy_gettext", {})
    found = made.get(locale)
    if found is None:
        found = made[locale] = _make_callables(_catalogue())
    return found


def _app_and_locale() -> tuple[Any, Any]:
    """The app and the request's locale as Flask-Babel keeps it on the request (also
    inside ``force_locale``), read without the proxies; asked of Flask-Babel first."""
    ctx = _cv_request.get(None)
    if ctx is not None:
        locale = getattr(ctx.request, "babel_locale", None)
        if locale is not None:
            return ctx.app, locale
        return ctx.app, get_locale()
    return current_app._get_current_object(), get_locale()  # type: ignore[attr-defined]


@pass_eval_context
def _env_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    return _gettext_callables()["_"](eval_ctx, string, **variables)  # type: ignore[no-any-return]


@pass_eval_context
def _env_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    return _gettext_callables()["ngettext"](eval_ctx, singular, plural, num, **variables)  # type: ignore[no-any-return]


@pass_eval_context
def _env_pgettext(eval_ctx: EvalContext, ctx: str, string: str, /, **variables: Any) -> str:
    return _gettext_callables()["pgettext"](eval_ctx, ctx, string, **variables)  # type: ignore[no-any-return]


@pass_eval_context
def _env_npgettext(
    eval_ctx: EvalContext, ctx: str, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    return _gettext_callables()["npgettext"](  # type: ignore[no-any-return]
        eval_ctx, ctx, singular, plural, num, **variables
    )


def _make_callables(translations: Any) -> dict[str, Any]:
    ugettext, ungettext = translations.ugettext, translations.ungettext
    upgettext, unpgettext = translations.upgettext, translations.unpgettext

    plain: dict[tuple[str, bool], str] = {}  # (text, autoescape) → translated, formatted

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        if variables:
            return _format(eval_ctx, ugettext(string), variables)
        key = (string, eval_ctx.autoescape)
        found = plain.get(key)
        if found is None:
            found = plain[key] = _format(eval_ctx, ugettext(string), variables)
        return found

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
    return current_app.config.get(key)


def _locale() -> str:
    loc = get_locale()
    return loc.language if loc else "de"


def _catalogue() -> Any:
    """The translations of the request's language, made once per language (Flask-Babel
    looks them up again, by the locale's name, at every call)."""
    app, locale = _app_and_locale()
    made: dict[Any, Any] = app.extensions.setdefault("academy_catalogues", {})
    found = made.get(locale)
    if found is None:
        found = made[locale] = get_translations()
    return found


def _install_gettext(app: Flask) -> None:
    """The environment's own ``_``/``gettext``…: what macros imported without context
    call (the template context brings the same ones). The i18n extension stays for
    ``{% trans %}``, which calls these."""
    app.jinja_env.globals.update(
        _=_env_gettext,
        gettext=_env_gettext,
        ngettext=_env_ngettext,
        pgettext=_env_pgettext,
        npgettext=_env_npgettext,
    )


def init_templating(app: Flask) -> None:
    _install_gettext(app)
    app.context_processor(_template_context)
    app.jinja_env.filters.update(date=fmt_date, datetime=fmt_datetime, number=_number)
    app.jinja_env.globals["translate"] = translate
    app.jinja_env.globals["template_hook"] = template_hook
    app.jinja_env.globals["localized_attr"] = localized_attr
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
    app.jinja_env.globals["main_menu"] = main_menu
