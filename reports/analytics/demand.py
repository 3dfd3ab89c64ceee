"""The unmet-demand report. Only active employees count (planning for the current
staff); dates are Berlin dates, the period is inclusive.

Unmet demand, per course: waiting-list places now (sessions that have not started and
are not cancelled), requests declined in the period (``decided_at``) and requests that
expired in the period (the session's enrolment deadline). *People with unmet demand* =
distinct people with one of those who neither hold a confirmed place in the course nor
completed it. Open seats: capacity − confirmed in sessions from today on that are not
cancelled; typical capacity: median capacity of the course's sessions that were not
cancelled; suggested extra sessions = ceil(max(people with unmet demand − open seats, 0)
/ typical capacity). A course row's people figures are withheld when fewer than the
minimum group size of distinct people asked (waiting, declined or expired), and so is a
course row from which such a group could be worked out with the report of a
neighbouring department filter or period (``reports.analytics.disclosure``: the period is
widened to whole calendar quarters; the waiting list now and every quarter of the period
are judged on the department tree, and a row is shown only when it is shown in all).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.orm import aliased

from academy.i18n import N_
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment
from courses.sessions.models import CourseSession
from reports.analytics.common import (
    People,
    add_withheld_note,
    berlin_days,
    ceil_div,
    datetime_in_period,
    day_start_utc,
    empty_frame,
    new_report,
    ordered,
    quarter_keys,
    read_frame,
    scoped_people,
    withheld_figures,
)
from reports.analytics.disclosure import PERIOD_NOTE, protect_units, whole_quarters, widened
from reports.analytics.participation import S
from reports.analytics.report_model import Chart, Column, Filters, Part, Report, ReportScope
from reports.analytics.suppression import Breakdown

DEMAND_COLUMNS = [
    Column("course", N_("Course")),
    Column("waitlisted", N_("On a waiting list now"), "int"),
    Column("declined", N_("Requests declined"), "int"),
    Column("expired", N_("Requests expired"), "int"),
    Column("unmet", N_("People with unmet demand"), "int"),
    Column("upcoming_sessions", N_("Upcoming sessions"), "int"),
    Column("open_seats", N_("Open seats"), "int"),
    Column("typical_capacity", N_("Typical capacity"), "int"),
    Column("suggested_sessions", N_("Suggested extra sessions"), "int"),
]
DEMAND_PEOPLE_FIGURES = ["waitlisted", "declined", "expired", "unmet", "suggested_sessions"]


def _demand_rows(people: People, filters: Filters, today: date) -> pd.DataFrame:
    """``course_id, employee_id, kind, satisfied`` for every waiting-list place now and
    every request declined or expired in the period (one statement)."""
    upcoming = day_start_utc(today)
    other = aliased(Enrolment)
    satisfied = (
        exists()
        .where(
            other.course_id == Enrolment.course_id,
            other.employee_id == Enrolment.employee_id,
            other.state.in_((S.CONFIRMED.value, S.ATTENDED.value, S.COMPLETED.value)),
        )
        .label("satisfied")
    )

    def rows(kind: str, day: Any, *conditions: Any) -> Any:
        return (
            select(
                Enrolment.course_id,
                Enrolment.employee_id,
                literal(kind),
                satisfied,
                Employee.department_id,
                day,
            )
            .join(Employee, Employee.id == Enrolment.employee_id)
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .where(*people.conditions, *conditions)
        )

    waiting = rows(
        "waitlisted",
        CourseSession.starts_at,
        Enrolment.state == S.WAITLISTED.value,
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at >= upcoming,
    )
    decided = func.coalesce(Enrolment.decided_at, Enrolment.updated_at)
    declined = rows(
        "declined",
        decided,
        Enrolment.state == S.DECLINED.value,
        *datetime_in_period(decided, filters),
    )
    expired = rows(
        "expired",
        CourseSession.enrolment_deadline,
        Enrolment.state == S.EXPIRED.value,
        *datetime_in_period(CourseSession.enrolment_deadline, filters),
    )
    return read_frame(
        union_all(waiting, declined, expired),
        ["course_id", "employee_id", "kind", "satisfied", "department_id", "day"],
    )


def demand_pattern(requests: pd.DataFrame, root: int | None, minimum: int) -> set:
    """The withheld course rows: distinct people per own department and course in each
    unit (the waiting list now, every quarter of declined or expired requests), judged
    on the department tree; a row is withheld when it is withheld in any unit."""
    if requests.empty:
        return set()
    waiting = requests["kind"] == "waitlisted"
    unit = quarter_keys(berlin_days(requests["day"])).where(~waiting, "now")
    people = (
        requests.assign(unit=unit.to_numpy())
        .groupby(["unit", "department_id", "course_id"])["employee_id"]
        .nunique()
    )
    units: dict[str, dict[int, dict[object, int]]] = {}
    for (key, dept, course), n in people.items():
        units.setdefault(str(key), {}).setdefault(int(dept), {})[("course", int(course))] = int(n)
    keys = tuple(sorted({k for u in units.values() for own in u.values() for k in own}))
    return protect_units(units.values(), [Breakdown(keys, total=False)], root, minimum)


def _sessions(today: date) -> pd.DataFrame:
    """Every session that was not cancelled: ``course_id, capacity, open, upcoming``."""
    upcoming = day_start_utc(today)
    frame = read_frame(
        select(
            CourseSession.course_id,
            CourseSession.capacity,
            CourseSession.capacity - CourseSession.confirmed_count,
            CourseSession.starts_at >= upcoming,
        ).where(CourseSession.cancelled_at.is_(None)),
        ["course_id", "capacity", "open", "upcoming"],
    )
    frame["upcoming"] = frame["upcoming"].astype(bool)
    return frame


def demand_table(requests: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """Per course with any request: the counts, distinct people asking (``asked``) and
    still unmet, open seats, typical capacity and suggested sessions."""
    if requests.empty:
        return pd.DataFrame(columns=["course_id", "asked", *[c.key for c in DEMAND_COLUMNS[1:]]])
    requests = requests.copy()
    requests["satisfied"] = requests["satisfied"].astype(bool)
    kinds = (
        pd.crosstab(requests["course_id"], requests["kind"])
        .reindex(columns=["waitlisted", "declined", "expired"], fill_value=0)
        .astype("int64")
    )
    asked = requests.groupby("course_id")["employee_id"].nunique().rename("asked")
    unmet = (
        requests[~requests["satisfied"]]
        .groupby("course_id")["employee_id"]
        .nunique()
        .rename("unmet")
    )
    upcoming = sessions[sessions["upcoming"]]
    seats = upcoming.groupby("course_id").agg(
        upcoming_sessions=("open", "size"), open_seats=("open", "sum")
    )
    typical = sessions.groupby("course_id")["capacity"].median().rename("typical_capacity")
    fallback = float(sessions["capacity"].median()) if len(sessions) else 0.0
    table = kinds.join([asked, unmet, seats, typical]).reset_index()
    table = table.fillna({"unmet": 0, "upcoming_sessions": 0, "open_seats": 0})
    table["typical_capacity"] = table["typical_capacity"].fillna(fallback).round()
    table["suggested_sessions"] = [
        ceil_div(max(u - o, 0), cap)
        for u, o, cap in zip(
            table["unmet"], table["open_seats"], table["typical_capacity"], strict=True
        )
    ]
    return table


def demand_report(scope: ReportScope, filters: Filters, today: date) -> Report:
    """Unmet demand per course, most people first. Three statements (plus one for a
    department filter)."""
    asked, filters = filters, whole_quarters(filters)
    people = scoped_people(scope, filters, active_only=True)
    withheld = 0
    if people.empty:
        frame = empty_frame(DEMAND_COLUMNS, withheld=True)
    else:
        requests = _demand_rows(people, filters, today)
        table = demand_table(requests, _sessions(today))
        if table.empty:
            frame = empty_frame(DEMAND_COLUMNS, withheld=True)
        else:
            titles = read_frame(
                select(Course.id, Course.code, Course.title).where(
                    Course.id.in_([int(c) for c in table["course_id"]])
                ),
                ["course_id", "code", "title"],
            )
            titles["course"] = titles["code"] + " " + titles["title"]
            table = table.merge(titles[["course_id", "course"]], on="course_id")
            table = table.sort_values(["unmet", "asked", "course"], ascending=[False, False, True])
            hidden = demand_pattern(requests, filters.department_id, scope.min_group)
            withheld = withheld_figures(
                table,
                [("course", int(c)) in hidden for c in table["course_id"]],
                DEMAND_PEOPLE_FIGURES,
            )
            frame = ordered(table, DEMAND_COLUMNS, withheld=True)
    part = Part(
        key="by_course",
        title=N_("Unmet demand per course"),
        description=N_(
            "Waiting-list places now, requests declined or expired in the period, the "
            "people among them who have neither a confirmed place nor a completion, open "
            "seats in upcoming sessions and the extra sessions that would seat the rest."
        ),
        columns=list(DEMAND_COLUMNS),
        frame=frame,
        chart=Chart("hbar", "course", ("unmet", "open_seats"), N_("Unmet demand and open seats")),
    )
    add_withheld_note(part, withheld, scope.min_group)
    if widened(asked, filters):
        part.notes.append(PERIOD_NOTE)
    return new_report("demand", N_("Unmet demand"), filters, scope, [part])


# ---------------------------------------------------------------------------
# Trends by quarter
# ---------------------------------------------------------------------------
