"""Version 1 of the read API under ``/api/v1``: the blueprint (flask-smorest, so every
route is in the OpenAPI document), its JSON error handlers and the views."""

from __future__ import annotations

from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from academy.errors import DomainError
from api.errors import answer_domain_error, answer_http_error, answer_unexpected

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Lese-Schnittstelle")
bp.register_error_handler(HTTPException, answer_http_error)
bp.register_error_handler(DomainError, answer_domain_error)
bp.register_error_handler(Exception, answer_unexpected)

#: Headers of every list answer (documented with each list).
LIST_HEADERS = {
    "Link": {
        "description": "Adressen der ersten, vorigen, nächsten und letzten Seite (RFC 8288)",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {"description": "Einträge insgesamt", "schema": {"type": "integer"}},
}


def documented(view):  # type: ignore[no-untyped-def]
    """401, 403 and 404 answers, ``If-None-Match`` and 304 in the view's OpenAPI entry
    (``api.auth.bearer.requires_scope`` gives them)."""
    for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (404, "NOT_FOUND")):
        view = bp.alt_response(status, response=name)(view)
    view._apidoc["etag"] = True
    return view
