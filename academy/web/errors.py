"""Error pages and answers: HTTP errors, an expired form, a business rule that said no
(``DomainError`` → translated message and 4xx) and unexpected errors (500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from academy.errors import DomainError
from academy.i18n import N_, translate

#: Path prefixes whose errors a feature answers itself (``answer_errors_under``): the read
#: API answers every error under ``/api/`` in JSON, also for a URL that matches no route.
_PATH_ANSWERS: dict[str, Callable[[HTTPException], Any]] = {}


def answer_errors_under(prefix: str, answer: Callable[[HTTPException], Any]) -> None:
    """Let ``answer(error)`` answer every HTTP error of a request under ``prefix``."""
    _PATH_ANSWERS[prefix] = answer


def _path_answer() -> Callable[[HTTPException], Any] | None:
    path = request.path
    return next((a for p, a in _PATH_ANSWERS.items() if path.startswith(p)), None)


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
    413: N_(
        "The uploaded file is larger than allowed. Larger imports can be run on the server "
        "by the administration: flask academy import-staff FILE or "
        "flask academy import-framework FILE."
    ),
    429: N_("Too many requests in a short time. Please wait a moment and try again."),
    500: N_(
        "Something went wrong on our side. The error has been recorded; please try again later."
    ),
}


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title = gettext(ERROR_TITLES.get(code, N_("Error")))
    text = message or gettext(ERROR_TEXTS.get(code, ERROR_TEXTS[400]))
    # The id under which the log holds this request (its traceback for a 500).
    error_id = g.get("request_id") if code >= 500 else None
    page = render_template(
        "academy/error.html", code=code, title=title, text=text, error_id=error_id
    )
    return page, code


def _handle_http_error(error: HTTPException) -> Any:
    code = error.code or 500
    if (answer := _path_answer()) is not None:
        return answer(error)
    if _wants_json():
        return {"error": code, "message": gettext(ERROR_TITLES.get(code, "Error"))}, code
    return render_error(code)


def _handle_csrf(error: CSRFError) -> Any:
    if (answer := _path_answer()) is not None:
        return answer(error)
    return render_error(
        400, gettext("The form has expired. Please reload the page and submit it again.")
    )


def _handle_domain_error(error: DomainError) -> Any:
    """A business rule said no: translated message, back to the page, 4xx status."""
    from academy.extensions import db

    db.session.rollback()
    message = translate(error.message, **error.params)
    retry_after = getattr(error, "retry_after", None)  # a throttle says how long to wait
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    if _wants_json():
        return {"error": error.status_code, "message": message}, error.status_code, headers
    return (*render_error(error.status_code, message), headers)


def _handle_500(error: Exception) -> Any:
    """Log the exception with its traceback (the record carries the request id that the
    page shows), then answer 500."""
    from academy.extensions import db

    current_app.logger.error(
        "Unhandled exception on %s %s", request.method, request.path, exc_info=error
    )
    db.session.rollback()
    if (answer := _path_answer()) is not None:
        return answer(InternalServerError())
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(DomainError, _handle_domain_error)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, _handle_500)
