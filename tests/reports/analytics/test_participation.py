"""Participation, unmet demand and trends against plain Python loops over the ORM rows
and hand-computed constants for the known data set (tests/reports/report_data.py)."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from academy.clock import to_berlin
from academy.extensions import db as _db
from academy.i18n import translate
from academy.org.models import Department, Employee
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from reports.analytics.common import TOTAL_LABEL, quarter_key, quarter_label
from reports.analytics.demand import demand_report
from reports.analytics.disclosure import whole_quarters
from reports.analytics.participation import participation_report
from reports.analytics.report_model import WITHHELD, Filters, Part, ReportScope
from reports.analytics.trends import trends_report
from tests.reports.report_data import TODAY, KnownData, build_known_data

S = EnrolmentState
ALL = ReportScope.whole_organisation(1)
DUE = {S.ATTENDED, S.COMPLETED, S.FAILED, S.NO_SHOW}
SEATED = {S.CONFIRMED, *DUE}
PERIOD_2029 = Filters(period_from=date(2029, 1, 1), period_to=date(2029, 12, 31))


@pytest.fixture()
def known(db) -> KnownData:
    return build_known_data()


def plain(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


def rows_by(part: Part, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in part.frame.to_dict("records")}


def label(dept: Department) -> str:
    return f"{dept.code} {dept.name}"


def in_period(day: date | None, filters: Filters) -> bool:
    if day is None:
        return False
    if filters.period_from and day < filters.period_from:
        return False
    return not (filters.period_to and day > filters.period_to)


# ---------------------------------------------------------------------------
# Participation
# ---------------------------------------------------------------------------


def expected_participation(filters: Filters) -> dict[str, dict[str, Any]]:
    """Department label → figures, by loops over every employee and enrolment. People =
    active employees + those who left but took part (a booked place in a session of the
    period or a completion in it)."""
    names = ("ue", "completions", "due", "completed", "no_show", "booked", "late")
    counts: dict[int, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(names, 0))
    took_part: dict[int, set[int]] = defaultdict(set)
    for enrolment in _db.session.scalars(select(Enrolment)):
        emp, session = enrolment.employee, enrolment.session
        row = counts[emp.department_id]
        state = S(enrolment.state)
        if state == S.COMPLETED and in_period(enrolment.completed_on, filters):
            row["ue"] += enrolment.course.duration_ue
            row["completions"] += 1
            took_part[emp.department_id].add(emp.id)
        start = to_berlin(session.starts_at).date()
        if session.cancelled_at is None and in_period(start, filters):
            booked = state in SEATED or (state == S.CANCELLED and bool(enrolment.confirmed_at))
            row["due"] += state in DUE
            row["completed"] += state == S.COMPLETED
            row["no_show"] += state == S.NO_SHOW
            row["booked"] += booked
            row["late"] += state == S.CANCELLED and enrolment.late_cancellation
            if booked:
                took_part[emp.department_id].add(emp.id)
    people: dict[int, set[int]] = defaultdict(set)
    for emp in _db.session.scalars(select(Employee)):
        if emp.active or emp.id in took_part[emp.department_id]:
            people[emp.department_id].add(emp.id)
    result: dict[str, dict[str, Any]] = {}
    total: dict[str, Any] = defaultdict(int)
    for dept_id, members in people.items():
        figures = dict(counts[dept_id])
        figures["people"] = len(members)
        figures["participants"] = len(took_part[dept_id])
        result[label(_db.session.get(Department, dept_id))] = figures
        for key, value in figures.items():
            total[key] += value
    result[translate(TOTAL_LABEL)] = dict(total)
    return result


def check_participation(part: Part, expected: dict[str, dict[str, Any]]) -> None:
    rows = rows_by(part, "department")
    assert set(rows) == set(expected)
    for name, exp in expected.items():
        row = rows[name]
        assert not row[WITHHELD]
        assert row["people"] == exp["people"], name
        assert row["participants"] == exp["participants"], name
        assert row["ue"] == exp["ue"], name
        assert row["completions"] == exp["completions"], name
        assert plain(row["ue_per_person"]) == pytest.approx(exp["ue"] / exp["people"])
        for key, num, den in (
            ("completion_rate", "completed", "due"),
            ("no_show_rate", "no_show", "due"),
            ("late_cancellation_rate", "late", "booked"),
        ):
            want = exp[num] / exp[den] if exp[den] else None
            assert plain(row[key]) == pytest.approx(want), (name, key)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        PERIOD_2029,
        Filters(period_from=date(2029, 11, 12), period_to=date(2030, 2, 18)),
    ],
)
def test_participation_by_department_matches_loops(known: KnownData, filters: Filters) -> None:
    report = participation_report(ALL, filters, TODAY)
    assert [p.key for p in report.parts] == ["ue_per_person", "by_department"]
    part = report.parts[1]
    # the period is widened to whole calendar quarters (reports.analytics.disclosure)
    assert report.filters == whole_quarters(filters)
    check_participation(part, expected_participation(whole_quarters(filters)))
    assert part.chart is not None and part.chart.kind == "hbar"


def test_participation_hand_computed(known: KnownData) -> None:
    part = participation_report(ALL, Filters(), TODAY).parts[1]
    row = rows_by(part, "department")[label(known.departments["A"])]
    # A: 5 active people; UE 8 + 4 + 2; due 5 (3 at past1, a_meets at past2, old)
    assert [row["people"], row["participants"], row["ue"], row["completions"]] == [5, 4, 14, 3]
    assert row["ue_per_person"] == pytest.approx(2.8)
    assert row["completion_rate"] == pytest.approx(3 / 5)
    assert row["no_show_rate"] == pytest.approx(1 / 5)
    assert row["late_cancellation_rate"] == pytest.approx(1 / 8)
    b1 = rows_by(part, "department")[label(known.departments["B1"])]
    # B1: attended (no result yet) counts as due; the cancelled session does not count
    assert b1["completion_rate"] == pytest.approx(0.0)
    assert b1["late_cancellation_rate"] == pytest.approx(0.0)
    assert part.frame.iloc[-1]["department"] == translate(TOTAL_LABEL)


def test_former_employees_count_where_they_took_part(known: KnownData) -> None:
    a_meets = known.one("a_meets")
    a_meets.active = False
    _db.session.flush()
    row = rows_by(participation_report(ALL, Filters(), TODAY).parts[1], "department")[
        label(known.departments["A"])
    ]
    assert row["people"] == 5  # 4 active + a_meets, who took part
    assert row["ue"] == 14


def test_ue_per_person_and_year(known: KnownData) -> None:
    part = participation_report(ALL, Filters(), TODAY).parts[0]
    assert part.individual
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in _db.session.scalars(select(Enrolment).where(Enrolment.state == S.COMPLETED.value)):
        key = (e.employee.personnel_no, str(e.completed_on.year))
        expected[key][0] += e.course.duration_ue
        expected[key][1] += 1
    found = {
        (r["personnel_no"], r["year"]): [r["ue"], r["courses"]]
        for r in part.frame.to_dict("records")
    }
    assert found == dict(expected)
    assert found[(known.one("a_meets").personnel_no, "2029")] == [12, 2]
    assert sorted(part.people_shown) == sorted(
        {
            e.employee_id
            for e in _db.session.scalars(
                select(Enrolment).where(Enrolment.state == S.COMPLETED.value)
            )
        }
    )
    within = participation_report(ALL, PERIOD_2029, TODAY).parts[0]
    assert set(within.frame["year"]) == {"2029"}


# ---------------------------------------------------------------------------
# Demand
# ---------------------------------------------------------------------------


def expected_demand(filters: Filters) -> dict[str, dict[str, Any]]:
    per_course: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"waitlisted": 0, "declined": 0, "expired": 0, "asked": set(), "unmet": set()}
    )
    enrolments = list(_db.session.scalars(select(Enrolment)))
    satisfied = {
        (e.course_id, e.employee_id)
        for e in enrolments
        if e.state in (S.CONFIRMED, S.ATTENDED, S.COMPLETED)
    }
    for e in enrolments:
        if not e.employee.active:
            continue
        session = e.session
        kind = None
        if (
            e.state == S.WAITLISTED
            and session.cancelled_at is None
            and to_berlin(session.starts_at).date() >= TODAY
        ):
            kind = "waitlisted"
        elif e.state == S.DECLINED and in_period(
            to_berlin(e.decided_at or e.updated_at).date(), filters
        ):
            kind = "declined"
        elif e.state == S.EXPIRED and in_period(
            to_berlin(session.enrolment_deadline).date(), filters
        ):
            kind = "expired"
        if kind is None:
            continue
        row = per_course[e.course_id]
        row[kind] += 1
        row["asked"].add(e.employee_id)
        if (e.course_id, e.employee_id) not in satisfied:
            row["unmet"].add(e.employee_id)
    sessions = [s for s in _db.session.scalars(select(CourseSession)) if s.cancelled_at is None]
    result = {}
    for course_id, row in per_course.items():
        mine = [s for s in sessions if s.course_id == course_id]
        upcoming = [s for s in mine if to_berlin(s.starts_at).date() >= TODAY]
        open_seats = sum(s.capacity - s.confirmed_count for s in upcoming)
        typical = round(statistics.median(s.capacity for s in mine))
        unmet = len(row["unmet"])
        course = mine[0].course
        result[f"{course.code} {course.title}"] = {
            "waitlisted": row["waitlisted"],
            "declined": row["declined"],
            "expired": row["expired"],
            "unmet": unmet,
            "upcoming_sessions": len(upcoming),
            "open_seats": open_seats,
            "typical_capacity": typical,
            "suggested_sessions": math.ceil(max(unmet - open_seats, 0) / typical),
        }
    return result


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(period_from=date(2030, 1, 20), period_to=date(2030, 3, 4))]
)
def test_demand_matches_loops(known: KnownData, filters: Filters) -> None:
    [part] = demand_report(ALL, filters, TODAY).parts
    rows = {
        r["course"]: {k: plain(v) for k, v in r.items() if k not in ("course", WITHHELD)}
        for r in part.frame.to_dict("records")
    }
    assert rows == expected_demand(whole_quarters(filters))  # whole calendar quarters
    assert part.chart is not None


def test_demand_hand_computed(known: KnownData) -> None:
    [part] = demand_report(ALL, Filters(), TODAY).parts
    k1, k3 = known.courses["K1"], known.courses["K3"]
    rows = rows_by(part, "course")
    one = rows[f"{k1.code} {k1.title}"]
    # 4 on the waiting list, a_meets completed K1 already: 3 people unmet; the only
    # upcoming session is full; typical capacity median(20, 20, 2) = 20 → 1 session
    assert [one[k] for k in ("waitlisted", "declined", "expired", "unmet")] == [4, 0, 0, 3]
    assert [one[k] for k in ("open_seats", "typical_capacity", "suggested_sessions")] == [
        0,
        20,
        1,
    ]
    three = rows[f"{k3.code} {k3.title}"]
    assert [three[k] for k in ("waitlisted", "declined", "expired", "unmet")] == [0, 1, 1, 2]
    assert [three[k] for k in ("open_seats", "typical_capacity", "suggested_sessions")] == [
        9,
        10,
        0,
    ]
    assert part.frame["course"].iloc[0] == f"{k1.code} {k1.title}"  # most unmet first
    # the expired request (deadline 25 Jan 2030) lies outside the second quarter (a
    # period is widened to whole calendar quarters, so February would include it)
    [february] = demand_report(
        ALL, Filters(period_from=date(2030, 4, 1), period_to=date(2030, 6, 30)), TODAY
    ).parts
    assert f"{k3.code} {k3.title}" not in rows_by(february, "course")
    assert f"{k1.code} {k1.title}" in rows_by(february, "course")  # waiting now


# ---------------------------------------------------------------------------
# Trends
# ---------------------------------------------------------------------------


def expected_trends(filters: Filters) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"requested": 0, "completions": 0, "ue": 0, "no_shows": 0, "due": 0, "done": 0}
    )
    for e in _db.session.scalars(select(Enrolment)):
        requested = to_berlin(e.requested_at).date()
        if in_period(requested, filters):
            rows[quarter_key(requested)]["requested"] += 1
        if e.state == S.COMPLETED and in_period(e.completed_on, filters):
            rows[quarter_key(e.completed_on)]["completions"] += 1
            rows[quarter_key(e.completed_on)]["ue"] += e.course.duration_ue
        start = to_berlin(e.session.starts_at).date()
        if e.state in DUE and e.session.cancelled_at is None and in_period(start, filters):
            rows[quarter_key(start)]["due"] += 1
            rows[quarter_key(start)]["no_shows"] += e.state == S.NO_SHOW
            rows[quarter_key(start)]["done"] += e.state == S.COMPLETED
    return {quarter_label(k): v for k, v in rows.items()}


def test_trends_match_loops(known: KnownData) -> None:
    filters = Filters(period_from=date(2029, 4, 1), period_to=date(2030, 3, 31))
    [part] = trends_report(ALL, filters, TODAY).parts
    assert list(part.frame["quarter"]) == ["Q2 2029", "Q3 2029", "Q4 2029", "Q1 2030"]
    expected = expected_trends(filters)
    for row in part.frame.to_dict("records"):
        exp = expected.get(row["quarter"], defaultdict(int))
        assert [row["requested"], row["completions"], row["ue"], row["no_shows"]] == [
            exp["requested"],
            exp["completions"],
            exp["ue"],
            exp["no_shows"],
        ], row["quarter"]
        want = exp["done"] / exp["due"] if exp["due"] else None
        assert plain(row["completion_rate"]) == pytest.approx(want)
    q2 = rows_by(part, "quarter")["Q2 2029"]
    # past1 (6 May 2029): a_meets completed, a_self no-show, a_none failed
    assert [q2["completions"], q2["ue"], q2["no_shows"]] == [1, 8, 1]
    assert q2["completion_rate"] == pytest.approx(1 / 3)
    assert part.chart is not None and part.chart.kind == "line"


def test_trends_without_period_span_the_data(known: KnownData) -> None:
    [part] = trends_report(ALL, Filters(), TODAY).parts
    quarters = list(part.frame["quarter"])
    assert quarters[0] == "Q2 2027"  # the old completion (requested in the spring of 2027)
    assert quarters[-1] == "Q1 2030"
    assert len(quarters) == 12  # every quarter in between, also empty ones
    empty = rows_by(part, "quarter")["Q1 2028"]
    assert empty["requested"] == 0 and not empty[WITHHELD]
    assert plain(empty["completion_rate"]) is None
