"""The gaps report: competency gaps by department, job role and competence.

Gap = max(target − current, 0) against the current target (``RoleTarget.ended_at IS
NULL``) of the person's job role; the current level is the rule of
``reports.analytics.levels``. Only active employees count.

The report never builds the people × targets frame: the target side comes from
head counts per (department, job role) × the role profiles, and only pairs with
evidence are read, so

- people with a target = head count of roles with a target,
- total gap = Σ targets − Σ min(current, target) over pairs with evidence,
- people below target = people with a target − people meeting every target.

Mean gap = total gap / people with a target; share below target = people below
target / people with a target. A group (row) is withheld below the minimum group size
of people with a target, and so is every row from which such a group could be worked
out — with the total, the other breakdowns or the report of a neighbouring department
filter (``reports.analytics.suppression.protect`` with the cells of ``gap_cells``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, func, select

from academy.i18n import N_, translate
from academy.org.models import Employee, JobRole
from reports.analytics.common import (
    TOTAL_LABEL,
    People,
    add_withheld_note,
    new_report,
    ordered,
    ratio,
    read_frame,
    scoped_people,
    withheld_figures,
)
from reports.analytics.levels import best_levels, competences_frame, department_frame, role_targets
from reports.analytics.report_model import Chart, Column, Filters, Part, Report, ReportScope
from reports.analytics.suppression import TOTAL, Breakdown, Tree, protect
from talent.competencies.models import RoleTarget

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
    hidden: set[object],
) -> Part:
    columns = _gap_columns("group", label_title)
    frame = labels.merge(table, on=id_column, how="inner") if not table.empty else table
    kind = id_column.removesuffix("_id")
    if frame.empty:
        body = pd.DataFrame(columns=["group", "key", *GAP_FIGURES])
    else:
        body = frame.rename(columns={"label": "group"})
        body["key"] = [(kind, int(i)) for i in body[id_column]]
        body = body[["group", "key", *GAP_FIGURES]]
    totals = total.assign(group=translate(TOTAL_LABEL), key=[TOTAL])[["group", "key", *GAP_FIGURES]]
    out = pd.concat([body, totals], ignore_index=True) if not body.empty else totals
    withheld = withheld_figures(out, [k in hidden for k in out["key"]], GAP_FIGURES[1:])
    part = Part(
        key=key,
        title=title,
        columns=columns,
        frame=ordered(out, columns, withheld=True),
        chart=Chart("hbar", "group", ("below_share",), chart_title),
        row_keys=list(out["key"]),
    )
    add_withheld_note(part, withheld, minimum)
    return part


def gap_sizes(headcounts: pd.DataFrame, targets: pd.DataFrame) -> dict[int, dict[object, int]]:
    """People with a target per own department and row key (``("department", d)``,
    ``("job_role", r)``, ``("competence", c)``, ``TOTAL``) — for ``protect``."""
    sizes: dict[int, dict[object, int]] = {}
    roles = targets.groupby("job_role_id")["competence_id"].apply(list).to_dict()
    for dept, role, people in headcounts[["department_id", "job_role_id", "people"]].itertuples(
        index=False
    ):
        if int(role) not in roles or not people:
            continue
        row = sizes.setdefault(int(dept), {})
        for key in (("department", int(dept)), ("job_role", int(role)), TOTAL):
            row[key] = row.get(key, 0) + int(people)
        for competence in roles[int(role)]:
            key = ("competence", int(competence))
            row[key] = row.get(key, 0) + int(people)
    return sizes


def gap_cells(headcounts: pd.DataFrame, targets: pd.DataFrame) -> dict[int, dict[object, list]]:
    """The report's finest cells per own department and row key, for the exact audit of
    ``protect``: a cell is (department, job role, competence) — the people of one job
    role in one department and one competence of its target profile. Every figure of a
    row is a sum over its cells: the total gap of a department, job-role or total row over
    all its cells, of a competence row over the cells of that competence (people below
    target add up over (department, job role), which the cells refine)."""
    cells: dict[int, dict[object, list]] = {}
    roles = targets.groupby("job_role_id")["competence_id"].apply(list).to_dict()
    for dept, role, people in headcounts[["department_id", "job_role_id", "people"]].itertuples(
        index=False
    ):
        if int(role) not in roles or not people:
            continue
        row = cells.setdefault(int(dept), {})
        atoms = [(int(dept), int(role), int(c)) for c in roles[int(role)]]
        for key in (("department", int(dept)), ("job_role", int(role)), TOTAL):
            row.setdefault(key, []).extend(atoms)
        for atom in atoms:
            row.setdefault(("competence", atom[2]), []).append(atom)
    return cells


def gap_breakdowns(tables: dict[str, pd.DataFrame], targets: pd.DataFrame) -> list[Breakdown]:
    """The three breakdowns of the total; a competence row is linked to the job roles
    with a target for it (their people overlap without one being the sum of the other)."""
    links: dict[object, set[object]] = {}
    for role, competence in targets[["job_role_id", "competence_id"]].itertuples(index=False):
        links.setdefault(("competence", int(competence)), set()).add(("job_role", int(role)))
    return [
        Breakdown(
            tuple((kind.removesuffix("_id"), int(i)) for i in tables[kind][kind]),
            own=kind == "department_id",
            links={k: frozenset(v) for k, v in links.items()} if kind == "competence_id" else {},
        )
        for kind in ("department_id", "job_role_id", "competence_id")
    ]


def gaps_report(scope: ReportScope, filters: Filters, today: date) -> Report:
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
        dept_labels = department_frame([int(d) for d in with_targets["department_id"].unique()])
        role_labels = read_frame(
            select(JobRole.id, JobRole.title)
            .where(JobRole.id.in_([int(r) for r in with_targets["job_role_id"].unique()]))
            .order_by(JobRole.title, JobRole.id),
            ["job_role_id", "label"],
        )
        comp_labels = competences_frame(competence_ids)
    tables = gap_tables(headcounts, targets, pairs)
    hidden = protect(
        gap_sizes(headcounts, targets),
        gap_breakdowns(tables, targets),
        Tree.load(),
        filters.department_id,
        minimum,
        gap_cells(headcounts, targets),
    )
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
            hidden,
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
            hidden,
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
            hidden,
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
