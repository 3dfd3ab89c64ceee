"""Competency reports: the matrix (people × competences) and the gaps by department,
job role and competence.

The current level is the rule of ``talent.levels`` (docs/talent-contract.md), applied
set-based to everyone in scope at once instead of per person: one SQL statement finds,
per person × competence, the best of

- the latest department-head rating,
- still-valid course evidence (completed enrolments × ``CourseOutcome``, valid while
  ``completed_on + Course.validity_months`` has not passed — ``course_valid_clause``),
- the best still-valid external certificate (``valid_until`` today or later, or none),

each also counting one step through an ``equivalent`` ``CompetenceMapping`` (source →
target). Self-assessments never count. ``tests/reports/test_analytics_levels.py``
compares the result with ``talent.levels.levels_for`` on random data so the two cannot
drift apart.

Gap = max(target − current, 0) against the current target (``RoleTarget.ended_at IS
NULL``) of the person's job role. Only active employees count.

The gaps report never builds the people × targets frame: the target side comes from
head counts per (department, job role) × the role profiles, and only pairs with
evidence are read, so

- people with a target = head count of roles with a target,
- total gap = Σ targets − Σ min(current, target) over pairs with evidence,
- people below target = people with a target − people meeting every target.

Mean gap = total gap / people with a target; share below target = people below
target / people with a target. A group (row) is withheld below the minimum group size
of people with a target.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, and_, func, or_, select, union_all

from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Competence, CompetenceArea, Department, Employee, JobRole
from courses.models import Course, CourseOutcome, Enrolment, EnrolmentState
from reports.analytics_common import (
    TOTAL_LABEL,
    People,
    add_withheld_note,
    department_label,
    empty_frame,
    language,
    name_order,
    new_report,
    ordered,
    path_order,
    ratio,
    read_frame,
    scoped_people,
    withhold,
)
from reports.report_model import Chart, Column, Filters, Part, Report, Scope
from talent.levels import EQUIVALENT, course_valid_clause
from talent.models import CompetenceMapping, Rating, RatingSource, RoleTarget

# ---------------------------------------------------------------------------
# The current-level rule, set-based
# ---------------------------------------------------------------------------


def evidence_competences(competence_ids: list[int]) -> Any:
    """Competences whose evidence can count for ``competence_ids``: themselves and the
    sources of equivalent mappings onto them (a subquery, no extra statement)."""
    sources = select(CompetenceMapping.source_id).where(
        CompetenceMapping.relation == EQUIVALENT,
        CompetenceMapping.target_id.in_(competence_ids),
    )
    return lambda column: or_(column.in_(competence_ids), column.in_(sources))


def best_levels(people: Select[Any] | None, competence_ids: list[int], today: date) -> Select[Any]:
    """``(employee_id, competence_id, current)``: the current level of each person in
    ``people`` (a subquery of employee ids; ``None``: everyone — the caller filters) in
    each of ``competence_ids`` where they have any evidence — one statement."""
    counts_for = evidence_competences(competence_ids)

    def person(column: Any) -> list[Any]:
        return [] if people is None else [column.in_(people)]

    position = (
        func.row_number()
        .over(
            partition_by=(Rating.employee_id, Rating.competence_id),
            order_by=(Rating.rated_at.desc(), Rating.id.desc()),
        )
        .label("position")
    )
    heads = (
        select(
            Rating.employee_id.label("employee_id"),
            Rating.competence_id.label("competence_id"),
            Rating.level.label("level"),
            position,
        )
        .where(
            Rating.source == RatingSource.HEAD.value,
            *person(Rating.employee_id),
            counts_for(Rating.competence_id),
        )
        .subquery("heads")
    )
    latest_head = select(heads.c.employee_id, heads.c.competence_id, heads.c.level).where(
        heads.c.position == 1
    )
    courses = (
        select(
            Enrolment.employee_id.label("employee_id"),
            CourseOutcome.competence_id.label("competence_id"),
            CourseOutcome.level.label("level"),
        )
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseOutcome, CourseOutcome.course_id == Enrolment.course_id)
        .where(
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Enrolment.completed_on.is_not(None),
            *person(Enrolment.employee_id),
            course_valid_clause(today),
            counts_for(CourseOutcome.competence_id),
        )
    )
    external = select(
        Rating.employee_id.label("employee_id"),
        Rating.competence_id.label("competence_id"),
        Rating.level.label("level"),
    ).where(
        Rating.source == RatingSource.EXTERNAL.value,
        or_(Rating.valid_until.is_(None), Rating.valid_until >= today),
        *person(Rating.employee_id),
        counts_for(Rating.competence_id),
    )
    own = union_all(latest_head, courses, external).cte("own_evidence")
    mapped = select(
        own.c.employee_id,
        CompetenceMapping.target_id.label("competence_id"),
        own.c.level,
    ).join(
        CompetenceMapping,
        and_(
            CompetenceMapping.source_id == own.c.competence_id,
            CompetenceMapping.relation == EQUIVALENT,
            CompetenceMapping.source_id != CompetenceMapping.target_id,
            CompetenceMapping.target_id.in_(competence_ids),
        ),
    )
    direct = select(own.c.employee_id, own.c.competence_id, own.c.level).where(
        own.c.competence_id.in_(competence_ids)
    )
    evidence = union_all(direct, mapped).subquery("evidence")
    return select(
        evidence.c.employee_id,
        evidence.c.competence_id,
        func.max(evidence.c.level).label("current"),
    ).group_by(evidence.c.employee_id, evidence.c.competence_id)


def current_levels(people: People, competence_ids: list[int], today: date) -> pd.DataFrame:
    """Frame ``employee_id, competence_id, current`` of the people in ``people`` (pairs
    with evidence only; one statement)."""
    if people.empty or not competence_ids:
        return pd.DataFrame({"employee_id": [], "competence_id": [], "current": []})
    statement = best_levels(
        None if people.broad else people.ids(), sorted(set(competence_ids)), today
    )
    if people.broad:
        best = statement.subquery("best")
        statement = select(best.c.employee_id, best.c.competence_id, best.c.current).where(
            best.c.employee_id.in_(people.ids())
        )
    return read_frame(statement, ["employee_id", "competence_id", "current"])


def role_targets(area_id: int | None) -> pd.DataFrame:
    """Current role profiles: ``job_role_id, competence_id, target`` (one statement)."""
    query = select(RoleTarget.job_role_id, RoleTarget.competence_id, RoleTarget.level).where(
        RoleTarget.ended_at.is_(None)
    )
    if area_id is not None:
        query = query.join(Competence, Competence.id == RoleTarget.competence_id).where(
            Competence.area_id == area_id
        )
    return read_frame(query, ["job_role_id", "competence_id", "target"])


def competences_frame(competence_ids: list[int]) -> pd.DataFrame:
    """``competence_id, label`` in framework, area and position order (one statement)."""
    rows = read_frame(
        select(Competence.id, Competence.code, Competence.name_de, Competence.name_en)
        .join(CompetenceArea, CompetenceArea.id == Competence.area_id)
        .where(Competence.id.in_(sorted(set(competence_ids))))
        .order_by(
            Competence.framework_id, CompetenceArea.position, Competence.position, Competence.code
        ),
        ["competence_id", "code", "name_de", "name_en"],
    )
    names = rows["name_en"] if language() == "en" else rows["name_de"]
    names = names.where(names.notna() & (names != ""), rows["name_de"])
    rows["label"] = rows["code"] + " " + names
    return rows[["competence_id", "label"]]


def _departments(department_ids: list[int]) -> pd.DataFrame:
    """``department_id, label, order`` in tree order."""
    rows = read_frame(
        select(Department.id, Department.code, Department.name, Department.path).where(
            Department.id.in_(sorted(set(department_ids)))
        ),
        ["department_id", "code", "name", "path"],
    )
    rows["label"] = [
        department_label(c, n) for c, n in zip(rows["code"], rows["name"], strict=True)
    ]
    rows["order"] = rows["path"].map(path_order)
    return rows.sort_values("order")[["department_id", "label"]]


# ---------------------------------------------------------------------------
# The gaps report
# ---------------------------------------------------------------------------

GAP_FIGURES = ["with_target", "below_target", "below_share", "total_gap", "mean_gap"]


def _gap_columns(key: str, label: str) -> list[Column]:
    return [
        Column(key, label),
        Column("with_target", N_("People with a target"), "int"),
        Column("below_target", N_("People below target"), "int"),
        Column("below_share", N_("Share below target"), "percent"),
        Column("total_gap", N_("Total gap (levels)"), "int"),
        Column("mean_gap", N_("Mean gap per person"), "decimal"),
    ]


def _headcounts(people: People) -> pd.DataFrame:
    """Active people per (department, job role): ``department_id, job_role_id, people``."""
    return read_frame(
        select(Employee.department_id, Employee.job_role_id, func.count(Employee.id))
        .where(*people.conditions, Employee.job_role_id.is_not(None))
        .group_by(Employee.department_id, Employee.job_role_id),
        ["department_id", "job_role_id", "people"],
    )


def _evidence_pairs(people: People, competence_ids: list[int], today: date) -> pd.DataFrame:
    """Person × target competence pairs that have evidence: ``employee_id,
    department_id, job_role_id, competence_id, target, current`` (one statement)."""
    columns = ["employee_id", "department_id", "job_role_id", "competence_id", "target", "current"]
    if not competence_ids:
        return pd.DataFrame({c: [] for c in columns})
    best = best_levels(
        None if people.broad else people.ids(), sorted(set(competence_ids)), today
    ).subquery("best")
    query = (
        select(
            Employee.id,
            Employee.department_id,
            Employee.job_role_id,
            RoleTarget.competence_id,
            RoleTarget.level,
            best.c.current,
        )
        .join(best, best.c.employee_id == Employee.id)
        .join(
            RoleTarget,
            and_(
                RoleTarget.job_role_id == Employee.job_role_id,
                RoleTarget.competence_id == best.c.competence_id,
                RoleTarget.ended_at.is_(None),
            ),
        )
        .where(*people.conditions)
    )
    return read_frame(query, columns)


def _gap_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """From ``with_target, target_sum, covered, meeting``: the gap figures."""
    frame["with_target"] = frame["with_target"].astype("int64")
    frame["below_target"] = frame["with_target"] - frame["meeting"]
    frame["total_gap"] = frame["target_sum"] - frame["covered"]
    frame["below_share"] = ratio(frame["below_target"], frame["with_target"])
    frame["mean_gap"] = ratio(frame["total_gap"], frame["with_target"])
    return frame


def gap_tables(
    headcounts: pd.DataFrame, targets: pd.DataFrame, pairs: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The figures per department, job role and competence and in total, from the head
    counts, the role profiles and the pairs with evidence (see the module docstring)."""
    headcounts = headcounts.astype("int64")
    targets = targets.astype("int64")
    pairs = pairs.astype("int64")
    per_role = (
        targets.groupby("job_role_id")
        .agg(n_targets=("competence_id", "size"), sum_target=("target", "sum"))
        .reset_index()
    )
    groups = headcounts.merge(per_role, on="job_role_id")
    groups["target_sum"] = groups["people"] * groups["sum_target"]

    pairs["covered"] = pairs[["current", "target"]].min(axis=1)
    pairs["met"] = (pairs["current"] >= pairs["target"]).astype("int64")
    person = (
        pairs.groupby(["employee_id", "department_id", "job_role_id"], as_index=False)
        .agg(met=("met", "sum"), covered=("covered", "sum"))
        .merge(per_role[["job_role_id", "n_targets"]], on="job_role_id")
    )
    person["meeting"] = (person["met"] >= person["n_targets"]).astype("int64")

    tables: dict[str, pd.DataFrame] = {}
    for key in ("department_id", "job_role_id"):
        sizes = groups.groupby(key).agg(
            with_target=("people", "sum"), target_sum=("target_sum", "sum")
        )
        found = person.groupby(key).agg(covered=("covered", "sum"), meeting=("meeting", "sum"))
        table = sizes.join(found).fillna({"covered": 0, "meeting": 0}).reset_index()
        tables[key] = _gap_figures(table)

    role_people = groups.groupby("job_role_id", as_index=False).agg(with_target=("people", "sum"))
    per_competence = targets.merge(role_people, on="job_role_id")
    per_competence["target_sum"] = per_competence["with_target"] * per_competence["target"]
    sizes = per_competence.groupby("competence_id").agg(
        with_target=("with_target", "sum"), target_sum=("target_sum", "sum")
    )
    found = pairs.groupby("competence_id").agg(covered=("covered", "sum"), meeting=("met", "sum"))
    table = sizes.join(found).fillna({"covered": 0, "meeting": 0}).reset_index()
    tables["competence_id"] = _gap_figures(table)

    total = pd.DataFrame(
        {
            "with_target": [int(groups["people"].sum())],
            "target_sum": [int(groups["target_sum"].sum())],
            "covered": [int(person["covered"].sum())],
            "meeting": [int(person["meeting"].sum())],
        }
    )
    tables["total"] = _gap_figures(total)
    return tables


def _gap_part(
    key: str,
    title: str,
    label_title: str,
    table: pd.DataFrame,
    labels: pd.DataFrame,
    id_column: str,
    total: pd.DataFrame,
    minimum: int,
    chart_title: str,
) -> Part:
    columns = _gap_columns("group", label_title)
    frame = labels.merge(table, on=id_column, how="inner") if not table.empty else table
    if frame.empty:
        body = pd.DataFrame(columns=["group", *GAP_FIGURES])
    else:
        body = frame.rename(columns={"label": "group"})[["group", *GAP_FIGURES]]
    totals = total.assign(group=translate(TOTAL_LABEL))[["group", *GAP_FIGURES]]
    out = pd.concat([body, totals], ignore_index=True) if not body.empty else totals
    withheld = withhold(out, "with_target", GAP_FIGURES[1:], minimum)
    part = Part(
        key=key,
        title=title,
        columns=columns,
        frame=ordered(out, columns, withheld=True),
        chart=Chart("hbar", "group", ("below_share",), chart_title),
    )
    add_withheld_note(part, withheld, minimum)
    return part


def gaps_report(scope: Scope, filters: Filters, today: date) -> Report:
    """Gaps by department, by job role and by competence (3 parts), each with a total
    row. Six statements (plus one for a department filter)."""
    people = scoped_people(scope, filters, active_only=True)
    minimum = scope.min_group
    if people.empty:
        headcounts = pd.DataFrame({"department_id": [], "job_role_id": [], "people": []})
        targets = pd.DataFrame({"job_role_id": [], "competence_id": [], "target": []})
    else:
        headcounts = _headcounts(people)
        targets = role_targets(filters.area_id)
    targets = targets[targets["job_role_id"].isin(headcounts["job_role_id"])]
    competence_ids = sorted(int(c) for c in targets["competence_id"].unique())
    if people.empty or not competence_ids:
        headcounts = headcounts.iloc[0:0]
        pairs = _evidence_pairs(people, [], today)
        dept_labels = pd.DataFrame({"department_id": [], "label": []})
        role_labels = pd.DataFrame({"job_role_id": [], "label": []})
        comp_labels = pd.DataFrame({"competence_id": [], "label": []})
    else:
        pairs = _evidence_pairs(people, competence_ids, today)
        with_targets = headcounts[headcounts["job_role_id"].isin(targets["job_role_id"])]
        dept_labels = _departments([int(d) for d in with_targets["department_id"].unique()])
        role_labels = read_frame(
            select(JobRole.id, JobRole.title)
            .where(JobRole.id.in_([int(r) for r in with_targets["job_role_id"].unique()]))
            .order_by(JobRole.title, JobRole.id),
            ["job_role_id", "label"],
        )
        comp_labels = competences_frame(competence_ids)
    tables = gap_tables(headcounts, targets, pairs)
    chart_title = N_("Share of people below target")
    parts = [
        _gap_part(
            "by_department",
            N_("Gaps by department"),
            N_("Department"),
            tables["department_id"],
            dept_labels,
            "department_id",
            tables["total"],
            minimum,
            chart_title,
        ),
        _gap_part(
            "by_job_role",
            N_("Gaps by job role"),
            N_("Job role"),
            tables["job_role_id"],
            role_labels,
            "job_role_id",
            tables["total"],
            minimum,
            chart_title,
        ),
        _gap_part(
            "by_competence",
            N_("Gaps by competence"),
            N_("Competence"),
            tables["competence_id"],
            comp_labels,
            "competence_id",
            tables["total"],
            minimum,
            chart_title,
        ),
    ]
    parts[0].description = N_(
        "Active employees whose job role has a target profile. A person is below target "
        "when their current level is below the target in at least one competence; the "
        "gap is target minus current level, never below zero."
    )
    parts[2].description = N_(
        "Per competence: people whose job role sets a target for it, how many are below "
        "it and by how many levels in total."
    )
    return new_report("gaps", N_("Competency gaps"), filters, scope, parts)


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
    departments = _departments([int(d) for d in base["department_id"].unique()])
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


def matrix_report(scope: Scope, filters: Filters, today: date) -> Report:
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
