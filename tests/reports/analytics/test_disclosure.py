"""Suppression that holds for participation, unmet demand, trends and cohorts
(``reports.analytics.disclosure``): no withheld figure can be computed from what the
reports show for any department filter and any period (year, its quarters, a range
widened to whole quarters, no period).

The property test generates random organisations (department trees, people who are
active or have left, completions in random quarters, cohort memberships), runs the real
report builders for every department filter × period, writes every row as a linear
figure over per-person-and-quarter unknowns (the group of the row) and proves with exact
rational elimination (``RowSpace``) that no withheld row is in the row space of all the
shown rows.
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
from courses.enrolment.models import EnrolmentState
from reports.analytics.cohorts import cohorts_report
from reports.analytics.common import TOTAL_LABEL, quarter_label
from reports.analytics.demand import demand_report
from reports.analytics.disclosure import whole_quarters
from reports.analytics.participation import participation_report
from reports.analytics.report_model import WITHHELD, Filters, ReportScope
from reports.analytics.rowspace import RowSpace
from reports.analytics.trends import trends_report
from talent.programmes.models import CohortStatus
from tests import factories
from tests.courses import factories as cf
from tests.reports.report_data import TODAY
from tests.talent import programme_factories as pf

MINIMUM = 3
QUARTERS = ["2029-Q1", "2029-Q2", "2029-Q3", "2029-Q4"]
PERIODS = [
    Filters(),
    Filters(period_from=date(2029, 1, 1), period_to=date(2029, 12, 31)),
    *[
        Filters(period_from=date(2029, 3 * q + 1, 1), period_to=date(2029, 3 * q + 2, 1))
        for q in range(4)
    ],
    Filters(period_from=date(2029, 2, 10), period_to=date(2029, 8, 1)),
    Filters(period_from=date(2029, 7, 1), period_to=None),
    Filters(period_from=None, period_to=date(2029, 5, 1)),
]


@dataclass
class Person:
    department: int
    active: bool
    quarters: frozenset[int]  # quarters of 2029 with a completion
    cohorts: frozenset[int]  # of two cohorts
    declined: frozenset[int] = frozenset()  # quarters of 2029 with a declined request


organisations = st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.tuples(
        st.tuples(*[st.integers(min_value=-1, max_value=i - 1) for i in range(n)]),
        st.lists(
            st.builds(
                Person,
                st.integers(0, n - 1),
                st.booleans() | st.just(True),
                st.frozensets(st.integers(0, 3), max_size=3),
                st.frozensets(st.integers(0, 1), max_size=2),
                st.frozensets(st.integers(0, 3), max_size=2),
            ),
            min_size=1,
            max_size=14,
        ),
    )
)


def build(parents: tuple[int, ...], people: list[Person]) -> dict[str, Any]:
    departments: list[Any] = []
    for parent in parents:
        departments.append(
            factories.department(parent=departments[parent] if parent >= 0 else None)
        )
    course, wanted = cf.course(), cf.course()
    sessions, asked = [], []
    for q in range(4):
        starts = datetime(2029, 3 * q + 2, 15, 8, tzinfo=UTC)
        sessions.append(cf.session(course, starts_at=starts, capacity=100))
        asked.append(cf.session(wanted, starts_at=starts, capacity=100))
    cohorts = [
        pf.cohort(status=CohortStatus.RUNNING, starts=date(2029, 1, 1), ends=date(2031, 1, 1))
        for _ in range(2)
    ]
    employees = []
    for person in people:
        emp = factories.employee(departments[person.department])
        for q in sorted(person.quarters):
            cf.enrolment(
                sessions[q],
                emp,
                state=EnrolmentState.COMPLETED,
                requested_at=sessions[q].starts_at,
                completed_on=sessions[q].starts_at.date(),
            )
        for q in sorted(person.declined):
            cf.enrolment(
                asked[q],
                emp,
                state=EnrolmentState.DECLINED,
                requested_at=asked[q].starts_at,
                decided_at=asked[q].starts_at,
            )
        for c in sorted(person.cohorts):
            pf.member(cohorts[c], emp)
        emp.active = person.active
        employees.append(emp)
    _db.session.flush()
    return {"departments": departments, "cohorts": cohorts}


def subtree(org: dict[str, Any], people: list[Person], department: Any) -> list[int]:
    if department is None:
        return list(range(len(people)))
    inside = {d.id for d in org["departments"] if f"/{department.id}/" in d.path}
    return [i for i, p in enumerate(people) if org["departments"][p.department].id in inside]


def quarters_of(filters: Filters) -> list[int]:
    used = whole_quarters(filters)
    return [
        q
        for q in range(4)
        if (used.period_from is None or date(2029, 3 * q + 1, 1) >= used.period_from)
        and (used.period_to is None or date(2029, 3 * q + 1, 1) <= used.period_to)
    ]


def participation_rows(org, people, department, filters) -> list[tuple]:
    report = participation_report(
        ReportScope.whole_organisation(MINIMUM),
        Filters(department_id=department and department.id, **_period(filters)),
        TODAY,
    )
    chosen = subtree(org, people, department)
    quarters = quarters_of(filters)
    labels = {f"{d.code} {d.name}": d for d in org["departments"]}
    out = []
    for record in report.parts[-1].frame.to_dict("records"):
        if record["department"] == translate(TOTAL_LABEL):
            members = chosen
        else:
            dept = labels[record["department"]]
            members = [i for i in chosen if org["departments"][people[i].department] is dept]
        vector = {
            (i, q): Fraction(1)
            for i in members
            for q in quarters
            if people[i].active or q in people[i].quarters
        }
        if filters.period_from is None or filters.period_to is None:
            # an open period also holds quarters outside 2029: only active people there
            vector.update({(i, "other"): Fraction(1) for i in members if people[i].active})
        out.append((not record[WITHHELD], vector, ("participation", department, filters)))
        participants = distinct(vector, quarters, filters, "participants")
        out.append((not record[WITHHELD], participants, ("participants", department, filters)))
    return out


def distinct(
    vector: dict[Any, Fraction], quarters: list[int], filters: Filters, figure: str
) -> dict[Any, Fraction]:
    """A distinct-people figure of a row (participants, people asking): for one closed
    quarter a sum over the quarter's unknowns (the row's own); over several quarters a
    person counts once however many quarters they appear in — no sum of quarterly
    figures, so one unknown per person and set of quarters (open periods apart), shared
    by every row of every department filter with the same period."""
    if len(quarters) == 1 and filters.period_from and filters.period_to:
        return vector
    span = (tuple(quarters), filters.period_from is None, filters.period_to is None)
    return {(key[0], figure, span): Fraction(1) for key in vector}


def trend_rows(org, people, department, filters) -> list[tuple]:
    report = trends_report(
        ReportScope.whole_organisation(MINIMUM),
        Filters(department_id=department and department.id, **_period(filters)),
        TODAY,
    )
    chosen = subtree(org, people, department)
    by_label = {quarter_label(k): q for q, k in enumerate(QUARTERS)}
    out = []
    for record in report.parts[0].frame.to_dict("records"):
        q = by_label.get(record["quarter"])
        if q is None:
            continue  # a quarter outside 2029 holds nobody
        vector = {
            (i, q): Fraction(1)
            for i in chosen
            if q in people[i].quarters or q in people[i].declined
        }
        out.append((not record[WITHHELD], vector, ("trends", department, record["quarter"])))
    return out


def demand_rows(org, people, department, filters) -> list[tuple]:
    report = demand_report(
        ReportScope.whole_organisation(MINIMUM),
        Filters(department_id=department and department.id, **_period(filters)),
        TODAY,
    )
    chosen = [i for i in subtree(org, people, department) if people[i].active]
    quarters = quarters_of(filters)
    out = []
    for record in report.parts[0].frame.to_dict("records"):
        vector = {
            (i, "d", q): Fraction(1) for i in chosen for q in quarters if q in people[i].declined
        }
        out.append((not record[WITHHELD], vector, ("demand", department, filters)))
        asking = distinct(vector, quarters, filters, "asking")
        out.append((not record[WITHHELD], asking, ("asking", department, filters)))
    return out


def cohort_rows(org, people, department) -> list[tuple]:
    report = cohorts_report(
        ReportScope.whole_organisation(MINIMUM),
        Filters(department_id=department and department.id),
        TODAY,
    )
    chosen = subtree(org, people, department)
    names = {c.name: n for n, c in enumerate(org["cohorts"])}
    out = []
    for record in report.parts[0].frame.to_dict("records"):
        c = names[record["cohort"]]
        vector = {(i, "c", c): Fraction(1) for i in chosen if c in people[i].cohorts}
        out.append((not record[WITHHELD], vector, ("cohorts", department, c)))
    return out


def _period(filters: Filters) -> dict[str, Any]:
    return {"period_from": filters.period_from, "period_to": filters.period_to}


def assert_nothing_derivable(rows: list[tuple]) -> None:
    space = RowSpace()
    for shown, vector, _where in rows:
        if shown and vector:
            space.add(vector)
    for shown, vector, where in rows:
        if not shown and vector:
            related = [(w, v) for sh, v, w in rows if sh and set(v) & set(vector)]
            assert not space.contains(vector), f"withheld row {where} {vector} from {related}"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations)
@pytest.mark.usefixtures("db")
def test_no_withheld_figure_is_derivable(organisation: tuple) -> None:
    parents, people = organisation
    savepoint = _db.session.begin_nested()
    try:
        org = build(parents, people)
        filters_departments = [None, *org["departments"]]
        participation, trends, cohorts, demand = [], [], [], []
        for department in filters_departments:
            cohorts.extend(cohort_rows(org, people, department))
            for filters in PERIODS:
                participation.extend(participation_rows(org, people, department, filters))
                trends.extend(trend_rows(org, people, department, filters))
                demand.extend(demand_rows(org, people, department, filters))
        assert_nothing_derivable(participation)
        assert_nothing_derivable(trends)
        assert_nothing_derivable(cohorts)
        assert_nothing_derivable(demand)
    finally:
        savepoint.rollback()
