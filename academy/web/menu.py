"""The main bar of the base layout, rendered once and kept.

The bar's entries are the same for every account with the same roles (and the same
answers of the policy, see ``navigation.nav_for``), so its HTML depends only on those
entries, the language and the current page. ``main_menu`` renders
``academy/main_menu.html`` once per such combination and keeps the result; per request
only the unread-notifications badge is put in. Rendering the bar was the largest part of
an empty page in the layout (the floor every page costs).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import current_app
from flask_babel import gettext
from markupsafe import Markup

#: Where the notifications entry's badge goes (a comment: harmless if ever left in).
UNREAD_MARKER = Markup("<!--da:unread-->")
#: Rendered bars kept per app; the oldest half goes beyond this.
MENU_CACHE_SIZE = 2048

_BADGE = Markup(
    ' <span class="badge rounded-pill text-bg-danger" aria-hidden="true">{count}</span>'
    '<span class="visually-hidden"> ({text})</span>'
)


def main_menu(nav: dict[str, Any], here: str | None, unread: int, language: str) -> Markup:
    """The ``<ul>`` of the main bar for these entries (``nav_for``), the current endpoint
    and the reader's language, with ``unread`` notifications on the badge."""
    signature: Hashable = getattr(nav, "signature", None)
    cache: dict[Hashable, Markup] = current_app.extensions.setdefault("academy_menus", {})
    key = (signature, language, here) if signature is not None else None
    html = cache.get(key) if key is not None else None
    if html is None:
        template = current_app.jinja_env.get_template("academy/main_menu.html")
        html = Markup(template.render(nav=nav, here=here, unread_marker=UNREAD_MARKER))  # noqa: S704
        if key is not None:
            if len(cache) >= MENU_CACHE_SIZE:
                for old in list(cache)[: MENU_CACHE_SIZE // 2]:
                    cache.pop(old, None)  # another thread may have dropped it already
            cache[key] = html
    return Markup(html.replace(UNREAD_MARKER, badge(unread)))  # noqa: S704


def badge(unread: int) -> Markup:
    """The notifications badge (nothing without unread notifications)."""
    if not unread:
        return Markup("")
    return _BADGE.format(count=unread, text=gettext("%(count)s unread", count=unread))
