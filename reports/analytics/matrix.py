"""The competency matrix: people × competences, each cell the person's current level
(``reports.analytics.levels``) beside the target of their job role. Individual: never
for the staff council."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from academy.extensions import db
from academy.i18n import N_, translate
from academy.org.models import Employee, JobRole
from reports.analytics.common import (
    People,
    empty_frame,
    name_order,
    new_report,
    ordered,
    read_frame,
    scoped_people,
)
from reports.analytics.levels import (
    competences_frame,
    current_levels,
    department_frame,
    role_targets,
)
from reports.analytics.report_model import Column, Filters, Part, Report, ReportScope

# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------

_MATRIX_BASE = [
    Column("name", N_("Name")),
    Column("personnel_no", N_("Personnel number")),
    Column("department", N_("Department")),
    Column("job_role", N_("Job role")),
]


def _people_frame(people: People) -> pd.DataFrame:
    """The people in scope, department and job role labels attached (three statements:
    the people, then the labels of the few departments and roles among them)."""
    base = read_frame(
        select(
            Employee.id,
            Employee.personnel_no,
            Employee.first_name,
            Employee.last_name,
            Employee.department_id,
            Employee.job_role_id,
        ).where(*people.conditions),
        ["employee_id", "personnel_no", "first_name", "last_name", "department_id", "job_role_id"],
    )
    if base.empty:
        return base
    departments = department_frame([int(d) for d in base["department_id"].unique()])
    base["department"] = base["department_id"].map(
        dict(zip(departments["department_id"], departments["label"], strict=True))
    )
    role_ids = [int(r) for r in base["job_role_id"].dropna().unique()]
    titles = (
        dict(
            db.session.connection()
            .execute(select(JobRole.id, JobRole.title).where(JobRole.id.in_(role_ids)))
            .all()
        )
        if role_ids
        else {}
    )
    base["job_role"] = base["job_role_id"].map(titles)
    return base


def _levels_array(frame: pd.DataFrame, position: int) -> Any:
    """One column of a float pivot as nullable integers (NaN → NA)."""
    values = frame.iloc[:, position].to_numpy(dtype="float64")
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing)


def matrix_report(scope: ReportScope, filters: Filters, today: date) -> Report:
    """People × competences: per competence with a target for anyone in scope (of the
    area filter) the current level, the target and the gap. Individual rows (never for
    the staff council). Six statements (plus one for a department filter)."""
    people = scoped_people(scope, filters, active_only=True)
    base = _people_frame(people) if not people.empty else None
    if base is None or base.empty:
        part = Part(
            key="matrix",
            title=N_("Competency matrix"),
            columns=list(_MATRIX_BASE),
            frame=empty_frame(_MATRIX_BASE, withheld=False),
            individual=True,
        )
        return new_report("matrix", N_("Competency matrix"), filters, scope, [part])

    targets = role_targets(filters.area_id)
    targets = targets[targets["job_role_id"].isin(base["job_role_id"].dropna())]
    competence_ids = sorted(int(c) for c in targets["competence_id"].unique())
    comps = competences_frame(competence_ids) if competence_ids else None
    levels = current_levels(people, competence_ids, today)

    base = base.iloc[name_order(base["last_name"], base["first_name"], base["employee_id"])]
    base = base.reset_index(drop=True)
    employee_ids = base["employee_id"]
    data: dict[str, Any] = {
        "name": (base["last_name"] + ", " + base["first_name"]).to_numpy(),
        "personnel_no": base["personnel_no"].to_numpy(),
        "department": base["department"].to_numpy(),
        "job_role": base["job_role"].to_numpy(),
    }
    columns = list(_MATRIX_BASE)
    if comps is not None and not comps.empty:
        order = [int(c) for c in comps["competence_id"]]
        current = levels.pivot_table(
            index="employee_id", columns="competence_id", values="current", aggfunc="max"
        ).reindex(index=employee_ids, columns=order)
        wanted = targets.pivot_table(
            index="job_role_id", columns="competence_id", values="target", aggfunc="max"
        ).reindex(index=base["job_role_id"], columns=order)
        current.index = wanted.index = range(len(base))
        gaps = (wanted - current.fillna(0)).clip(lower=0)  # NaN where no target
        current_suffix = translate(N_("current level"))
        target_suffix = translate(N_("target"))
        gap_suffix = translate(N_("gap"))
        for position, (competence_id, label) in enumerate(zip(order, comps["label"], strict=True)):
            data[f"c{competence_id}_current"] = _levels_array(current, position)
            data[f"c{competence_id}_target"] = _levels_array(wanted, position)
            data[f"c{competence_id}_gap"] = _levels_array(gaps, position)
            columns += [
                Column(f"c{competence_id}_current", f"{label}: {current_suffix}", "int"),
                Column(f"c{competence_id}_target", f"{label}: {target_suffix}", "int"),
                Column(f"c{competence_id}_gap", f"{label}: {gap_suffix}", "int"),
            ]
    frame = pd.DataFrame(data)
    part = Part(
        key="matrix",
        title=N_("Competency matrix"),
        description=N_(
            "Active employees × the competences their job roles set a target for: "
            "current level (best of the latest head rating and valid course or external "
            "evidence), target and gap."
        ),
        columns=columns,
        frame=ordered(frame, columns, withheld=False),
        individual=True,
        people_shown=[int(i) for i in employee_ids],
    )
    return new_report("matrix", N_("Competency matrix"), filters, scope, [part])
