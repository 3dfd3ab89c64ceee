"""HR sets a department's yearly training budget and its cost centre. Plain services:
``actor`` and ``now`` are arguments, they flush only and write the audit log."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.errors import PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department
from courses.budgets.models import TrainingBudget
from courses.budgets.money import MAX_AMOUNT, cents

#: Budget years HR may plan: this many years back and ahead of the current one.
YEARS_AROUND = 5
COST_CENTRE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./ -]{0,19}$")
NOTE_MAX = 1000


def _require(actor: User) -> None:
    if not can(actor, "budgets.manage"):
        raise PermissionDenied(N_("Only HR development can set budgets."))


def check_year(year: int, current: int) -> None:
    if abs(year - current) > YEARS_AROUND:
        raise ValidationFailed(
            N_("Budgets can be set for %(first)s to %(last)s."),
            field="year",
            first=current - YEARS_AROUND,
            last=current + YEARS_AROUND,
        )


def set_budget(
    actor: User,
    department: Department,
    year: int,
    amount: Decimal | None,
    note: str | None,
    now: datetime,
    *,
    current_year: int,
) -> TrainingBudget | None:
    """Set (or, with ``amount`` None, remove) the department's budget for ``year``."""
    _require(actor)
    check_year(year, current_year)
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ValidationFailed(
            N_("The note may have at most %(max)s characters."), field="note", max=NOTE_MAX
        )
    if amount is not None:
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            raise ValidationFailed(N_("The budget must be an amount of 0 or more."), field="amount")
        if amount != cents(amount):
            raise ValidationFailed(
                N_("The budget may have at most two decimal places."), field="amount"
            )
    budget = db.session.scalar(
        select(TrainingBudget).where(
            TrainingBudget.department_id == department.id, TrainingBudget.year == year
        )
    )
    before = budget.amount if budget is not None else None
    if amount is None:
        if budget is None:
            return None
        db.session.delete(budget)
        budget = None
    elif budget is None:
        budget = TrainingBudget(department_id=department.id, year=year, amount=cents(amount))
        db.session.add(budget)
    else:
        budget.amount = cents(amount)
    if budget is not None:
        if before == budget.amount and budget.note == note:
            return budget
        budget.note = note
        budget.updated_at = now
    db.session.flush()
    record(
        actor,
        "budget.set" if amount is not None else "budget.removed",
        "department",
        department.id,
        from_state=None if before is None else f"{before:.2f}",
        to_state=None if amount is None else f"{cents(amount):.2f}",
        reason=note,
        details={"year": year},
        now=now,
    )
    return budget


def set_cost_centre(actor: User, department: Department, value: str | None, now: datetime) -> None:
    """Set the department's cost centre (empty: none)."""
    _require(actor)
    value = (value or "").strip() or None
    if value is not None and not COST_CENTRE.match(value):
        raise ValidationFailed(
            N_(
                "A cost centre has up to 20 letters, digits, dots, slashes, hyphens or "
                "spaces and starts with a letter or digit."
            ),
            field="cost_centre",
        )
    if department.cost_centre == value:
        return
    before = department.cost_centre
    department.cost_centre = value
    db.session.flush()
    record(
        actor,
        "department.cost_centre_set",
        "department",
        department.id,
        from_state=before,
        to_state=value,
        now=now,
    )
