"""Suppression that holds for the mandatory training report
(``reports.analytics.compliance``): no withheld figure can be computed from what the
reports of every department filter show to the staff council.

The property test generates random organisations (department trees, active people and
people who left, job roles, one to four mandatory trainings for all staff, a job role, a
department subtree or named people — so a person has none, one or several — and a
random status per person and training: done, overdue or open), runs the real
``compliance_report`` for every department filter and the whole organisation, writes
every figure as a linear form over unknowns and proves with exact rational elimination
(``RowSpace``) that no withheld figure lies in the row space of all the shown ones.

Unknowns (conservative): per (person, training) one for "assigned", "done" and
"overdue" (the training rows add them up), and per person one for "people", "done all"
and "overdue with at least one" (the department rows and the total add them up). For a
person with exactly one training the person's unknowns *are* that pair's — the identity
an attacker knows. A share is the ratio of two counts: it is withheld with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.extensions import db as _db
from academy.i18n import translate
from courses.mandatory.models import Assignee, Assignment, Evidence, Origin, TargetKind
from reports.analytics.common import TOTAL_LABEL
from reports.analytics.compliance import compliance_report
from reports.analytics.report_model import WITHHELD, Filters, ReportScope
from tests import factories
from tests.courses import factories as cf
from tests.reports.analytics.test_disclosure import assert_nothing_derivable

MINIMUM = 3
TODAY = date(2030, 3, 4)
START = date(2026, 1, 15)
#: Due dates of a pair that is not done: passed (overdue) or to come (open).
DUE = {"overdue": date(2030, 1, 1), "open": date(2030, 12, 31), "done": date(2030, 12, 31)}
KINDS = (TargetKind.EVERYONE, TargetKind.JOB_ROLE, TargetKind.DEPARTMENT, TargetKind.PEOPLE)
STATUSES = ("done", "overdue", "open")
FIGURES = {"people": "a", "done": "d", "overdue": "o"}


@dataclass
class Person:
    department: int  # index
    active: bool
    role: int | None  # index of two job roles
    statuses: tuple[str, ...]  # per training (used where it applies)


@dataclass
class Training:
    kind: TargetKind
    role: int  # JOB_ROLE: index of the job role
    department: int  # DEPARTMENT: index (modulo the number of departments)
    named: frozenset[int]  # PEOPLE: indexes (modulo the number of people)


trainings = st.lists(
    st.builds(
        Training,
        st.sampled_from(KINDS) | st.just(TargetKind.JOB_ROLE),
        st.integers(0, 1),
        st.integers(0, 3),
        st.frozensets(st.integers(0, 15), min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=4,
)

organisations = st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.tuples(
        st.tuples(*[st.integers(min_value=-1, max_value=i - 1) for i in range(n)]),
        st.lists(
            st.builds(
                Person,
                st.integers(0, n - 1),
                st.booleans() | st.just(True) | st.just(True),
                st.integers(0, 1) | st.none(),
                st.tuples(*[st.sampled_from(STATUSES)] * 4),
            ),
            min_size=1,
            max_size=16,
        ),
        trainings,
    )
)


def applies(training: Training, index: int, person: Person, org: dict[str, Any]) -> bool:
    """Does ``training`` apply to the person (the rule of ``courses.mandatory.status``)?"""
    if not person.active:
        return False
    if training.kind == TargetKind.EVERYONE:
        return True
    if training.kind == TargetKind.JOB_ROLE:
        return person.role == training.role
    if training.kind == TargetKind.DEPARTMENT:
        root = org["departments"][training.department % len(org["departments"])]
        return f"/{root.id}/" in org["departments"][person.department].path
    return index in {n % org["people"] for n in training.named}


def build(parents: tuple[int, ...], people: list[Person], specs: list[Training]) -> dict:
    departments: list[Any] = []
    for parent in parents:
        departments.append(
            factories.department(parent=departments[parent] if parent >= 0 else None)
        )
    roles = [factories.job_role(), factories.job_role()]
    employees = [
        factories.employee(
            departments[p.department],
            active=p.active,
            job_role_id=roles[p.role].id if p.role is not None else None,
        )
        for p in people
    ]
    org = {"departments": departments, "people": len(people), "employees": employees}
    course = cf.course()
    assignments = []
    for t, spec in enumerate(specs):
        assignment = Assignment(
            title=f"Pflichtschulung {t + 1}",
            target_kind=spec.kind.value,
            job_role_id=roles[spec.role].id if spec.kind == TargetKind.JOB_ROLE else None,
            department_id=(
                departments[spec.department % len(departments)].id
                if spec.kind == TargetKind.DEPARTMENT
                else None
            ),
            due_days=30,
            first_due_on=DUE["open"],
            starts_on=START,
            origin=Origin.HR.value,
            created_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
            updated_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
        )
        assignment.courses = [course]
        _db.session.add(assignment)
        _db.session.flush()
        assignments.append(assignment)
        for i, (person, emp) in enumerate(zip(people, employees, strict=True)):
            named = spec.kind == TargetKind.PEOPLE and i in {n % len(people) for n in spec.named}
            if not (named or applies(spec, i, person, org)):
                continue
            status = person.statuses[t]
            _db.session.add(
                Assignee(
                    assignment_id=assignment.id,
                    employee_id=emp.id,
                    since=START,
                    due_on=DUE[status],
                    named=named,
                )
            )
            if status == "done":
                _db.session.add(
                    Evidence(
                        assignment_id=assignment.id,
                        employee_id=emp.id,
                        title="Nachweis",
                        completed_on=date(2029, 6, 1),
                    )
                )
    _db.session.flush()
    org["assignments"] = assignments
    org["of"] = {
        i: [t for t, spec in enumerate(specs) if applies(spec, i, p, org)]
        for i, p in enumerate(people)
    }
    return org


def person_unknown(kind: str, i: int, org: dict[str, Any]) -> tuple:
    """The person's unknown for a department figure: the pair's when they have exactly
    one training (the identity an attacker knows)."""
    mine = org["of"][i]
    return (kind, i, mine[0]) if len(mine) == 1 else (kind, i, "person")


def value(kind: str, i: int, t: int | None, people: list[Person], org: dict) -> int:
    """The true value of an unknown (to check the model against the report)."""
    statuses = [people[i].statuses[s] for s in (org["of"][i] if t is None else [t])]
    if kind == "a":
        return 1
    if kind == "d":
        return int(all(s == "done" for s in statuses))
    return int(any(s == "overdue" for s in statuses))


def rows(org: dict[str, Any], people: list[Person], specs: list[Training], department: Any):
    """(figure, shown?, vector, where) for every count figure of the council's report
    of ``department`` (None: the whole organisation)."""
    report = compliance_report(
        ReportScope.whole_organisation(MINIMUM, aggregates_only=True),
        Filters(department_id=department and department.id),
        TODAY,
    )
    inside = {
        d.id for d in org["departments"] if department is None or f"/{department.id}/" in d.path
    }
    chosen = [
        i
        for i in range(len(people))
        if org["of"][i] and org["departments"][people[i].department].id in inside
    ]
    labels = {f"{d.code} {d.name}": d for d in org["departments"]}
    titles = {a.title: t for t, a in enumerate(org["assignments"])}
    total = translate(TOTAL_LABEL)
    out = []
    for part in report.parts:
        for record in part.frame.to_dict("records"):
            group = record["group"]
            if part.key == "by_training":
                t = titles[group]
                members = [i for i in chosen if t in org["of"][i]]
            else:
                t = None
                members = chosen
                if group != total:
                    dept = labels[group]
                    members = [
                        i for i in chosen if org["departments"][people[i].department] is dept
                    ]
            shown = not record[WITHHELD]
            assert record["people"] == len(members), (department, group)
            if shown:  # primary suppression
                assert not 0 < len(members) < MINIMUM, f"{group} about {len(members)} people"
            else:
                assert _blank(record["done_share"]), "a share of withheld counts is withheld"
            for figure, kind in FIGURES.items():
                if t is None:
                    vector = {person_unknown(kind, i, org): Fraction(1) for i in members}
                else:
                    vector = {(kind, i, t): Fraction(1) for i in members}
                figure_shown = not _blank(record[figure])
                if figure_shown:
                    assert shown or figure == "people"
                    expected = sum(value(kind, i, t, people, org) for i in members)
                    assert record[figure] == expected, (department, group, figure)
                where = (department and department.code, part.key, group, figure)
                out.append((figure_shown, vector, where))
    return out


def _blank(value: Any) -> bool:
    return value is None or value != value  # None or NaN/NA


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations)
@pytest.mark.usefixtures("db")
def test_no_withheld_compliance_figure_is_derivable(organisation: tuple) -> None:
    check(*organisation)


def check(parents: tuple[int, ...], people: list[Person], specs: list[Training]) -> None:
    savepoint = _db.session.begin_nested()
    try:
        org = build(parents, people, specs)
        found = []
        for department in [None, *org["departments"]]:
            found.extend(rows(org, people, specs, department))
        assert_nothing_derivable(found)
    finally:
        savepoint.rollback()


def test_one_person_with_another_training_than_the_rest_of_the_department(db: Any) -> None:
    """Three people of one department have the training of their job role, one has that
    of another job role: the department row minus the first training's row would be the
    one person's figure."""
    done, open_ = ("done",) * 4, ("open",) * 4
    people = [Person(0, True, 0, done), Person(0, True, 0, open_), Person(0, True, 0, done)]
    people.append(Person(0, True, 1, open_))
    specs = [Training(TargetKind.JOB_ROLE, r, 0, frozenset({0})) for r in (0, 1)]
    check((-1,), people, specs)
