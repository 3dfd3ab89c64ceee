"""The participation report (per department) and the individual UE per person and year.

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
- A department row is withheld when it has fewer people than the minimum group size;
  the total row when a withheld department row could be worked out from it, with the
  report of a neighbouring department filter or of a neighbouring period
  (``reports.analytics.disclosure``: the period is widened to whole calendar quarters and
  the pattern is decided per quarter on the department tree, with the people of each
  quarter — active people plus those who left but took part in that quarter).
The individual part (UE per person and year) lists completions by ``completed_on`` year.

Unmet demand: ``reports.analytics.demand``; trends by quarter: ``reports.analytics.trends``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, or_, select

from academy.i18n import N_, translate
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from reports.analytics.common import (
    TOTAL_LABEL,
    People,
    add_withheld_note,
    berlin_days,
    date_in_period,
    datetime_in_period,
    department_label,
    empty_frame,
    name_order,
    new_report,
    ordered,
    path_order,
    quarter_keys,
    ratio,
    read_frame,
    scoped_people,
    withheld_figures,
)
from reports.analytics.disclosure import (
    PERIOD_NOTE,
    period_quarters,
    protect_units,
    whole_quarters,
    widened,
)
from reports.analytics.report_model import Chart, Column, Filters, Part, Report, ReportScope
from reports.analytics.suppression import TOTAL, Breakdown

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


def _former_quarters(people: People, filters: Filters) -> pd.DataFrame:
    """People who left and took part in the period: ``employee_id, department_id, key``
    per quarter they took part in (a place booked in a session starting in it, or a
    completion in it) — one statement."""
    in_sessions, completed = _period_conditions(filters)
    booked = and_(
        in_sessions,
        or_(
            Enrolment.state.in_(SEATED_STATES),
            and_(Enrolment.state == S.CANCELLED.value, Enrolment.confirmed_at.is_not(None)),
        ),
    )
    rows = read_frame(
        select(
            Employee.id,
            Employee.department_id,
            case((completed, Enrolment.completed_on), else_=None),
            case((booked, CourseSession.starts_at), else_=None),
        )
        .join(Enrolment, Enrolment.employee_id == Employee.id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(*people.conditions, Employee.active.is_(False), or_(booked, completed)),
        ["employee_id", "department_id", "completed_on", "starts_at"],
    )
    done = rows[rows["completed_on"].notna()]
    seated = rows[rows["starts_at"].notna()]
    frame = pd.concat(
        [
            done.assign(key=quarter_keys(pd.to_datetime(done["completed_on"]))),
            seated.assign(key=quarter_keys(berlin_days(seated["starts_at"]))),
        ],
        ignore_index=True,
    )
    return frame[["employee_id", "department_id", "key"]].drop_duplicates()


def participation_pattern(
    headcount: pd.DataFrame, former: pd.DataFrame, filters: Filters, today: date, minimum: int
) -> set:
    """The withheld rows (``("department", id)``, ``TOTAL``): per quarter of the period
    the people of each own department (active ones plus those who left but took part in
    that quarter), judged on the department tree; a row is withheld for the period when
    it is withheld in any of its quarters (an open period always holds quarters with
    active people only)."""
    active = {int(d): int(n) for d, n in headcount.itertuples(index=False)}
    per_quarter = former.groupby(["key", "department_id"])["employee_id"].nunique()
    extra: dict[str, dict[int, int]] = {}
    for (key, dept), n in per_quarter.items():
        extra.setdefault(str(key), {})[int(dept)] = int(n)
    units = []
    for key in period_quarters(filters, extra, today):
        counts = dict(active)
        for dept, n in extra.get(key, {}).items():
            counts[dept] = counts.get(dept, 0) + n
        units.append({d: {("department", d): n, TOTAL: n} for d, n in counts.items() if n})
    if filters.period_from is None or filters.period_to is None:
        units.append({d: {("department", d): n, TOTAL: n} for d, n in active.items() if n})
    keys = tuple(sorted({("department", d) for unit in units for d in unit}))
    return protect_units(units, [Breakdown(keys, own=True)], filters.department_id, minimum)


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


def participation_report(scope: ReportScope, filters: Filters, today: date) -> Report:
    """UE per person and year (individual; not for the staff council) and participation
    by department. Six statements (five for the council; plus one for a department
    filter)."""
    asked, filters = filters, whole_quarters(filters)
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
        hidden = participation_pattern(
            headcount, _former_quarters(people, filters), filters, today, scope.min_group
        )
        keys = [TOTAL if d == -1 else ("department", int(d)) for d in table["department_id"]]
        withheld = withheld_figures(table, [k in hidden for k in keys], PARTICIPATION_FIGURES)
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
    if widened(asked, filters):
        part.notes.append(PERIOD_NOTE)
    parts.append(part)
    return new_report("participation", N_("Participation"), filters, scope, parts)


# ---------------------------------------------------------------------------
# Unmet demand
# ---------------------------------------------------------------------------
