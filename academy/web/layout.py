"""What the base layout shows on every page and that does not change from one request to
the next: the links of the header and footer and the style sheets and scripts, built
once per app and URL prefix (``request.script_root``) instead of with about twenty
``url_for`` calls per page."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from markupsafe import Markup

#: Name in ``layout`` → endpoint of a link the base layout shows.
LINKS = {
    "home": "academy.home",
    "account": "auth.account",
    "logout": "auth.logout",
    "privacy": "site_texts.privacy",
    "accessibility": "site_texts.accessibility",
    "set_language": "academy.set_language",
}


def layout_links() -> dict[str, Any]:
    """``layout.home``, ``layout.account`` …, ``layout.head`` (style sheets and icon)
    and ``layout.scripts`` (scripts) for the base layout."""
    cache: dict[str, dict[str, Any]] = current_app.extensions.setdefault("academy_layout", {})
    root = request.script_root
    links = cache.get(root)
    if links is None:
        links = cache[root] = _build()
    return links


def _build() -> dict[str, Any]:
    bootstrap = current_app.extensions["bootstrap"]
    static = "academy.static"
    links: dict[str, Any] = {name: url_for(endpoint) for name, endpoint in LINKS.items()}
    links["head"] = Markup(  # noqa: S704 - built from our own URLs
        f"{bootstrap.load_css()}\n"
        f'  <link rel="stylesheet" href="{url_for(static, filename="css/app.css")}">\n'
        f'  <link rel="icon" href="{url_for(static, filename="favicon.svg")}"'
        ' type="image/svg+xml">'
    )
    links["scripts"] = Markup(  # noqa: S704 - built from our own URLs
        f'{bootstrap.load_js()}\n<script src="{url_for(static, filename="js/app.js")}"></script>'
    )
    return links
