"""Every error of the read API is JSON with a 4xx (5xx only when a service behind it is
down or the code failed), never an HTML page: bad or missing tokens (401), a missing
scope (403), unknown ids or URLs (404), malformed query parameters (422).

Shape (``ErrorSchema``)::

    {"code": 422, "status": "Unprocessable Entity", "message": "…",
     "errors": {"per_page": ["…"]}}

``message`` and the field messages are in the request's language (German by default).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, NoReturn

import marshmallow as ma
from flask import Response, jsonify
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from academy.errors import DomainError
from academy.i18n import N_, translate

#: The default message per status (English source strings, translated when answered).
MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Authentication required: send a valid token as “Authorization: Bearer …”."),
    403: N_("The token does not have the scope this call needs."),
    404: N_("Not found."),
    405: N_("This method is not allowed here; the API only reads (GET)."),
    406: N_("The API answers in JSON only."),
    409: N_("Conflict."),
    413: N_("The request is too large."),
    422: N_("The query parameters are not valid."),
    429: N_("Too many requests in a short time. Please wait a moment and try again."),
    500: N_("Something went wrong on our side. The error has been recorded."),
    503: N_("A service the API depends on cannot be reached. Please try again later."),
}


class ErrorSchema(ma.Schema):
    """An error answer (documents the JSON every error has)."""

    code = ma.fields.Integer(metadata={"description": "HTTP-Statuscode"})
    status = ma.fields.String(metadata={"description": "Name des Status"})
    message = ma.fields.String(metadata={"description": "Meldung in der Sprache der Anfrage"})
    errors = ma.fields.Dict(
        metadata={"description": "Meldungen je Abfrageparameter (bei 422)"},
    )


class ApiProblem(HTTPException):
    """An error the API raises itself: status, message and optional field errors and
    headers (the same ``data`` shape webargs gives its validation errors)."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = code
        self.data: dict[str, Any] = {"message": message, "errors": errors, "headers": headers}


def problem(
    code: int,
    message: str | None = None,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    **params: object,
) -> NoReturn:
    """Answer with ``code`` and ``message`` (an English source string, translated)."""
    text = translate(message, **params) if message else gettext(MESSAGES.get(code, MESSAGES[400]))
    raise ApiProblem(code, text, errors=errors, headers=headers)


def _translated(messages: Any) -> Any:
    """Field messages in the request's language (webargs nests them by location)."""
    if isinstance(messages, dict):
        if set(messages) <= {"query", "json", "headers", "view_args"}:
            merged: dict[str, Any] = {}
            for part in messages.values():
                merged.update(part if isinstance(part, dict) else {})
            messages = merged
        return {str(k): _translated(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [_translated(m) for m in messages]
    return gettext(messages) if isinstance(messages, str) else messages


def json_error(code: int, message: str, errors: Any = None, headers: Any = None) -> Response:
    body: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = _translated(errors)
    response = jsonify(body)
    response.status_code = code
    for name, value in dict(headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def answer_http_error(error: HTTPException) -> Response:
    """Any HTTP error under ``/api/`` (raised by a view, webargs, the routing) as JSON."""
    code = error.code if error.code and 400 <= error.code < 600 else 500
    data = getattr(error, "data", None) or {}
    message = data.get("message") or gettext(MESSAGES.get(code, MESSAGES[400]))
    errors = data.get("errors") or data.get("messages")
    headers = dict(error.get_headers()) if code == 405 else {}
    headers.pop("Content-Type", None)
    headers.update(data.get("headers") or {})
    return json_error(code, message, errors, headers)


def answer_domain_error(error: DomainError) -> Response:
    from academy.extensions import db

    db.session.rollback()
    return json_error(error.status_code, translate(error.message, **error.params))


def answer_unexpected(error: Exception) -> Response:
    """A failure in the code: logged with its traceback, answered 500 in JSON (in tests
    and debugging the exception goes on, as everywhere in the app)."""
    from flask import current_app, request

    from academy.extensions import db

    if current_app.testing or current_app.debug:
        raise error
    current_app.logger.error(
        "Unhandled exception on %s %s", request.method, request.path, exc_info=error
    )
    db.session.rollback()
    return json_error(500, gettext(MESSAGES[500]))


def init_errors() -> None:
    """JSON for every URL under ``/api/`` (also one that matches no route: 404, 405)."""
    from academy.web.errors import answer_errors_under

    answer_errors_under("/api/", answer_http_error)
