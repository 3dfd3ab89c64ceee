"""Demo data of the budgets: every place of the demo's enrolments booked as its state says
(``ledger.rebuild``, as after the upgrade), a cost centre for every unit and a budget for
this year and the last for every unit with staff, sized to what its places cost (see
``budgets.toml``) — most units within their budget, a few over it.

Runs after every step that makes enrolments (order 90). Same seed, same rows."""

from __future__ import annotations

import tomllib
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from sqlalchemy import func, insert, select, update

from academy.clock import to_berlin
from academy.demo.steps import DemoContext, de_int
from academy.extensions import db
from academy.org.models import Department, Employee
from courses.budgets.ledger import rebuild
from courses.budgets.models import CHARGED, BudgetBooking, TrainingBudget
from courses.budgets.money import ZERO

STEP_NAME = "budgets"
STEP_ORDER = 90
SETTINGS = tomllib.loads((Path(__file__).parent / "budgets.toml").read_text(encoding="utf-8"))


def _rounded_up(amount: Decimal) -> Decimal:
    step = Decimal(SETTINGS["round_to"])
    return ((amount / step).to_integral_value(rounding=ROUND_CEILING) * step).quantize(
        Decimal("0.01")
    )


def _factor(ctx: DemoContext) -> Decimal:
    exceeded = ctx.rng.randint(1, 100) <= int(Decimal(SETTINGS["exceeded_share"]) * 100)
    if exceeded:
        return _between(ctx, "exceeded_low", "exceeded_high")
    return _between(ctx, "factor_low", "factor_high")


def _cost_centres() -> None:
    departments = db.session.execute(
        select(Department.id).where(Department.cost_centre.is_(None)).order_by(Department.code)
    ).scalars()
    first, step = int(SETTINGS["first_cost_centre"]), int(SETTINGS["cost_centre_step"])
    rows = [{"id": d, "cost_centre": str(first + i * step)} for i, d in enumerate(departments)]
    if rows:
        db.session.execute(update(Department), rows)


def _between(ctx: DemoContext, low: str, high: str) -> Decimal:
    span = Decimal(SETTINGS[high]) - Decimal(SETTINGS[low])
    return Decimal(SETTINGS[low]) + span * Decimal(ctx.rng.randint(0, 100)) / 100


def _spent(year: int) -> dict[int, Decimal]:
    return {
        dept_id: Decimal(amount or ZERO)
        for dept_id, amount in db.session.execute(
            select(BudgetBooking.department_id, func.sum(BudgetBooking.amount))
            .where(BudgetBooking.year == year, BudgetBooking.state.in_(CHARGED))
            .group_by(BudgetBooking.department_id)
        )
    }


def budgets_demo_step(ctx: DemoContext) -> str:
    result = rebuild(ctx.now)
    _cost_centres()
    members = dict(
        db.session.execute(
            select(Employee.department_id, func.count())
            .where(Employee.active.is_(True))
            .group_by(Employee.department_id)
        ).all()
    )
    this_year = to_berlin(ctx.now).year
    first = this_year - int(SETTINGS["years_back"])
    per_head = Decimal(SETTINGS["per_head"])
    amounts: dict[tuple[int, int], Decimal] = {}
    for year in range(first, this_year + 1):
        spent = _spent(year)
        for dept_id in sorted(members):
            cost = spent.get(dept_id, ZERO)
            amounts[(dept_id, year)] = _rounded_up(
                max(cost * _factor(ctx), per_head * members[dept_id])
            )
    booked_ahead = db.session.scalar(
        select(func.count()).select_from(BudgetBooking).where(BudgetBooking.year > this_year)
    )
    last = this_year + 1 if booked_ahead else this_year
    if last > this_year:
        for dept_id in sorted(members):
            change = _between(ctx, "next_low", "next_high")
            amounts[(dept_id, last)] = _rounded_up(amounts[(dept_id, this_year)] * change)
    rows = [
        {"department_id": d, "year": y, "amount": a, "updated_at": ctx.now}
        for (d, y), a in amounts.items()
    ]
    if rows:
        db.session.execute(insert(TrainingBudget), rows)
    return (
        f"Budgetbuchungen: {de_int(result.booked)}, Budgets: {de_int(len(rows))} ({first}–{last})"
    )
