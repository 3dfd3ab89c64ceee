"""The trends report. Every employee in scope counts, also people who have left since
(what happened, happened); dates are Berlin dates, the period is inclusive.

Trends, per quarter: enrolment requests (``requested_at``), completions and UE delivered
(``completed_on``), no-shows and the completion rate (sessions starting in the quarter,
counted as in ``reports.analytics.participation``). A quarter is withheld when fewer
than the minimum group size of distinct people are behind its figures, and so is a
quarter from which such a group could be worked out with the report of a neighbouring
department filter (``reports.analytics.disclosure``). A period filter is widened to whole
calendar quarters, so a quarter row is the same in every report that shows it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, or_, select

from academy.i18n import N_
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment
from courses.sessions.models import CourseSession
from reports.analytics.common import (
    People,
    add_withheld_note,
    berlin_days,
    date_in_period,
    datetime_in_period,
    empty_frame,
    new_report,
    ordered,
    quarter_keys,
    quarter_label,
    quarter_start,
    quarters_between,
    ratio,
    read_frame,
    scoped_people,
    withheld_figures,
)
from reports.analytics.disclosure import PERIOD_NOTE, protect_units, whole_quarters, widened
from reports.analytics.participation import DUE_STATES, S
from reports.analytics.report_model import Chart, Column, Filters, Part, Report, ReportScope
from reports.analytics.suppression import Breakdown

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
            Employee.department_id,
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
        [
            "employee_id",
            "department_id",
            "state",
            "requested_at",
            "completed_on",
            "ue",
            "starts_at",
            "cancelled",
        ],
    )


def trend_facts(rows: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """One row per event in the period: ``employee_id, department_id, key, kind, ue,
    no_show, completed``."""
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
                    "department_id": chosen.get("department_id", 0),
                    "key": quarter_keys(day[mask]),
                    "kind": kind,
                    "ue": chosen["ue"] if kind == "completions" else 0,
                    "no_show": (state == S.NO_SHOW.value) & (kind == "due"),
                    "completed": (state == S.COMPLETED.value) & (kind == "due"),
                }
            )
        )
    return pd.concat(events, ignore_index=True)


def trend_table(
    rows: pd.DataFrame, filters: Filters, today: date, facts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per quarter from the period's first to its last (without a period: from
    the data's first to its last quarter): ``key, quarter, requested, completions, ue,
    no_shows, due, completed, people``."""
    first, last = filters.period_from, filters.period_to
    facts = trend_facts(rows, filters) if facts is None else facts
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


def trend_pattern(facts: pd.DataFrame, root: int | None, minimum: int) -> set[str]:
    """The withheld quarters: per quarter (one unit each) the distinct people per own
    department, judged on the department tree (no total row: quarters are disjoint)."""
    if facts.empty:
        return set()
    people = facts.groupby(["key", "department_id"])["employee_id"].nunique()
    units: dict[str, dict[int, dict[object, int]]] = {}
    for (key, dept), n in people.items():
        units.setdefault(str(key), {})[int(dept)] = {str(key): int(n)}
    return protect_units(
        units.values(), [Breakdown(tuple(sorted(units)), total=False)], root, minimum
    )


def trends_report(scope: ReportScope, filters: Filters, today: date) -> Report:
    """Quarterly figures in time order. One statement (plus one for a department
    filter)."""
    asked, filters = filters, whole_quarters(filters)
    people = scoped_people(scope, filters, active_only=False)
    withheld = 0
    if people.empty:
        frame = empty_frame(TREND_COLUMNS, withheld=True)
    else:
        rows = _trend_rows(people, filters)
        facts = trend_facts(rows, filters)
        table = trend_table(rows, filters, today, facts)
        hidden = trend_pattern(facts, filters.department_id, scope.min_group)
        withheld = withheld_figures(table, [k in hidden for k in table["key"]], TREND_FIGURES)
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
    if widened(asked, filters):
        part.notes.append(PERIOD_NOTE)
    return new_report("trends", N_("Trends by quarter"), filters, scope, [part])
