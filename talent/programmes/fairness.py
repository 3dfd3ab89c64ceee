"""The fairness view of a cohort's selection (staff council and HR): applicants, proposed
and accepted people by department (top-level unit), pay group band and years of
service, with the minimum group size applied.

- **Applicants**: applications submitted (and not withdrawn); **proposed**: in the
  proposal to the staff council (or accepted); **accepted**: accepted into the cohort.
- **Pay group bands** (collective agreement TVöD and civil-service grades A): E 1–E 8 with
  A 2–A 8 (simple and middle service), E 9a–E 12 with A 9–A 12 (upper service),
  E 13 and above with A 13 and above (higher service; A 13 of the upper service is
  counted here, the personnel data does not tell them apart); anything else "unknown".
- **Years of service** on the day applications closed, from the entry date: under 2,
  2–5, 5–10, 10–20, 20 and more, unknown.
- **Part-time / full-time**: the personnel data holds no working-time field, so this
  breakdown is not shown (the page says so) rather than guessed.

Suppression: a count from 1 to ``MIN_GROUP_SIZE - 1`` is withheld (primary). Each
column has a total row, so a column with exactly one withheld cell also withholds its
smallest other non-zero cell (secondary): no withheld count is the total minus the
shown ones. A withheld total withholds the whole column.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee
from talent.programmes.cohort_models import Application
from talent.programmes.models import ApplicationState, Cohort

MEASURES = ("applicants", "proposed", "accepted")
UNKNOWN = N_("unknown")
PAY_BANDS = (
    N_("E 1–E 8 / A 2–A 8"),
    N_("E 9a–E 12 / A 9–A 12"),
    N_("E 13 and above / A 13 and above"),
)
SERVICE_BANDS = (
    (2, N_("under 2 years")),
    (5, N_("2 to under 5 years")),
    (10, N_("5 to under 10 years")),
    (20, N_("10 to under 20 years")),
)
SERVICE_LONGEST = N_("20 years and more")
_PAY = re.compile(r"^\s*(?:TV[öo]D\s*|TV-L\s*)?(E|EG|A)\s*(\d{1,2})\s*([a-z]?)", re.IGNORECASE)
COUNTED = (
    ApplicationState.SUBMITTED.value,
    ApplicationState.ACCEPTED.value,
    ApplicationState.REJECTED.value,
)


def pay_band(pay_group: str | None) -> str:
    match = _PAY.match(pay_group or "")
    if match is None:
        return UNKNOWN
    grade = int(match.group(2))
    if match.group(1).upper() == "A":
        return PAY_BANDS[0] if grade <= 8 else PAY_BANDS[1] if grade <= 12 else PAY_BANDS[2]
    return PAY_BANDS[0] if grade <= 8 else PAY_BANDS[1] if grade <= 12 else PAY_BANDS[2]


def service_band(entry: date | None, on: date) -> str:
    if entry is None or entry > on:
        return UNKNOWN
    years = on.year - entry.year - ((on.month, on.day) < (entry.month, entry.day))
    for limit, label in SERVICE_BANDS:
        if years < limit:
            return label
    return SERVICE_LONGEST


@dataclass
class Cell:
    value: int
    withheld: bool = False


@dataclass
class Breakdown:
    title: str
    groups: list[str]
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)  # group → measure → cell
    totals: dict[str, Cell] = field(default_factory=dict)
    translate_groups: bool = True


@dataclass
class Fairness:
    breakdowns: list[Breakdown]
    min_group_size: int
    working_time_available: bool = False


def suppress(counts: dict[str, int], minimum: int) -> tuple[dict[str, Cell], Cell]:
    """One column with its total: primary and secondary suppression."""
    cells = {g: Cell(n, 0 < n < minimum) for g, n in counts.items()}
    total = sum(counts.values())
    total_cell = Cell(total, 0 < total < minimum)
    if total_cell.withheld:
        for cell in cells.values():
            cell.withheld = cell.value > 0
        return cells, total_cell
    withheld = [g for g, c in cells.items() if c.withheld]
    if len(withheld) == 1:
        others = sorted((c.value, g) for g, c in cells.items() if not c.withheld and c.value > 0)
        if others:
            cells[others[0][1]].withheld = True
    return cells, total_cell


def _table(
    title: str,
    rows: list[tuple[str, dict[str, bool]]],
    minimum: int,
    order: list[str] | None = None,
    translate: bool = True,
) -> Breakdown:
    counts: dict[str, Counter[str]] = {m: Counter() for m in MEASURES}
    for group, flags in rows:
        for measure in MEASURES:
            counts[measure][group] += int(flags[measure])
    groups = order or sorted({g for g, _ in rows})
    groups = [g for g in groups if any(counts[m][g] for m in MEASURES)]
    table = Breakdown(title, groups, {g: {} for g in groups}, translate_groups=translate)
    for measure in MEASURES:
        cells, total = suppress({g: counts[measure][g] for g in groups}, minimum)
        for g in groups:
            table.cells[g][measure] = cells[g]
        table.totals[measure] = total
    return table


def fairness(cohort: Cohort) -> Fairness:
    """The breakdowns of a cohort's applications (two statements)."""
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    rows = db.session.execute(
        select(
            Application.state,
            Application.proposed,
            Employee.pay_group,
            Employee.entry_date,
            Department.path,
        )
        .join(Employee, Employee.id == Application.employee_id)
        .join(Department, Department.id == Employee.department_id)
        .where(Application.cohort_id == cohort.id, Application.state.in_(COUNTED))
    ).all()
    top_names = {
        str(d.id): d.name
        for d in db.session.scalars(select(Department).where(Department.parent_id.is_(None)))
    }
    on = cohort.applications_close_on
    people = []
    for state, proposed, pay_group, entry, path in rows:
        accepted = state == ApplicationState.ACCEPTED.value
        flags = {"applicants": True, "proposed": bool(proposed) or accepted, "accepted": accepted}
        top = path.strip("/").split("/")[0]
        people.append((top_names.get(top, UNKNOWN), pay_group, entry, flags))
    breakdowns = [
        _table(
            N_("Department (top-level unit)"),
            [(d, f) for d, _, _, f in people],
            minimum,
            translate=False,
        ),
        _table(
            N_("Pay group"),
            [(pay_band(p), f) for _, p, _, f in people],
            minimum,
            [*PAY_BANDS, UNKNOWN],
        ),
        _table(
            N_("Years of service"),
            [(service_band(e, on), f) for _, _, e, f in people],
            minimum,
            [*(label for _, label in SERVICE_BANDS), SERVICE_LONGEST, UNKNOWN],
        ),
    ]
    return Fairness(breakdowns, minimum)
