"""The fairness view of a cohort's selection (staff council and HR): applicants, proposed
and accepted people by department (top-level unit), pay group band, years of service and
working time (full-time / part-time), with the minimum group size applied.

- **Applicants**: applications submitted (and not withdrawn); **proposed**: in the
  proposal to the staff council (or accepted); **accepted**: accepted into the cohort.
- **Pay group bands** (collective agreement TVöD and civil-service grades A): E 1–E 8 with
  A 2–A 8 (simple and middle service), E 9a–E 12 with A 9–A 12 (upper service),
  E 13 and above with A 13 and above (higher service; A 13 of the upper service is
  counted here, the personnel data does not tell them apart); anything else "unknown".
- **Years of service** on the day applications closed, from the entry date: under 2,
  2–5, 5–10, 10–20, 20 and more, unknown.
- **Working time**: full-time (``employment_percent`` 100), part-time (1–99) or unknown
  (the staff import's column "Beschäftigungsumfang" was never given for the person).

Suppression (primary and complementary cell suppression of linked tables, as in τ-Argus;
the same method as the analytics reports, see ``docs/suppression.md``):

1. **Primary**: a count from 1 to ``MIN_GROUP_SIZE - 1`` is withheld; a withheld total
   withholds every non-zero count of its column.
2. **Complementary, per column**: each column adds up to its total, so the withheld
   counts of a column together are the total minus the shown ones. They never stand
   alone and together hold at least ``MIN_GROUP_SIZE`` people: otherwise the smallest
   shown non-zero count of the column is withheld too.
3. **Exact audit**: the four breakdowns count the same people, and the three measures
   are nested (applicants ⊇ proposed ⊇ accepted), so a withheld count may still follow
   from the *other* breakdowns or measures (two withheld departments whose people are
   pinned down by the pay groups). Every shown figure is written as a linear form over
   the finest cells (department × pay group × years of service × working time × not
   proposed /
   proposed, not accepted / accepted, non-empty cells only — an attacker may know which
   combinations exist), and with exact rational Gaussian elimination
   (``academy.statistics.rowspace``): while a withheld figure is a linear combination of
   shown ones, one shown figure of that combination is withheld too — a count of the
   same column first, then other counts, a total last (a total is the same figure in
   all four breakdowns and is withheld in all of them); the smallest first, ties in
   table order. The pattern depends only on the cohort's applications.

``tests/talent/programmes/test_fairness_disclosure.py`` proves on random applicant
populations that no withheld figure is in the row space of the shown ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee
from academy.statistics.rowspace import RowSpace
from talent.programmes.cohort_models import Application
from talent.programmes.models import ApplicationState, Cohort

MEASURES = ("applicants", "proposed", "accepted")
#: The finest states of an application: not proposed, proposed (not accepted), accepted.
STATES = ("applied", "proposed", "accepted")
#: The states each (nested) measure counts.
COUNTS = {"applicants": STATES, "proposed": STATES[1:], "accepted": STATES[2:]}
TOTAL = "total"
#: Where a person's state sits in ``Person``.
STATE = 4
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
FULL_TIME, PART_TIME = N_("Full-time"), N_("Part-time")
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


def working_time(percent: int | None) -> str:
    if percent is None or not 1 <= percent <= 100:
        return UNKNOWN
    return FULL_TIME if percent == 100 else PART_TIME


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
class Figure:
    """A shown or withheld figure as a linear form over the finest cells; a total is one
    figure with a cell in every breakdown."""

    vector: dict[Hashable, int]
    cells: list[Cell]
    order: tuple[int, int, int]

    @property
    def withheld(self) -> bool:
        return self.cells[0].withheld

    @property
    def value(self) -> int:
        return self.cells[0].value


#: One application: department, pay group band, years-of-service band, working time,
#: state (STATES).
Person = tuple[str, str, str, str, str]


@dataclass
class Fairness:
    breakdowns: list[Breakdown]
    min_group_size: int


def suppress(counts: dict[str, int], minimum: int) -> tuple[dict[str, Cell], Cell]:
    """One column with its total: primary and per-column complementary suppression."""
    cells = {g: Cell(n, 0 < n < minimum) for g, n in counts.items()}
    total = sum(counts.values())
    total_cell = Cell(total, 0 < total < minimum)
    if total_cell.withheld:
        for cell in cells.values():
            cell.withheld = cell.value > 0
        return cells, total_cell
    while True:
        withheld = [c.value for c in cells.values() if c.withheld]
        if not withheld or (len(withheld) > 1 and sum(withheld) >= minimum):
            return cells, total_cell
        others = sorted((c.value, g) for g, c in cells.items() if not c.withheld and c.value)
        if not others:
            return cells, total_cell
        cells[others[0][1]].withheld = True


def _table(
    title: str,
    rows: list[tuple[str, str]],
    minimum: int,
    order: Sequence[str] | None = None,
    translate: bool = True,
) -> Breakdown:
    """One breakdown from (group, state) pairs, steps 1 and 2."""
    counts: dict[str, Counter[str]] = {m: Counter() for m in MEASURES}
    for group, state in rows:
        for measure in MEASURES:
            counts[measure][group] += state in COUNTS[measure]
    groups = list(order) if order is not None else sorted({g for g, _ in rows})
    groups = [g for g in groups if any(counts[m][g] for m in MEASURES)]
    table = Breakdown(title, groups, {g: {} for g in groups}, translate_groups=translate)
    for measure in MEASURES:
        cells, total = suppress({g: counts[measure][g] for g in groups}, minimum)
        for g in groups:
            table.cells[g][measure] = cells[g]
        table.totals[measure] = total
    return table


def breakdowns(people: Sequence[Person], minimum: int) -> list[Breakdown]:
    """The four breakdowns of ``people`` (department, pay group band, service band,
    working time; and the state) with the suppression pattern of steps 1 to 3."""
    tables = [
        _table(title, [(p[i], p[STATE]) for p in people], minimum, order, translate)
        for i, (title, order, translate) in enumerate(
            [
                (N_("Department (top-level unit)"), None, False),
                (N_("Pay group"), [*PAY_BANDS, UNKNOWN], True),
                (
                    N_("Years of service"),
                    [*(label for _, label in SERVICE_BANDS), SERVICE_LONGEST, UNKNOWN],
                    True,
                ),
                (N_("Working time"), [FULL_TIME, PART_TIME, UNKNOWN], True),
            ]
        )
    ]
    _audit(tables, people)
    return tables


def figures(tables: Sequence[Breakdown], people: Sequence[Person]) -> dict[Hashable, Figure]:
    """Every figure of the view as a linear form over the finest non-empty cells
    (key ``(breakdown, group, measure)``, a total ``(TOTAL, measure)``)."""
    finest = sorted(set(people))
    result: dict[Hashable, Figure] = {}
    for m_index, m in enumerate(MEASURES):
        vector = {c: 1 for c in finest if c[STATE] in COUNTS[m]}
        result[(TOTAL, m)] = Figure(vector, [t.totals[m] for t in tables], (3, 0, m_index))
    for b, table in enumerate(tables):
        for g_index, group in enumerate(table.groups):
            for m_index, m in enumerate(MEASURES):
                vector = {c: 1 for c in finest if c[b] == group and c[STATE] in COUNTS[m]}
                cell = table.cells[group][m]
                result[(b, group, m)] = Figure(vector, [cell], (b, g_index, m_index))
    return result


def _audit(tables: Sequence[Breakdown], people: Sequence[Person]) -> None:
    """Step 3: withhold more until no withheld figure follows from the shown ones."""
    forms = figures(tables, people)
    while True:
        space = RowSpace()
        for key, figure in forms.items():
            if not figure.withheld and figure.vector:
                space.add(figure.vector, tag=key)
        leaks = (
            (key, space.combination(figure.vector))
            for key, figure in forms.items()
            if figure.withheld
        )
        leak, combination = next(((k, c) for k, c in leaks if c), (None, None))
        if combination is None:
            return

        def preference(tag: Hashable, leak: Hashable = leak) -> tuple:
            same_column = tag[0] == leak[0] and tag[-1] == leak[-1]
            return (tag[0] == TOTAL, not same_column, forms[tag].value, forms[tag].order)

        for cell in forms[min(combination, key=preference)].cells:
            cell.withheld = True


def fairness(cohort: Cohort) -> Fairness:
    """The breakdowns of a cohort's applications (two statements)."""
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    rows = db.session.execute(
        select(
            Application.state,
            Application.proposed,
            Employee.pay_group,
            Employee.entry_date,
            Employee.employment_percent,
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
    people: list[Person] = []
    for state, proposed, pay_group, entry, percent, path in rows:
        accepted = state == ApplicationState.ACCEPTED.value
        top = top_names.get(path.strip("/").split("/")[0], UNKNOWN)
        finest = STATES[2] if accepted else STATES[1] if proposed else STATES[0]
        people.append(
            (top, pay_band(pay_group), service_band(entry, on), working_time(percent), finest)
        )
    return Fairness(breakdowns(people, minimum), minimum)
