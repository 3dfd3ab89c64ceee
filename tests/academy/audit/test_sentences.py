"""The audit log in sentences: every action the code base writes has a sentence (found
by walking the source), names are resolved in bulk, the raw change stays available."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

from academy.accounts.models import Role
from academy.audit.log import record
from academy.audit.sentences import AUDIT_SENTENCES, raw_change, sentences
from courses.enrolment.models import EnrolmentState
from talent.competencies.models import RatingSource
from talent.programmes.cohorts import TRANSITIONS
from tests.courses import factories as courses
from tests.querycount import count_queries

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("academy", "courses", "talent", "reports", "api")


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _trees() -> list[ast.Module]:
    trees = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                trees.append(ast.parse(path.read_text(encoding="utf-8")))
    return trees


def _calls(trees: list[ast.Module]) -> list[ast.Call]:
    return [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _passed_to(calls: list[ast.Call], function: ast.FunctionDef, parameter: str) -> list[str]:
    """Constant values given for ``parameter`` wherever ``function`` is called."""
    positional = [a.arg for a in function.args.args]
    position = positional.index(parameter) if parameter in positional else 99
    values = []
    for call in calls:
        if _name(call.func) == function.name:
            node = _argument(call, position, parameter)
            if node is not None:
                values += _constants(node)
    return values


def _assigned_in(function: ast.FunctionDef, name: str) -> list[str]:
    values = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    values += _constants(node.value)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts, strict=False):
                        if isinstance(t, ast.Name) and t.id == name:
                            values += _constants(v)
    return values


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in function.args.args + function.args.kwonlyargs]


def _passed_through(
    trees: list[ast.Module], calls: list[ast.Call], function: ast.FunctionDef, parameter: str
) -> list[str]:
    """One level further: callers of ``function`` that pass their own parameter on
    (``transition(…, verb=verb)`` → ``audit_transition``)."""
    values = []
    for tree in trees:
        for caller in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in [n for n in ast.walk(caller) if isinstance(n, ast.Call)]:
                node = _argument(call, 99, parameter) if _name(call.func) == function.name else None
                if isinstance(node, ast.Name) and node.id in _parameters(caller):
                    values += _passed_to(calls, caller, node.id)
    return values


def actions_in_code() -> set[str]:
    """Every action string ``record(actor, "<action>", …)`` can write: constants, both
    branches of a conditional, and for ``f"prefix.{verb}"`` / a parameter every constant
    that the enclosing function assigns or is given for it."""
    trees = _trees()
    calls = _calls(trees)
    actions: set[str] = set()
    for tree in trees:
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in [n for n in ast.walk(function) if isinstance(n, ast.Call)]:
                if _name(call.func) != "record" or len(call.args) < 3:
                    continue
                action = call.args[1]
                actions |= set(_constants(action))
                prefix, variable = "", None
                if isinstance(action, ast.JoinedStr):
                    head, value = action.values[0], action.values[-1]
                    assert isinstance(head, ast.Constant) and isinstance(value, ast.FormattedValue)
                    prefix = head.value
                    if isinstance(value.value, ast.Name):
                        variable = value.value.id
                elif isinstance(action, ast.Name):
                    variable = action.id
                if variable is None:
                    continue
                values = _assigned_in(function, variable)
                if variable in _parameters(function):
                    values += _passed_to(calls, function, variable)
                    values += _passed_through(trees, calls, function, variable)
                actions |= {prefix + v for v in values}
    return actions


def test_every_action_in_the_code_has_a_sentence(app):
    actions = actions_in_code()
    # values that are not literals in the calls: the cohort status machine, the rating
    # sources and the attendance states
    actions |= {f"cohort.{verb}" for verb in TRANSITIONS.values()}
    actions |= {f"rating.{source.value}" for source in RatingSource}
    actions |= {f"enrolment.{s.value}" for s in (EnrolmentState.ATTENDED, EnrolmentState.NO_SHOW)}
    assert len(actions) > 80
    assert {"enrolment.approved", "application.accepted", "certificate.revoked"} <= actions
    missing = sorted(a for a in actions if a not in AUDIT_SENTENCES)
    assert missing == []


def test_sentence_names_the_people_and_the_course(app, make, db):
    hr = make.user(Role.HR)
    hr.display_name = "Sabine Köhler"
    person = make.employee(first_name="Özlem", last_name="Demir")
    course = courses.course(title="Scrum kompakt")
    session = courses.session(course, starts_at=datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    enrolment = courses.enrolment(session, person)
    entry = record(hr, "enrolment.approved", "enrolment", enrolment.id, to_state="confirmed")
    db.session.flush()
    with app.test_request_context(headers={"Accept-Language": "de"}):
        text = sentences([entry])[entry.id]
    assert (
        text == "Sabine Köhler hat die Anmeldung von Özlem Demir zu „Scrum kompakt“ "
        "am 03.03.2026 bestätigt."
    )
    assert ("to_state", "confirmed") in raw_change(entry)


def test_names_are_resolved_in_bulk(app, make, db):
    hr = make.user(Role.HR)
    course = courses.course()
    session = courses.session(course, capacity=100)

    def page(n: int) -> list:
        entries = []
        for _ in range(n):
            enrolment = courses.enrolment(session, make.employee())
            entries.append(record(hr, "enrolment.approved", "enrolment", enrolment.id))
            entries.append(record(hr, "auth.login", "user", hr.id))
            entries.append(record(hr, "course.updated", "course", course.id))
        db.session.flush()
        return entries

    counts = []
    for n in (2, 20):
        entries = page(n)
        with app.test_request_context(), count_queries(db.engine) as queries:
            texts = sentences(entries)
        assert len(texts) == 3 * n and "#" not in "".join(texts.values())
        counts.append(queries.count)
    assert counts[0] == counts[1] <= 3
