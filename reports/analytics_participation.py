"""Participation, unmet demand and trends by quarter.

Who counts: for participation and trends every employee in scope, also people who have
left since (what happened, happened); for unmet demand only active employees (planning
for the current staff). Dates are Berlin dates; the period is inclusive.

Participation, per department (the person's own department, not the subtree):

- *UE delivered*: the course UE of completed enrolments whose ``completed_on`` is in
  the period; *UE per person* = UE delivered / people, where people = active employees
  plus those who have left but took part in the period.
- For sessions that start in the period and were not cancelled:
  *due* = enrolments attended + completed + failed + no-show (the person was expected and
  attendance was recorded); *completion rate* = completed / due;
  *no-show rate* = no-show / due; *booked* = enrolments that held a confirmed place
  (``confirmed_at`` set, or a seated state); *late-cancellation rate* = late
  cancellations (``Enrolment.late_cancellation``: a confirmed place cancelled after the
  cancellation deadline) / booked.
- A department row is withheld when it has fewer people than the minimum group size.
The individual part (UE per person and year) lists completions by ``completed_on`` year.

Unmet demand, per course: waiting-list places now (sessions that have not started and
are not cancelled), requests declined in the period (``decided_at``) and requests that
expired in the period (the session's enrolment deadline). *People with unmet demand* =
distinct people with one of those who neither hold a confirmed place in the course nor
completed it. Open seats: capacity − confirmed in sessions from today on that are not
cancelled; typical capacity: median capacity of the course's sessions that were not
cancelled; suggested extra sessions = ceil(max(people with unmet demand − open seats, 0)
/ typical capacity). A course row's people figures are withheld when fewer than the
minimum group size of distinct people asked (waiting, declined or expired).

Trends, per quarter: enrolment requests (``requested_at``), completions and UE delivered
(``completed_on``), no-shows and the completion rate (sessions starting in the
quarter, as above). A quarter is withheld when fewer than the minimum group size of
distinct people are behind its figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from academy.i18n import N_, translate
from academy.models import Department, Employee
from courses.models import Course, CourseSession, Enrolment, EnrolmentState
from reports.analytics_common import (
    TOTAL_LABEL,
    People,
    add_withheld_note,
    berlin_days,
    ceil_div,
    date_in_period,
    datetime_in_period,
    day_start_utc,
    department_label,
    empty_frame,
    name_order,
    new_report,
    ordered,
    path_order,
    quarter_keys,
    quarter_label,
    quarter_start,
    quarters_between,
    ratio,
    read_frame,
    scoped_people,
    withhold,
)
from reports.report_model import Chart, Column, Filters, Part, Report, Scope

S = EnrolmentState
#: Attendance was recorded: the person was expected at the session.
DUE_STATES = (S.ATTENDED.value, S.COMPLETED.value, S.FAILED.value, S.NO_SHOW.value)
#: States that hold a seat (a booking), besides cancelled ones with ``confirmed_at``.
SEATED_STATES = (S.CONFIRMED.value, *DUE_STATES)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---------------------------------------------------------------------------
# Participation
# ---------------------------------------------------------------------------

PARTICIPATION_COLUMNS = [
    Column("department", N_("Department")),
    Column("people", N_("People"), "int"),
    Column("participants", N_("Participants"), "int"),
    Column("ue", N_("UE delivered"), "int"),
    Column("ue_per_person", N_("UE per person"), "decimal"),
    Column("completions", N_("Completions"), "int"),
    Column("completion_rate", N_("Completion rate"), "percent"),
    Column("no_show_rate", N_("No-show rate"), "percent"),
    Column("late_cancellation_rate", N_("Late-cancellation rate"), "percent"),
]
PARTICIPATION_FIGURES = [c.key for c in PARTICIPATION_COLUMNS[2:]]
COUNTS = ["ue", "completions", "completed", "due", "no_show", "booked", "late"]

UE_COLUMNS = [
    Column("name", N_("Name")),
    Column("personnel_no", N_("Personnel number")),
    Column("department", N_("Department")),
    Column("year", N_("Year")),  # text: no thousands separator
    Column("ue", N_("UE"), "int"),
    Column("courses", N_("Completed courses"), "int"),
]


def _period_conditions(filters: Filters) -> tuple[Any, Any]:
    """SQL conditions: the enrolment's session starts in the period and was not
    cancelled; the enrolment was completed in the period."""
    in_sessions = and_(
        CourseSession.cancelled_at.is_(None),
        *datetime_in_period(CourseSession.starts_at, filters),
    )
    completed = and_(
        Enrolment.state == S.COMPLETED.value,
        Enrolment.completed_on.is_not(None),
        *date_in_period(Enrolment.completed_on, filters),
    )
    return in_sessions, completed


def _per_person_counts(people: People, filters: Filters) -> pd.DataFrame:
    """Per person with activity in the period: department, active and the counts
    (one statement, grouped in SQL)."""
    in_sessions, completed = _period_conditions(filters)
    booked = or_(
        Enrolment.state.in_(SEATED_STATES),
        and_(Enrolment.state == S.CANCELLED.value, Enrolment.confirmed_at.is_not(None)),
    )
    query = (
        select(
            Employee.id,
            Employee.department_id,
            Employee.active,
            func.coalesce(func.sum(case((completed, Course.duration_ue), else_=0)), 0),
            _count(completed),
            _count(and_(in_sessions, Enrolment.state == S.COMPLETED.value)),
            _count(and_(in_sessions, Enrolment.state.in_(DUE_STATES))),
            _count(and_(in_sessions, Enrolment.state == S.NO_SHOW.value)),
            _count(and_(in_sessions, booked)),
            _count(
                and_(
                    in_sessions,
                    Enrolment.state == S.CANCELLED.value,
                    Enrolment.late_cancellation.is_(True),
                )
            ),
        )
        .join(Enrolment, Enrolment.employee_id == Employee.id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(*people.conditions, or_(in_sessions, completed))
        .group_by(Employee.id, Employee.department_id, Employee.active)
    )
    return read_frame(query, ["employee_id", "department_id", "active", *COUNTS])


def _active_headcount(people: People) -> pd.DataFrame:
    return read_frame(
        select(Employee.department_id, func.count(Employee.id))
        .where(*people.conditions, Employee.active.is_(True))
        .group_by(Employee.department_id),
        ["department_id", "active_people"],
    )


def _department_labels(department_ids: list[int]) -> pd.DataFrame:
    if not department_ids:
        return pd.DataFrame({"department_id": [], "department": [], "order": []})
    rows = read_frame(
        select(Department.id, Department.code, Department.name, Department.path).where(
            Department.id.in_(sorted(set(department_ids)))
        ),
        ["department_id", "code", "name", "path"],
    )
    rows["department"] = [
        department_label(c, n) for c, n in zip(rows["code"], rows["name"], strict=True)
    ]
    rows["order"] = rows["path"].map(path_order)
    return rows[["department_id", "department", "order"]]


def _participation_figures(frame: pd.DataFrame) -> pd.DataFrame:
    frame["ue_per_person"] = ratio(frame["ue"], frame["people"])
    frame["completion_rate"] = ratio(frame["completed"], frame["due"])
    frame["no_show_rate"] = ratio(frame["no_show"], frame["due"])
    frame["late_cancellation_rate"] = ratio(frame["late"], frame["booked"])
    return frame


def participation_by_department(counts: pd.DataFrame, headcount: pd.DataFrame) -> pd.DataFrame:
    """Department rows (and a total row) from the per-person counts and the active head
    count: ``department_id, people, participants`` + the counts + the rates."""
    counts = counts.astype({"employee_id": "int64", "department_id": "int64", "active": bool})
    counts = counts.astype(dict.fromkeys(COUNTS, "int64"))
    headcount = headcount.astype("int64")
    counts["participant"] = ((counts["booked"] > 0) | (counts["completions"] > 0)).astype("int64")
    counts["former"] = (~counts["active"] & (counts["participant"] == 1)).astype("int64")
    grouped = counts.groupby("department_id").agg(
        {**{c: "sum" for c in COUNTS}, "participant": "sum", "former": "sum"}
    )
    frame = headcount.set_index("department_id").join(grouped, how="outer").fillna(0)
    frame["people"] = frame["active_people"] + frame["former"]
    frame = frame.rename(columns={"participant": "participants"}).reset_index()
    total = frame.drop(columns=["department_id"]).sum().to_frame().T
    total["department_id"] = -1
    frame = pd.concat([frame, total], ignore_index=True)
    frame = frame[frame["people"] > 0].copy()
    return _participation_figures(frame)


def _ue_per_person_year(people: People, filters: Filters) -> pd.DataFrame:
    _, completed = _period_conditions(filters)
    year = func.extract("year", Enrolment.completed_on)
    query = (
        select(
            Employee.id,
            Employee.personnel_no,
            Employee.first_name,
            Employee.last_name,
            Department.code,
            Department.name,
            year,
            func.sum(Course.duration_ue),
            func.count(Enrolment.id),
        )
        .join(Enrolment, Enrolment.employee_id == Employee.id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(Department, Department.id == Employee.department_id)
        .where(*people.conditions, completed)
        .group_by(
            Employee.id,
            Employee.personnel_no,
            Employee.first_name,
            Employee.last_name,
            Department.code,
            Department.name,
            year,
        )
    )
    return read_frame(
        query,
        [
            "employee_id",
            "personnel_no",
            "first_name",
            "last_name",
            "code",
            "dept",
            "year",
            "ue",
            "courses",
        ],
    )


def participation_report(scope: Scope, filters: Filters, today: date) -> Report:
    """UE per person and year (individual; not for the staff council) and participation
    by department. Four statements (three for the council; plus one for a department
    filter)."""
    people = scoped_people(scope, filters, active_only=False)
    parts: list[Part] = []
    if not scope.aggregates_only:
        if people.empty:
            ue_frame = empty_frame(UE_COLUMNS, withheld=False)
            shown: list[int] = []
        else:
            rows = _ue_per_person_year(people, filters)
            rows["name"] = rows["last_name"] + ", " + rows["first_name"]
            rows["department"] = [
                department_label(c, n) for c, n in zip(rows["code"], rows["dept"], strict=True)
            ]
            rows["year"] = [str(int(year)) for year in rows["year"]]
            rows = rows.sort_values("year", kind="stable").reset_index(drop=True)
            rows = rows.iloc[name_order(rows["last_name"], rows["first_name"], rows["employee_id"])]
            ue_frame = ordered(rows, UE_COLUMNS, withheld=False)
            shown = [int(i) for i in rows["employee_id"]]  # one per row, in row order
        parts.append(
            Part(
                key="ue_per_person",
                title=N_("UE per person and year"),
                description=N_("Course UE of the courses each person completed, by year."),
                columns=list(UE_COLUMNS),
                frame=ue_frame,
                individual=True,
                people_shown=shown,
            )
        )

    if people.empty:
        frame = empty_frame(PARTICIPATION_COLUMNS, withheld=True)
        withheld = 0
    else:
        counts = _per_person_counts(people, filters)
        headcount = _active_headcount(people)
        table = participation_by_department(counts, headcount)
        labels = _department_labels([int(d) for d in table["department_id"] if d != -1])
        body = table[table["department_id"] != -1].merge(labels, on="department_id")
        total = table[table["department_id"] == -1].assign(department=translate(TOTAL_LABEL))
        table = pd.concat([body.sort_values("order"), total], ignore_index=True)
        withheld = withhold(table, "people", PARTICIPATION_FIGURES, scope.min_group)
        frame = ordered(table, PARTICIPATION_COLUMNS, withheld=True)
    part = Part(
        key="by_department",
        title=N_("Participation by department"),
        description=N_(
            "UE of courses completed in the period per person; completion and no-show "
            "rates over the enrolments with recorded attendance in sessions of the "
            "period; late cancellations over the places booked in those sessions."
        ),
        columns=list(PARTICIPATION_COLUMNS),
        frame=frame,
        chart=Chart(
            "hbar",
            "department",
            ("completion_rate", "no_show_rate", "late_cancellation_rate"),
            N_("Completion, no-show and late-cancellation rates"),
        ),
    )
    add_withheld_note(part, withheld, scope.min_group)
    parts.append(part)
    return new_report("participation", N_("Participation"), filters, scope, parts)


# ---------------------------------------------------------------------------
# Unmet demand
# ---------------------------------------------------------------------------

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

    def rows(kind: str, *conditions: Any) -> Any:
        return (
            select(Enrolment.course_id, Enrolment.employee_id, literal(kind), satisfied)
            .join(Employee, Employee.id == Enrolment.employee_id)
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .where(*people.conditions, *conditions)
        )

    waiting = rows(
        "waitlisted",
        Enrolment.state == S.WAITLISTED.value,
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at >= upcoming,
    )
    declined = rows(
        "declined",
        Enrolment.state == S.DECLINED.value,
        *datetime_in_period(func.coalesce(Enrolment.decided_at, Enrolment.updated_at), filters),
    )
    expired = rows(
        "expired",
        Enrolment.state == S.EXPIRED.value,
        *datetime_in_period(CourseSession.enrolment_deadline, filters),
    )
    return read_frame(
        union_all(waiting, declined, expired), ["course_id", "employee_id", "kind", "satisfied"]
    )


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


def demand_report(scope: Scope, filters: Filters, today: date) -> Report:
    """Unmet demand per course, most people first. Three statements (plus one for a
    department filter)."""
    people = scoped_people(scope, filters, active_only=True)
    withheld = 0
    if people.empty:
        frame = empty_frame(DEMAND_COLUMNS, withheld=True)
    else:
        table = demand_table(_demand_rows(people, filters, today), _sessions(today))
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
            withheld = withhold(table, "asked", DEMAND_PEOPLE_FIGURES, scope.min_group)
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
    return new_report("demand", N_("Unmet demand"), filters, scope, [part])


# ---------------------------------------------------------------------------
# Trends by quarter
# ---------------------------------------------------------------------------

TREND_COLUMNS = [
    Column("quarter", N_("Quarter")),
    Column("requested", N_("Enrolment requests"), "int"),
    Column("completions", N_("Completions"), "int"),
    Column("ue", N_("UE delivered"), "int"),
    Column("no_shows", N_("No-shows"), "int"),
    Column("completion_rate", N_("Completion rate"), "percent"),
]
TREND_FIGURES = [c.key for c in TREND_COLUMNS[1:]]


def _trend_rows(people: People, filters: Filters) -> pd.DataFrame:
    """Every enrolment requested, completed or due in the period: ``employee_id,
    state, requested_at, completed_on, ue, starts_at, cancelled`` (one statement)."""
    requested = and_(
        Enrolment.requested_at.is_not(None), *datetime_in_period(Enrolment.requested_at, filters)
    )
    completed = and_(
        Enrolment.state == S.COMPLETED.value,
        Enrolment.completed_on.is_not(None),
        *date_in_period(Enrolment.completed_on, filters),
    )
    due = and_(
        Enrolment.state.in_(DUE_STATES),
        CourseSession.cancelled_at.is_(None),
        *datetime_in_period(CourseSession.starts_at, filters),
    )
    query = (
        select(
            Enrolment.employee_id,
            Enrolment.state,
            Enrolment.requested_at,
            Enrolment.completed_on,
            Course.duration_ue,
            CourseSession.starts_at,
            CourseSession.cancelled_at.is_not(None),
        )
        .join(Employee, Employee.id == Enrolment.employee_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(*people.conditions, or_(requested, completed, due))
    )
    return read_frame(
        query,
        ["employee_id", "state", "requested_at", "completed_on", "ue", "starts_at", "cancelled"],
    )


def trend_table(rows: pd.DataFrame, filters: Filters, today: date) -> pd.DataFrame:
    """One row per quarter from the period's first to its last (without a period: from
    the data's first to its last quarter): ``key, quarter, requested, completions, ue,
    no_shows, due, completed, people``."""
    first, last = filters.period_from, filters.period_to
    cancelled = rows["cancelled"].astype(bool)
    days = {
        "requested": berlin_days(rows["requested_at"]),
        "completions": pd.to_datetime(rows["completed_on"]),
        "due": berlin_days(rows["starts_at"]),
    }
    wanted = {
        "requested": rows["requested_at"].notna(),
        "completions": rows["state"] == S.COMPLETED.value,
        "due": rows["state"].isin(DUE_STATES) & ~cancelled,
    }
    events = []
    for kind, day in days.items():
        mask = wanted[kind] & day.notna()
        if first is not None:
            mask &= day >= pd.Timestamp(first)
        if last is not None:
            mask &= day <= pd.Timestamp(last)
        chosen = rows[mask]
        state = chosen["state"]
        events.append(
            pd.DataFrame(
                {
                    "employee_id": chosen["employee_id"],
                    "key": quarter_keys(day[mask]),
                    "kind": kind,
                    "ue": chosen["ue"] if kind == "completions" else 0,
                    "no_show": (state == S.NO_SHOW.value) & (kind == "due"),
                    "completed": (state == S.COMPLETED.value) & (kind == "due"),
                }
            )
        )
    facts = pd.concat(events, ignore_index=True)
    known = sorted(facts["key"].unique())
    lo = first or (quarter_start(known[0]) if known else today)
    hi = last or (quarter_start(known[-1]) if known else today)
    keys = quarters_between(lo, hi)
    counts = pd.crosstab(facts["key"], facts["kind"]).reindex(
        columns=["requested", "completions", "due"], fill_value=0
    )
    sums = facts.groupby("key").agg(
        ue=("ue", "sum"),
        no_shows=("no_show", "sum"),
        completed=("completed", "sum"),
        people=("employee_id", "nunique"),
    )
    table = counts.join(sums).reindex(keys, fill_value=0).infer_objects().fillna(0)
    table = table.astype("int64")
    table.index.name = "key"
    table = table.reset_index()
    table["quarter"] = table["key"].map(quarter_label)
    table["completion_rate"] = ratio(table["completed"], table["due"])
    return table


def trends_report(scope: Scope, filters: Filters, today: date) -> Report:
    """Quarterly figures in time order. One statement (plus one for a department
    filter)."""
    people = scoped_people(scope, filters, active_only=False)
    withheld = 0
    if people.empty:
        frame = empty_frame(TREND_COLUMNS, withheld=True)
    else:
        table = trend_table(_trend_rows(people, filters), filters, today)
        withheld = withhold(table, "people", TREND_FIGURES, scope.min_group)
        frame = ordered(table, TREND_COLUMNS, withheld=True)
    part = Part(
        key="by_quarter",
        title=N_("Trends by quarter"),
        description=N_(
            "Enrolment requests by request date, completions and UE by completion date, "
            "no-shows and the completion rate by session start."
        ),
        columns=list(TREND_COLUMNS),
        frame=frame,
        chart=Chart(
            "line",
            "quarter",
            ("requested", "completions", "no_shows"),
            N_("Enrolments, completions and no-shows per quarter"),
        ),
    )
    add_withheld_note(part, withheld, scope.min_group)
    return new_report("trends", N_("Trends by quarter"), filters, scope, [part])
