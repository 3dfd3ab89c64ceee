"""No English message in the German interface: every message WTForms itself can give
is German (its own catalogue, or the app's where WTForms lacks one), and every form of the
app, validated with hostile input in a German request, answers in German only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wtforms
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import Field

from academy.web.forms import Form
from academy.web.requests import _WTFORMS_TRANSLATIONS

#: English words that do not occur in German messages.
ENGLISH = re.compile(
    r"\b(Not a valid|This field|Invalid|is required|must be|cannot|choice|"
    r"Please|should|characters? long|valid)\b"
)
#: Developer errors of WTForms, never shown to a user.
DEVELOPER_ONLY = {"Choices cannot be None.", "Invalid field name '%s'."}
CALL = re.compile(r"gettext\(\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")


def _wtforms_messages() -> set[str]:
    found = set()
    for path in Path(wtforms.__file__).parent.rglob("*.py"):
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(eval(match.group(1)))  # noqa: S307 - a string literal of the source
    return found - DEVELOPER_ONLY


def test_every_wtforms_message_is_german(app: Flask):
    messages = _wtforms_messages()
    assert len(messages) > 30
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        english = [m for m in messages if _WTFORMS_TRANSLATIONS.ugettext(m) == m]
        plural = _WTFORMS_TRANSLATIONS.ungettext(
            "Field must be exactly %(max)d character long.",
            "Field must be exactly %(max)d characters long.",
            3,
        )
    assert not english, english
    assert plural.startswith("Das Feld")


def _all_forms() -> list[type[Form]]:
    seen, todo = [], list(Form.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return [c for c in seen if not c.__module__.startswith("tests.")]


HOSTILE = ["-1", "x" * 10_001, "2026-13-45", "<b>x</b>", "\u202eabc", "99999999999999999999"]


def _validate(cls: type[Form], value: str) -> list[str]:
    try:
        form = cls(formdata=MultiDict({"_": "1"}), meta={"csrf": False})
    except TypeError:
        return []  # needs arguments: covered by the pages' own tests and the fuzz test
    data = MultiDict()
    for field in _fields(form):
        data.add(field.name, value)
    form = cls(formdata=data, meta={"csrf": False})
    for field in _fields(form):
        if getattr(field, "choices", ()) is None:
            field.choices = [("1", "eins")]
    try:
        form.validate()
    except (AttributeError, TypeError, ValueError):
        return []  # choices the page sets itself: covered by the fuzz test over HTTP
    return [str(e) for e in _errors(form.errors)]


def _fields(form: Form) -> list[Field]:
    from academy.web.forms import _leaf_fields

    return list(_leaf_fields(form))


def _errors(errors: object) -> list[object]:
    if isinstance(errors, dict):
        return [e for v in errors.values() for e in _errors(v)]
    if isinstance(errors, list | tuple):
        return [e for v in errors for e in _errors(v)]
    return [errors]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: v[:12])
def test_every_form_answers_in_german(app: Flask, db, value):
    checked, english = 0, []
    with app.test_request_context("/", method="POST"):
        app.preprocess_request()
        for cls in _all_forms():
            messages = _validate(cls, value)
            checked += 1
            english += [
                f"{cls.__module__}.{cls.__name__}: {m}" for m in messages if ENGLISH.search(m)
            ]
    assert checked > 40
    assert not english, english
