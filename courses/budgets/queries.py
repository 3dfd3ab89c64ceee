"""What the budget pages show: per department and year the budget, what is spent and
committed, what requests awaiting a decision would add, and what is left — for the
department alone and rolled up over its subtree. Every function runs a fixed number of
statements however many departments and bookings there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from academy.clock import berlin_to_utc
from academy.extensions import db
from academy.org.heads import order_as_tree, path_ids
from academy.org.models import Department, Employee
from courses.budgets.costs import request_costs
from courses.budgets.models import (
    CHARGED,
    BookingState,
    BudgetBookingTotal,
    TrainingBudget,
)
from courses.budgets.money import ZERO, cents
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.external.models import OPEN_STATES, ExternalRequest
from courses.sessions.models import CourseSession


@dataclass
class Figures:
    """Money of one department (or subtree) in one year, in euros."""

    budget: Decimal | None = None  #: None: no budget set
    spent: Decimal = ZERO
    committed: Decimal = ZERO
    pending: Decimal = ZERO  #: requests awaiting a decision (estimated)

    @property
    def booked(self) -> Decimal:
        return self.spent + self.committed

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.booked

    @property
    def forecast(self) -> Decimal:
        return self.booked + self.pending

    @property
    def left_after_forecast(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.forecast

    @property
    def used_percent(self) -> int | None:
        if not self.budget:
            return None
        return int((self.booked * 100 / self.budget).to_integral_value())

    @property
    def over(self) -> bool:
        return self.left is not None and self.left < 0

    def add(self, other: Figures) -> None:
        if other.budget is not None:
            self.budget = (self.budget or ZERO) + other.budget
        self.spent += other.spent
        self.committed += other.committed
        self.pending += other.pending


@dataclass(frozen=True)
class Row:
    """A department in a shown tree with its own and its subtree's figures."""

    department: Department
    depth: int
    own: Figures
    subtree: Figures


@dataclass
class Overview:
    year: int
    rows: list[Row] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The budget year as UTC instants: from 1 January to 1 January, Berlin time."""
    start = berlin_to_utc(datetime.combine(datetime(year, 1, 1).date(), time()))
    end = berlin_to_utc(datetime.combine(datetime(year + 1, 1, 1).date(), time()))
    return start, end


def _in(column, ids: set[int] | None):  # type: ignore[no-untyped-def]
    return True if ids is None else column.in_(sorted(ids))


def own_figures(year: int, department_ids: set[int] | None = None) -> dict[int, Figures]:
    """Per department (all, or these): its own budget and bookings (without the
    departments below it) and the estimated cost of its people's open requests."""
    figures: dict[int, Figures] = {}

    def of(dept_id: int) -> Figures:
        return figures.setdefault(dept_id, Figures())

    for dept_id, amount in db.session.execute(
        select(TrainingBudget.department_id, TrainingBudget.amount).where(
            TrainingBudget.year == year, _in(TrainingBudget.department_id, department_ids)
        )
    ):
        of(dept_id).budget = cents(amount)
    totals = BudgetBookingTotal  # the bookings' sums, kept by the database
    for dept_id, state, amount in db.session.execute(
        select(totals.department_id, totals.state, totals.amount).where(
            totals.year == year,
            totals.state.in_(CHARGED),
            _in(totals.department_id, department_ids),
        )
    ):
        if state == BookingState.SPENT:
            of(dept_id).spent = cents(amount or ZERO)
        else:
            of(dept_id).committed = cents(amount or ZERO)
    for dept_id, amount in pending_estimates(year, department_ids).items():
        of(dept_id).pending = amount
    return figures


def pending_estimates(year: int, department_ids: set[int] | None = None) -> dict[int, Decimal]:
    """Per department: what its people's requests awaiting a decision would cost — an
    enrolment request at the price of a place today, an external request at its fee and
    travel costs."""
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(Enrolment.session_id, Employee.department_id, func.count())
        .join(Employee, Employee.id == Enrolment.employee_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(
            Enrolment.state == EnrolmentState.PENDING.value,
            CourseSession.starts_at >= start,
            CourseSession.starts_at < end,
            _in(Employee.department_id, department_ids),
        )
        .group_by(Enrolment.session_id, Employee.department_id)
    ).all()
    costs = request_costs(session_id for session_id, _d, _n in rows)
    estimates: dict[int, Decimal] = {}
    for session_id, dept_id, count in rows:
        place = costs.get(session_id)
        if place is not None:
            estimates[dept_id] = estimates.get(dept_id, ZERO) + place.amount * count
    for dept_id, amount in db.session.execute(
        select(
            Employee.department_id,
            func.sum(ExternalRequest.cost + ExternalRequest.travel_cost),
        )
        .join(Employee, Employee.id == ExternalRequest.employee_id)
        .where(
            ExternalRequest.state.in_([s.value for s in OPEN_STATES]),
            ExternalRequest.starts_at >= start,
            ExternalRequest.starts_at < end,
            _in(Employee.department_id, department_ids),
        )
        .group_by(Employee.department_id)
    ):
        estimates[dept_id] = estimates.get(dept_id, ZERO) + cents(amount or ZERO)
    return estimates


def overview(year: int, department_ids: set[int] | None = None) -> Overview:
    """The departments (all, or these) in tree order with own and subtree figures; the
    total is that of the shown roots."""
    query = select(Department)
    if department_ids is not None:
        if not department_ids:
            return Overview(year)
        query = query.where(Department.id.in_(sorted(department_ids)))
    departments = list(db.session.scalars(query))
    own = own_figures(year, department_ids)
    subtree: dict[int, Figures] = {d.id: Figures() for d in departments}
    for dept in departments:
        figures = own.get(dept.id)
        if figures is None:
            continue
        for ancestor in path_ids(dept):
            if ancestor in subtree:
                subtree[ancestor].add(figures)
    result = Overview(year)
    for dept, depth in order_as_tree(departments):
        result.rows.append(Row(dept, depth, own.get(dept.id) or Figures(), subtree[dept.id]))
        if depth == 0:
            result.total.add(subtree[dept.id])
    return result


@dataclass(frozen=True)
class Holder:
    """The budget a request is charged to: the nearest department up the tree (the
    person's own first) that has a budget for the year, with its subtree's figures."""

    department_id: int
    name: str
    figures: Figures


def holders(
    departments: Iterable[Department], years: Iterable[int]
) -> dict[tuple[int, int], Holder]:
    """``{(department id, year): Holder}`` for these departments and years (those
    without any budget above them are left out). Three statements."""
    by_id = {d.id: d for d in departments}
    wanted_years = sorted(set(years))
    if not by_id or not wanted_years:
        return {}
    ancestors = {a for d in by_id.values() for a in path_ids(d)}
    with_budget = {
        (dept_id, year)
        for dept_id, year in db.session.execute(
            select(TrainingBudget.department_id, TrainingBudget.year).where(
                TrainingBudget.department_id.in_(sorted(ancestors)),
                TrainingBudget.year.in_(wanted_years),
            )
        )
    }
    chosen: dict[tuple[int, int], int] = {}
    for dept in by_id.values():
        for year in wanted_years:
            found = next((a for a in reversed(path_ids(dept)) if (a, year) in with_budget), None)
            if found is not None:
                chosen[(dept.id, year)] = found
    if not chosen:
        return {}
    names, figures = _subtree_figures(set(chosen.values()), wanted_years)
    return {
        key: Holder(root, names[root], figures.get((root, key[1]), Figures(budget=ZERO)))
        for key, root in chosen.items()
        if root in names
    }


#: Aliases of the department table for the subtree sums, made once (an alias sets up its
#: column collection when made, a measurable part of a page when made per request).
_ROOT, _INNER, _INNER_ROOT = aliased(Department), aliased(Department), aliased(Department)


def _subtree_figures(
    root_ids: set[int], years: list[int]
) -> tuple[dict[int, str], dict[tuple[int, int], Figures]]:
    """The names of ``root_ids`` and the budget and bookings of their subtrees per year
    (two statements)."""
    root = _ROOT
    below = Department.path.startswith(root.path)
    # The subtrees' departments as a list the planner can seek the bookings by (index on
    # year, department, state): joined by the path alone, SQLite reads every booking of
    # the year and only then looks at its department.
    inner, inner_root = _INNER, _INNER_ROOT
    subtrees = (
        select(inner.id)
        .join(inner_root, inner.path.startswith(inner_root.path))
        .where(inner_root.id.in_(sorted(root_ids)))
    )
    names: dict[int, str] = {}
    result: dict[tuple[int, int], Figures] = {}
    for root_id, name, year, amount in db.session.execute(
        select(root.id, root.name, TrainingBudget.year, func.sum(TrainingBudget.amount))
        .join(Department, below)
        .join(TrainingBudget, TrainingBudget.department_id == Department.id)
        .where(root.id.in_(sorted(root_ids)), TrainingBudget.year.in_(years))
        .group_by(root.id, root.name, TrainingBudget.year)
    ):
        names[root_id] = name
        result.setdefault((root_id, year), Figures()).budget = cents(amount or ZERO)
    # The bookings' sums per department, year and state (kept by the database, see
    # ``BudgetBookingTotal``): one row per department of the subtree, not every booking.
    totals = BudgetBookingTotal
    for root_id, year, state, amount in db.session.execute(
        select(root.id, totals.year, totals.state, func.sum(totals.amount))
        .join(Department, below)
        .join(totals, totals.department_id == Department.id)
        .where(
            root.id.in_(sorted(root_ids)),
            totals.department_id.in_(subtrees),
            totals.year.in_(years),
            totals.state.in_(CHARGED),
        )
        .group_by(root.id, totals.year, totals.state)
    ):
        figures = result.setdefault((root_id, year), Figures())
        if state == BookingState.SPENT:
            figures.spent = cents(amount or ZERO)
        else:
            figures.committed = cents(amount or ZERO)
    return names, result
