"""The view kit: what every view needs and no view should write again.

- ``acting_user()``: the signed-in account (the real object, not Flask-Login's proxy), to
  hand to services as ``actor``.
- ``page_number()``, ``per_page()``, ``paginate(statement)``, ``paginate_list(items)``:
  the ``?page=`` of a list and its page of rows (same interface for SQL and for a list
  that a service has already computed).
- ``show_error(form, error, fields=...)``: a ``DomainError`` as a message at the field it
  names (``fields`` renames service field names to form field names; ``rows`` maps the
  n-th submitted row of a field list to the form's row), else above the form; returns the
  status code to answer with. ``flash_error(error)`` for pages without a form.
- ``language()``: the language of the current request ("de" or "en").
- ``url_if(endpoint, **values)``: a URL, or None where the endpoint does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app, flash, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError

from academy.accounts.models import User
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate


def acting_user() -> User:
    """The signed-in account behind ``current_user`` (views run only for signed-in users
    where their permission requires it)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def language() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


#: No list has this many pages; a larger number is taken as this one (an empty page).
MAX_PAGE = 1_000_000


def page_number() -> int:
    """The page asked for with ``?page=`` (1 for anything missing, invalid or below 1)."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])


def paginate(statement: Any, *, size: int | None = None) -> Pagination:
    """One page of a ``select()`` (a page past the end is empty, never a 404)."""
    return db.paginate(statement, page=page_number(), per_page=size or per_page(), error_out=False)


class ListPagination(Pagination):
    """The pagination of an already computed list (same interface as ``db.paginate``)."""

    def _query_items(self) -> list[Any]:
        items = self._query_args["items"]
        return list(items[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: Sequence[Any], *, size: int | None = None) -> ListPagination:
    return ListPagination(
        page=page_number(), per_page=size or per_page(), error_out=False, items=items
    )


def show_error(
    form: FlaskForm,
    error: DomainError,
    fields: dict[str, str] | None = None,
    rows: Sequence[int] | None = None,
) -> int:
    """Put a domain error's message at its field, else above the form; the status code.

    A service names fields as it knows them; ``fields`` renames them to the form's
    fields. ``list.<n>.<sub>`` names the n-th submitted row of a field list; ``rows`` maps
    it to the row's index in the form (when the form dropped empty rows)."""
    message = translate(error.message, **error.params)
    name = error.field or ""
    name = (fields or {}).get(name, name)
    target: Any = None
    if name.count(".") == 2:
        list_name, index, sub = name.split(".")
        entries = getattr(form, list_name, None)
        try:
            row = rows[int(index)] if rows is not None else int(index)
            target = getattr(entries[row].form, sub, None)  # type: ignore[index]
        except (IndexError, ValueError, TypeError):
            target = None
    elif name:
        target = getattr(form, name, None)
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)
    return error.status_code


def flash_error(error: DomainError) -> int:
    """A domain error as a flash message (pages whose action has no form); the status."""
    flash(translate(error.message, **error.params), "danger")
    return error.status_code


def url_if(endpoint: str, **values: Any) -> str | None:
    """The URL of ``endpoint``, or None when the application has no such page."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
