"""The mandatory training report: who has done their mandatory training, by department
and by training — figures only, so the staff council sees it too.

Counted are active employees with at least one current mandatory training
(``courses.mandatory``, status as of the report's day). By department (the person's
own department): people with mandatory training, people who have done all of theirs,
people with at least one overdue, and the share done. By training: the people it
applies to, done, overdue and the share done.

Data protection: a row is withheld below the minimum group size, and so is every row
from which such a group could be worked out — from the total, from the other rows or
from the report of a neighbouring department filter
(``reports.analytics.suppression.protect``: primary, differencing and complementary
suppression; the training rows overlap — one person has several trainings — so they
form no sum with the total and are judged on their own and across department filters).
For a person with exactly one training the department rows and that training's row
count the same figure, so a department row minus the shown rows of other trainings
could still give a withheld one away: the exact audit of ``protect`` (step 4) checks
every department filter over the report's finest cells (``_cells``: the people of one
department with the same set of trainings). The property test
``tests/reports/analytics/test_compliance_disclosure.py`` proves it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import case, select

from academy.i18n import N_, translate
from courses.mandatory.models import Status
from courses.mandatory.status import Who, active_assignments, pairs
from reports.analytics.common import (
    TOTAL_LABEL,
    add_withheld_note,
    new_report,
    ordered,
    ratio,
    read_frame,
    scoped_people,
    withheld_figures,
)
from reports.analytics.levels import department_frame
from reports.analytics.report_model import Chart, Column, Filters, Part, Report, ReportScope
from reports.analytics.suppression import TOTAL, Breakdown, Tree, protect

FIGURES = ["people", "done", "overdue", "done_share"]


def _columns(label: str) -> list[Column]:
    return [
        Column("group", label),
        Column("people", N_("People"), "int"),
        Column("done", N_("Done"), "int"),
        Column("overdue", N_("Overdue"), "int"),
        Column("done_share", N_("Share done"), "percent"),
    ]


def _per_pair(scope: ReportScope, filters: Filters, today: date) -> pd.DataFrame | None:
    """One row per (training, person): department and whether done / overdue; None when
    the filter reaches nobody the reader may see."""
    columns = ["assignment_id", "employee_id", "department_id", "done", "overdue"]
    people = scoped_people(scope, filters, active_only=True)
    if people.empty:
        return None
    subquery = pairs(active_assignments(), Who(people.conditions), today)
    if subquery is None:
        return pd.DataFrame({c: [] for c in columns})
    status = subquery.c.status
    return read_frame(
        select(
            subquery.c.assignment_id,
            subquery.c.employee_id,
            subquery.c.department_id,
            case((status == Status.DONE.value, 1), else_=0),
            case((status == Status.OVERDUE.value, 1), else_=0),
        ),
        columns,
    )


def _figures(frame: pd.DataFrame) -> pd.DataFrame:
    frame["done_share"] = ratio(frame["done"], frame["people"])
    return frame


def _tables(per_pair: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    per_pair = per_pair.astype("int64")
    person = per_pair.groupby(["employee_id", "department_id"], as_index=False).agg(
        trainings=("assignment_id", "size"), done=("done", "sum"), overdue=("overdue", "max")
    )
    person["done"] = (person["done"] == person["trainings"]).astype("int64")
    by_department = person.groupby("department_id", as_index=False).agg(
        people=("employee_id", "size"), done=("done", "sum"), overdue=("overdue", "sum")
    )
    by_training = per_pair.groupby("assignment_id", as_index=False).agg(
        people=("employee_id", "size"), done=("done", "sum"), overdue=("overdue", "sum")
    )
    total = pd.DataFrame(
        {
            "people": [len(person)],
            "done": [int(person["done"].sum())],
            "overdue": [int(person["overdue"].sum())],
        }
    )
    return _figures(by_department), _figures(by_training), _figures(total)


def _sizes(per_pair: pd.DataFrame) -> dict[int, dict[object, int]]:
    """People per own department and row key, for ``protect``."""
    sizes: dict[int, dict[object, int]] = {}
    if per_pair.empty:
        return sizes
    per_pair = per_pair.astype("int64")
    people = per_pair.groupby("department_id")["employee_id"].nunique()
    for department, number in people.items():
        row = sizes.setdefault(int(department), {})
        row[("department", int(department))] = int(number)
        row[TOTAL] = int(number)
    trainings = per_pair.groupby(["department_id", "assignment_id"]).size()
    for (department, assignment), number in trainings.items():
        sizes.setdefault(int(department), {})[("training", int(assignment))] = int(number)
    return sizes


def _cells(per_pair: pd.DataFrame) -> dict[int, dict[object, set[object]]]:
    """The report's finest cells per own department and row key, for the exact audit of
    ``protect`` (step 4): the people of one department with the same set of trainings.
    A person with one training is one unknown in the department rows and in that
    training's row (done all = done); with several, the department rows and the training
    rows count different unknowns of them."""
    cells: dict[int, dict[object, set[object]]] = {}
    if per_pair.empty:
        return cells
    for dept, kinds in _training_sets(per_pair.astype("int64")):
        department = int(dept)
        own = cells.setdefault(department, {})
        whole = (
            ("pair", department, kinds, kinds[0]) if len(kinds) == 1 else ("all", department, kinds)
        )
        own.setdefault(("department", department), set()).add(whole)
        own.setdefault(TOTAL, set()).add(whole)
        for assignment in kinds:
            own.setdefault(("training", assignment), set()).add(
                ("pair", department, kinds, assignment)
            )
    return cells


def _training_sets(per_pair: pd.DataFrame) -> list[tuple[int, tuple[int, ...]]]:
    """The distinct (department, sorted training ids) of the people, computed by pandas
    (the people are many, their distinct sets few): each training is one bit of a
    person's set."""
    ids = sorted(int(a) for a in per_pair["assignment_id"].unique())
    if len(ids) > 62:  # more trainings than bits in an int64: sets as tuples
        sets = (
            per_pair.sort_values("assignment_id", kind="stable")
            .groupby(["employee_id", "department_id"])["assignment_id"]
            .agg(tuple)
            .reset_index()
        )
        pairs = {
            (int(d), tuple(int(a) for a in t))
            for d, t in zip(sets["department_id"], sets["assignment_id"], strict=True)
        }
        return sorted(pairs)
    bit = per_pair["assignment_id"].map({a: 1 << i for i, a in enumerate(ids)}).astype("int64")
    sets = per_pair.assign(bit=bit).groupby(["employee_id", "department_id"])["bit"].sum()
    distinct = sets.reset_index()[["department_id", "bit"]].drop_duplicates()
    return sorted(
        (int(d), tuple(a for i, a in enumerate(ids) if int(b) >> i & 1))
        for d, b in zip(distinct["department_id"], distinct["bit"], strict=True)
    )


def _part(
    key: str,
    title: str,
    label: str,
    body: pd.DataFrame,
    total: pd.DataFrame | None,
    hidden: set[object],
    minimum: int,
) -> Part:
    frames = [f for f in (body, total) if f is not None and not f.empty]
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({c: [] for c in ["group", "key", *FIGURES]})
    )
    withheld = withheld_figures(out, [k in hidden for k in out["key"]], FIGURES[1:])
    columns = _columns(label)
    part = Part(
        key=key,
        title=title,
        columns=columns,
        frame=ordered(out, columns, withheld=True),
        chart=Chart("hbar", "group", ("done_share",), N_("Share done")),
        row_keys=list(out["key"]),
    )
    add_withheld_note(part, withheld, minimum)
    return part


def compliance_report(scope: ReportScope, filters: Filters, today: date) -> Report:
    """Mandatory training by department and by training (two parts). Five statements
    (plus one for a department filter)."""
    per_pair = _per_pair(scope, filters, today)
    if per_pair is None:  # outside the reader's scope: nothing, not even a total
        columns = _columns(N_("Department"))
        empty = Part(
            "by_department",
            N_("Mandatory training by department"),
            columns,
            ordered(pd.DataFrame({c.key: [] for c in columns}), columns, withheld=True),
        )
        return new_report("compliance", N_("Mandatory training"), filters, scope, [empty])
    by_department, by_training, total = _tables(per_pair)
    labels = department_frame([int(d) for d in by_department["department_id"]])
    departments = labels.merge(by_department, on="department_id").rename(columns={"label": "group"})
    departments["key"] = [("department", int(d)) for d in departments["department_id"]]
    names = {a.id: a.title for a in active_assignments()}
    trainings = by_training.assign(
        group=[names.get(int(a), "–") for a in by_training["assignment_id"]],
        key=[("training", int(a)) for a in by_training["assignment_id"]],
    ).sort_values("group", kind="stable")
    totals = total.assign(group=translate(TOTAL_LABEL), key=[TOTAL])
    breakdowns = [
        Breakdown(tuple(departments["key"]), own=True),
        Breakdown(tuple(trainings["key"]), total=False),
    ]
    hidden = protect(
        _sizes(per_pair),
        breakdowns,
        Tree.load(),
        filters.department_id,
        scope.min_group,
        cells=_cells(per_pair),
    )
    keep = ["group", "key", *FIGURES]
    parts = [
        _part(
            "by_department",
            N_("Mandatory training by department"),
            N_("Department"),
            departments[keep],
            totals[keep],
            hidden,
            scope.min_group,
        ),
    ]
    if not trainings.empty:  # no current mandatory training: nothing to show by training
        parts.append(
            _part(
                "by_training",
                N_("Mandatory training by training"),
                N_("Mandatory training"),
                trainings[keep],
                None,
                hidden,
                scope.min_group,
            )
        )
    parts[0].description = N_(
        "Active employees with at least one current mandatory training, by their own "
        "department: how many have done all of theirs and how many are overdue with one."
    )
    for part in parts[1:]:
        part.description = N_(
            "Per mandatory training: the people it applies to, how many have done it (valid "
            "today) and how many are overdue."
        )
    return new_report("compliance", N_("Mandatory training"), filters, scope, parts)
