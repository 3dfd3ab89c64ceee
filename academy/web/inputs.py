"""Control characters in submitted text, handled in one place for every page.

Before a view runs, every query-string and form value (and every key, and the name of
every uploaded file) is checked for characters no person types: C0 control characters
except TAB, LF and CR, DEL, and lone surrogates. Such values are cleaned of them (so
nothing further down — a view, a service, PostgreSQL, which refuses NUL in text — ever
sees one) and their names are remembered for this request:

- a form derived from ``academy.web.forms.Form`` (every form of the app) adds the error
  "Contains characters that are not allowed." at each such field, so the form is refused
  with the message where the character was;
- a value no form claimed (a view reading ``request.form`` or ``request.args`` itself) is
  used without the characters, and the page says so above its content
  (``control_character_notice()`` in ``base.html``), or the next page does after a
  redirect.

A JSON body or a URL path that contains them is refused as a whole (422). File contents
are not looked at here: the importers check what they read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, flash, g, request
from flask_babel import gettext
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.wrappers import Response

from academy.errors import ValidationFailed
from academy.i18n import N_

# C0 controls except TAB (09), LF (0A), CR (0D); DEL (7F); UTF-16 surrogates.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

FIELD_MESSAGE = N_("Contains characters that are not allowed (such as NUL). Please remove them.")
PAGE_MESSAGE = N_(
    "The input contained control characters that are not allowed (such as NUL). They "
    "have been removed; please check your input and submit it again if necessary."
)
REFUSED_MESSAGE = N_(
    "The input contains control characters that are not allowed (such as NUL). "
    "Please remove them and submit the form again."
)

_FLAGGED = "control_character_fields"
_CLAIMED = "control_character_claimed"


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def strip_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def _clean(data: MultiDict[str, Any], flagged: set[str]) -> ImmutableMultiDict[str, Any] | None:
    """The values of ``data`` without control characters (None when there were none);
    adds the names of the affected keys to ``flagged``."""
    found = False
    items: list[tuple[str, Any]] = []
    for key, value in data.items(multi=True):
        clean_key = strip_control_characters(key)
        if clean_key != key:
            flagged.add(clean_key)
            found = True
        if isinstance(value, str) and has_control_characters(value):
            flagged.add(clean_key)
            found = True
            value = strip_control_characters(value)
        items.append((clean_key, value))
    return ImmutableMultiDict(items) if found else None


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _check_request() -> None:
    if any(isinstance(v, str) and has_control_characters(v) for v in _path_values()):
        raise ValidationFailed(REFUSED_MESSAGE)
    if request.is_json:
        body = request.get_json(silent=True)
        if any(has_control_characters(s) for s in _json_strings(body)):
            raise ValidationFailed(REFUSED_MESSAGE)
    flagged: set[str] = set()
    args = _clean(request.args, flagged)
    if args is not None:
        request.args = args  # type: ignore[misc]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = _clean(request.form, flagged)
        if form is not None:
            request.form = form  # type: ignore[misc]
        for key, upload in request.files.items(multi=True):
            if upload.filename and has_control_characters(upload.filename):
                upload.filename = strip_control_characters(upload.filename)
                flagged.add(key)
    if flagged:
        request.__dict__.pop("values", None)  # combined from args and form: recompute
        g.setdefault(_FLAGGED, set()).update(flagged)


def _path_values() -> Iterable[Any]:
    return (request.view_args or {}).values()


def flagged_fields() -> set[str]:
    """The names of the submitted values that held control characters in this request."""
    return g.get(_FLAGGED, set())


def claim(name: str) -> bool:
    """Called by a form for one of its fields: True (and the notice is left to the
    form's field error) when this field's submitted value held control characters."""
    if name not in flagged_fields():
        return False
    g.setdefault(_CLAIMED, set()).add(name)
    return True


def control_character_notice() -> str | None:
    """The page-level message when a submitted value held control characters that no
    form reported at its field; None otherwise."""
    unclaimed = flagged_fields() - g.get(_CLAIMED, set())
    if not unclaimed or g.get("control_character_notice_shown"):
        return None
    g.control_character_notice_shown = True
    return gettext(PAGE_MESSAGE)


def _notice_after_redirect(response: Response) -> Response:
    if 300 <= response.status_code < 400 and control_character_notice():
        flash(gettext(PAGE_MESSAGE), "warning")
    return response


def init_inputs(app: Flask) -> None:
    app.before_request(_check_request)
    app.after_request(_notice_after_redirect)
    app.context_processor(lambda: {"control_character_notice": control_character_notice})
