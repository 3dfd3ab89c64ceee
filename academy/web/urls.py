"""Addresses: safe redirects (only to paths on this site, no open redirect through
``next``) and public URLs, which are always built from ``BASE_URL`` — never from the Host
a request happened to use."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter, Map


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a local path, else None."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


def public_base() -> str:
    """``BASE_URL`` without a trailing slash."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def public_path_url(path: str) -> str:
    """A site path (``/kurse/3``) as a full address under ``BASE_URL``; a full address
    (``https://…``) is returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return public_base() + "/" + path.lstrip("/")


def _path_for(endpoint: str, values: dict[str, Any]) -> str:
    """The site path of ``endpoint``: ``url_for`` inside a request; outside one (CLI,
    ``tick``) the URL map bound to no host, as there is no request to take one from."""
    if has_request_context():
        return url_for(endpoint, _external=False, **values)
    current_app.inject_url_defaults(endpoint, values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def public_url(endpoint: str, **values: Any) -> str:
    """The full public address of ``endpoint`` (QR codes, badges, e-mails, feeds, API
    links): its path under ``BASE_URL``."""
    values.pop("_external", None)
    path = _path_for(endpoint, values)
    prefix = urlsplit(public_base()).path.rstrip("/")
    # Behind a proxy that announces its path prefix (X-Forwarded-Prefix) the path has it
    # already; BASE_URL carries it too.
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    return public_path_url(path)


#: The largest id a route accepts: PostgreSQL's INTEGER (the ids' column type) ends here,
#: SQLite's at 2**63 - 1; a larger number in a URL is no page (404), not a database error.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` of every route: digits up to ``MAX_ID``."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
