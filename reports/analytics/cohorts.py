"""Fast-track cohorts: per running or completed cohort the members in scope and how they
are doing.

Members in scope are cohort members (any state) whose employee record is in the
reader's scope and filters (also people who have left since). With a period, only
cohorts that overlap it (start on or before its end, end on or after its start).

Per cohort: members, active, graduated, dropped out; *mean progress* = mean of
``talent.programmes.progress.member_progress(...).percent`` over the members who did not drop out
(as a fraction 0..1); *behind schedule* = active members with an overdue item. A cohort
with fewer members in scope than the minimum group size is withheld, and so is a cohort
row from which such a group could be worked out with the report of a neighbouring
department filter (``reports.analytics.disclosure``: the department-tree method of
``reports.analytics.suppression``; a cohort row has no total, and it is the same for
every period that overlaps the cohort).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select

from academy.extensions import db
from academy.i18n import N_, translate
from academy.org.models import Employee
from reports.analytics.common import (
    add_withheld_note,
    empty_frame,
    new_report,
    ordered,
    scoped_people,
    withheld_figures,
)
from reports.analytics.disclosure import protect_units
from reports.analytics.report_model import Chart, Column, Filters, Part, Report, ReportScope
from reports.analytics.suppression import Breakdown
from talent.programmes.cohort_models import CohortMember
from talent.programmes.models import (
    COHORT_STATUS_LABELS,
    Cohort,
    CohortStatus,
    MemberState,
    Programme,
)
from talent.programmes.progress import member_progress

COHORT_COLUMNS = [
    Column("cohort", N_("Cohort")),
    Column("programme", N_("Programme")),
    Column("status", N_("Status")),
    Column("starts_on", N_("Start"), "date"),
    Column("ends_on", N_("End"), "date"),
    Column("members", N_("Members"), "int"),
    Column("active", N_("Active"), "int"),
    Column("graduated", N_("Graduated"), "int"),
    Column("dropped_out", N_("Dropped out"), "int"),
    Column("mean_progress", N_("Mean progress"), "percent"),
    Column("behind", N_("Behind schedule"), "int"),
]
COHORT_FIGURES = ["active", "graduated", "dropped_out", "mean_progress", "behind"]
SHOWN_STATUSES = (CohortStatus.RUNNING.value, CohortStatus.COMPLETED.value)


def cohort_table(
    rows: list[tuple[CohortMember, str, str, str, date, date]], today: date
) -> pd.DataFrame:
    """One row per cohort from its members in scope (and their progress)."""
    members = [row[0] for row in rows]
    progress = member_progress(members, today)
    records = []
    for member, name, programme, status, starts_on, ends_on in (row[:6] for row in rows):
        found = progress.get(member.id)
        records.append(
            {
                "cohort_id": member.cohort_id,
                "cohort": name,
                "programme": programme,
                "status": status,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "state": member.state,
                "percent": (found.percent if found is not None else 0) / 100,
                "behind": bool(found is not None and found.behind),
            }
        )
    facts = pd.DataFrame.from_records(records)
    if facts.empty:
        return facts
    active = facts["state"] == MemberState.ACTIVE.value
    facts["active"] = active.astype("int64")
    facts["graduated"] = (facts["state"] == MemberState.GRADUATED.value).astype("int64")
    facts["dropped_out"] = (facts["state"] == MemberState.DROPPED_OUT.value).astype("int64")
    facts["behind"] = (facts["behind"] & active).astype("int64")
    facts["counted"] = facts["percent"].where(facts["dropped_out"] == 0)
    keys = ["cohort_id", "cohort", "programme", "status", "starts_on", "ends_on"]
    table = (
        facts.groupby(keys, dropna=False)
        .agg(
            members=("state", "size"),
            active=("active", "sum"),
            graduated=("graduated", "sum"),
            dropped_out=("dropped_out", "sum"),
            mean_progress=("counted", "mean"),
            behind=("behind", "sum"),
        )
        .reset_index()
    )
    return table.sort_values(["starts_on", "cohort", "cohort_id"]).reset_index(drop=True)


def cohort_pattern(rows: list[tuple], root: int | None, minimum: int) -> set:
    """The withheld cohort rows: sizes per own department and ``("cohort", id)``."""
    sizes: dict[int, dict[object, int]] = {}
    for row in rows:
        key = ("cohort", int(row[0].cohort_id))
        own = sizes.setdefault(int(row[6]), {})
        own[key] = own.get(key, 0) + 1
    keys = tuple(sorted({k for own in sizes.values() for k in own}))
    return protect_units([sizes], [Breakdown(keys, total=False)], root, minimum)


def cohorts_report(scope: ReportScope, filters: Filters, today: date) -> Report:
    """Running and completed cohorts, oldest start first. One statement for the members
    plus at most four for their progress (plus one for a department filter)."""
    people = scoped_people(scope, filters, active_only=False)
    withheld = 0
    frame = empty_frame(COHORT_COLUMNS, withheld=True)
    if not people.empty:
        query = (
            select(
                CohortMember,
                Cohort.name,
                Programme.title,
                Cohort.status,
                Cohort.starts_on,
                Cohort.ends_on,
                Employee.department_id,
            )
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .join(Programme, Programme.id == Cohort.programme_id)
            .join(Employee, Employee.id == CohortMember.employee_id)
            .where(*people.conditions, Cohort.status.in_(SHOWN_STATUSES))
        )
        if filters.period_from is not None:
            query = query.where(Cohort.ends_on >= filters.period_from)
        if filters.period_to is not None:
            query = query.where(Cohort.starts_on <= filters.period_to)
        rows = [tuple(row) for row in db.session.execute(query)]
        table = cohort_table(rows, today) if rows else pd.DataFrame()
        if not table.empty:
            table["status"] = table["status"].map(
                lambda s: translate(COHORT_STATUS_LABELS.get(CohortStatus(s), s))
            )
            hidden = cohort_pattern(rows, filters.department_id, scope.min_group)
            withheld = withheld_figures(
                table, [("cohort", int(c)) in hidden for c in table["cohort_id"]], COHORT_FIGURES
            )
            frame = ordered(table, COHORT_COLUMNS, withheld=True)
    part = Part(
        key="by_cohort",
        title=N_("Fast-track cohorts"),
        description=N_(
            "Members in scope per running or completed cohort; mean progress over the "
            "members who did not drop out (required courses completed and milestones "
            "met); behind schedule: active members with an overdue item."
        ),
        columns=list(COHORT_COLUMNS),
        frame=frame,
        chart=Chart("hbar", "cohort", ("mean_progress",), N_("Mean progress per cohort")),
    )
    add_withheld_note(part, withheld, scope.min_group)
    return new_report("cohorts", N_("Fast-track cohorts"), filters, scope, [part])
