"""Every form of the app, fed malformed values field by field — and once without its
CSRF token.

The forms are found as a person finds them: every GET page of the URL map is opened as
each role (with the objects of ``tests.object_world``), and each ``<form>`` is read with
``html.parser`` (names, types, values, select options, required, maxlength, min). One
form per target route is kept. Then, for each field, each malformed value of its type
is submitted with the other fields as the page filled them. Every submission runs in a
savepoint that is rolled back, so one cannot change what the next one sees.

Asserted: never a server error; an answer in the 4xx range carries a message (at the
field, above the form, or a refusal page); values that cannot be valid (a bad date in
a date field, 10**30 or a number below ``min`` in a number field, more than
``maxlength`` characters, an empty required field, a choice that is not offered) are
refused; markup comes back escaped; no control character reaches the database.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import String, Text, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from academy.accounts.models import User
from tests.conftest import log_in
from tests.object_world import World, build_world

#: The order in which roles look for a form: the first role whose page shows it uses it.
CRAWL_ROLES = ("hr", "admin", "council", "head", "employee", "trainer")
SKIPPED_ENDPOINTS = {"static", "bootstrap.static", "auth.logout", "auth.login"}
#: Endpoints whose GET page is no HTML page (files, feeds, JSON).
FILE_SUFFIXES = (".csv", ".xlsx", ".pdf", ".zip", ".ics", ".json", ".svg")

MARKUP = "<script>alert(1)</script>"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
VALUES: dict[str, str] = {
    "empty": "",
    "long": "x" * 10_000,
    "nul": "ab\x00cd",
    "rtl": "abc\u202edef",
    "control": "a\x07\x1b\x08b",
    "huge": str(10**30),
    "negative": "-1",
    "bad_date": "2026-13-45",
    "german_date": "31.02.2026",
    "markup": MARKUP,
}
TEXT_VALUES = ("empty", "long", "nul", "rtl", "control", "markup")
BY_TYPE: dict[str, tuple[str, ...]] = {
    "text": TEXT_VALUES,
    "textarea": TEXT_VALUES,
    "search": TEXT_VALUES,
    "email": TEXT_VALUES,
    "password": ("empty", "long", "nul"),
    "number": ("empty", "huge", "negative", "nul", "markup"),
    "date": ("empty", "bad_date", "german_date", "nul"),
    "datetime-local": ("empty", "bad_date", "german_date", "nul"),
    "time": ("empty", "bad_date", "nul"),
    "select": ("negative", "huge", "nul", "markup"),
    "checkbox": ("nul", "markup"),
    "radio": ("negative", "nul"),
    "hidden": ("negative", "huge", "nul", "markup"),
}
#: Hidden fields carrying the CSRF token or a redirect target are not data.
NOT_DATA = {"csrf_token", "next"}
#: (target, field): why a value this test would call invalid is acceptable there, or the
#: open issue it stands for. Remove an entry when its issue is fixed.
TOLERATED = {
    ("academy.set_language post", "lang"): "an unknown language falls back to German",
    ("reports.verify_form post", "code"): "an empty code shows the empty lookup form again",
    ("talent.member_sign_off post", "back"): "OPEN: an unknown 'back' renders the mentees "
    "page, which does not show HR's refused sign-off form (message lost, nothing stored)",
}
#: Messages in an answer: at a field, above a form, or the page of a refused request.
MESSAGE = re.compile(
    r'invalid-feedback|alert-danger|role="alert"|class="[^"]*error|\((?:Fehler|Error) 4\d\d\)'
)


@dataclass
class Field:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False
    maxlength: int | None = None
    minimum: float | None = None
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)
    multipart: bool = False

    def data(self) -> list[tuple[str, str]]:
        """What the browser would send as the page filled it."""
        out, clicked = [], False
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind == "file" or (f.kind == "submit" and clicked):
                continue
            clicked = clicked or f.kind == "submit"
            out.append((f.name, f.value))
        return out


class FormParser(HTMLParser):
    """The forms of a page: their fields with what the page put in them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                method=a.get("method", "get").lower(),
                action=a.get("action", ""),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        common = {
            "required": "required" in a,
            "maxlength": int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
        }
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                if kind == "submit" and a.get("name"):
                    self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))
                return
            try:
                minimum = float(a["min"]) if "min" in a else None
            except ValueError:
                minimum = None
            self._form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value", "on" if kind == "checkbox" else ""),
                    checked="checked" in a,
                    minimum=minimum,
                    **common,
                )
            )
        elif tag == "button" and a.get("name"):
            self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", **common)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", **common)
            self._first_option = None
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        value = a.get("value", "")
        self._select.options.append(value)
        if "selected" in a or (not self._select.value and value):
            self._select.value = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# ---------------------------------------------------------------------------
# Finding the forms
# ---------------------------------------------------------------------------


def _fill(world: World, rule: Any) -> dict[str, Any] | None:
    values = {}
    for arg in rule.arguments:
        if arg == "key":
            values[arg] = "participation"
        elif arg == "fmt" or arg == "filename" or arg == "token":
            return None
        elif arg in world.ids:
            values[arg] = world.ids[arg]
        else:
            return None
    return values


def page_urls(app: Any, world: World) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        if "GET" not in (rule.methods or set()) or rule.rule.endswith(FILE_SUFFIXES):
            continue
        values = _fill(world, rule)
        if values is not None:
            urls.append(rule.build(values, append_unknown=False)[1])
    # Pages of objects on A's side (the trainer's own roster).
    urls.append(f"/kurse/termine/{world.session_a.id}/teilnehmende")
    urls.append(f"/kurse/bewertungen/{world.ids['evaluated_session_id']}")  # A's evaluation
    return sorted(set(urls))


def target_endpoint(app: Any, form: Form, page: str) -> tuple[str, str] | None:
    path = urlsplit(form.action or page).path or urlsplit(page).path
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method=form.method.upper())
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint, path


def find_forms(app: Any, client: Any, db: Any, world: World) -> dict[str, tuple[str, str, Form]]:
    """endpoint → (role, page, form): one form per target route."""
    found: dict[str, tuple[str, str, Form]] = {}
    urls = page_urls(app, world)
    for role in CRAWL_ROLES:
        log_in(client, db.session.get(User, world.account_ids[role]))
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in (response.mimetype or ""):
                continue
            parser = FormParser()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                target = target_endpoint(app, form, url)
                if target is None or target[0] in SKIPPED_ENDPOINTS:
                    continue
                if not [f for f in form.fields if f.kind != "submit" and f.name not in NOT_DATA]:
                    continue  # a button: nothing to fuzz (covered by the CSRF case)
                form.action = target[1]
                found.setdefault(f"{target[0]} {form.method}", (role, url, form))
    return found


# ---------------------------------------------------------------------------
# Submitting
# ---------------------------------------------------------------------------


#: Columns the application derives itself and that hold a control character by design:
#: the German sort key of a name joins last and first name with U+001F (academy/org/names.py);
#: the names it is made from are checked like every other column.
DERIVED_KEYS = {("employees", "name_key")}


def _control_characters_stored(db: Any) -> list[str]:
    found = []
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text) and (table.name, c.name) not in DERIVED_KEYS
        ]
        if not columns:
            continue
        for row in connection.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and CONTROL.search(value):
                    found.append(f"{table.name}.{column.name}")
    return found


def submit(client: Any, db: Any, form: Form, data: list[tuple[str, str]], check: Any) -> Any:
    """Submit inside a savepoint that is rolled back; ``check(response)`` runs before."""
    db.session.commit()
    db.session.close()
    savepoint = db.session.get_bind().begin_nested()
    try:
        try:
            if form.method == "get":
                response = client.get(form.action, query_string=MultiDict(data))
            else:
                response = client.post(form.action, data=MultiDict(data))
        except Exception as exc:  # a server error, raised because the app is TESTING
            frames = [
                f for f in traceback.extract_tb(exc.__traceback__) if "/tests/" not in f.filename
            ]
            place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
            return f"{form.action} {sorted(data)[:0]}raised {type(exc).__name__}: {exc} at {place}"
        return check(response)
    finally:
        db.session.close()
        savepoint.rollback()


def must_refuse(fld: Field, name: str) -> bool:
    """May this value never be accepted in this field?"""
    if name == "empty":
        return fld.required
    if name == "long":
        return fld.maxlength is not None and fld.maxlength < 10_000
    if name in ("bad_date", "german_date"):
        return fld.kind in ("date", "datetime-local", "time")
    if fld.kind == "number" and name in ("huge", "markup"):
        return True
    if fld.kind == "number" and name == "negative":
        return fld.minimum is not None and fld.minimum > -1
    if fld.kind == "select" and name in ("negative", "huge", "markup"):
        return VALUES[name] not in fld.options
    return False


def _refused_for_csrf(target: str, response: Any) -> str | None:
    if response.status_code != 400 or not MESSAGE.search(
        response.get_data().decode("utf-8", "replace")
    ):
        return f"{target}: {response.status_code}"
    return None


@pytest.fixture()
def forms(app, client, db):
    world = build_world()
    return world, find_forms(app, client, db, world)


def test_forms_are_found(forms):
    _world, found = forms
    assert len(found) >= 40, sorted(found)


def judge(
    client: Any, db: Any, form: Form, fld: Field, name: str, where: str, response: Any
) -> str | None:
    """What is wrong with the answer to ``name`` in ``fld`` (None: nothing)."""
    status, body = response.status_code, response.get_data().decode("utf-8", "replace")
    where = f"{where}: {status}"
    if status >= 500:
        return where
    if 400 <= status < 500 and status not in (403, 404, 405):
        return None if MESSAGE.search(body) else f"{where} without a message"
    if must_refuse(fld, name) and status < 400 and form.method == "post":
        shown = body
        if status in (302, 303):  # refused with a flashed message on the next page?
            shown = client.get(response.headers["Location"]).get_data().decode("utf-8", "replace")
        if not re.search(r"alert-danger|alert-warning|invalid-feedback", shown):
            return f"{where} accepted"
    if MARKUP in body:
        return f"{where} markup unescaped"
    if status in (302, 303) and name == "markup":
        follow = client.get(response.headers["Location"])
        if MARKUP in follow.get_data().decode("utf-8", "replace"):
            return f"{where} markup unescaped after redirect"
    if name in ("nul", "control") and status < 400:
        stored = _control_characters_stored(db)
        if stored:
            return f"{where} stored control characters in {stored}"
    return None


def test_malformed_values_never_cause_a_server_error(app, client, db, forms):
    world, found = forms
    failures: list[str] = []
    for target, (role, page, form) in sorted(found.items()):
        log_in(client, db.session.get(User, world.account_ids[role]))
        for fld in form.fields:
            if fld.kind in ("submit", "file") or fld.name in NOT_DATA:
                continue
            if (target, fld.name) in TOLERATED:
                continue
            others = [(k, v) for k, v in form.data() if k != fld.name]
            for name in BY_TYPE.get(fld.kind, TEXT_VALUES):
                where = f"{target} [{role} on {page}] {fld.name}={name}"
                check = partial(judge, client, db, form, fld, name, where)
                problem = submit(client, db, form, [*others, (fld.name, VALUES[name])], check)
                if problem:
                    failures.append(problem)
    assert failures == [], "\n".join(failures)


def test_every_form_without_its_csrf_token_is_refused(app, client, db, forms):
    world, found = forms
    failures = []
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for target, (role, _page, form) in sorted(found.items()):
            if form.method != "post":
                continue
            log_in(client, db.session.get(User, world.account_ids[role]))
            data = [(k, v) for k, v in form.data() if k != "csrf_token"]

            problem = submit(client, db, form, data, partial(_refused_for_csrf, target))
            if problem:
                failures.append(problem)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert failures == [], "\n".join(failures)


def test_the_parser_reads_fields_options_and_limits():
    parser = FormParser()
    parser.feed(
        '<form method="post" action="/x"><input name="a" required maxlength="5" value="v">'
        '<select name="s"><option value="1">A</option><option value="2" selected>B</option>'
        '</select><textarea name="t">hi</textarea><input type="number" name="n" min="0">'
        '<input type="checkbox" name="c" checked><button name="go" value="1">Go</button></form>'
    )
    (form,) = parser.forms
    assert [(f.name, f.kind, f.value) for f in form.fields] == [
        ("a", "text", "v"),
        ("s", "select", "2"),
        ("t", "textarea", "hi"),
        ("n", "number", ""),
        ("c", "checkbox", "on"),
        ("go", "submit", "1"),
    ]
    assert form.fields[0].required and form.fields[0].maxlength == 5
    assert form.fields[1].options == ["1", "2"] and form.fields[3].minimum == 0
