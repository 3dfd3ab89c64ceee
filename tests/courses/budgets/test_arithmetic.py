"""Property test of the budget arithmetic: for random prices, trainer fees, room costs,
capacities and random sequences of enrolments, cancellations in time and late, capacity
changes, attendance, results and no-shows, through the real services:

- every enrolment's booking says what its state says (committed, spent and kept,
  released, none);
- the charged places of the session add up exactly to price × places + the fixed costs
  (when anyone is charged), in cents, and no two places differ by more than the cents of
  the split;
- the departments' spent and committed figures are the sums of their bookings;
- the ledger built step by step equals the ledger built afresh from the states.

Each example runs in a SAVEPOINT that is rolled back. Amounts are ``Decimal`` all along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from academy.accounts.models import Role
from academy.errors import DomainError
from academy.extensions import db
from courses.budgets.ledger import rebuild
from courses.budgets.models import CHARGED, BudgetBooking
from courses.budgets.queries import own_figures
from courses.enrolment.attendance import mark_attendance, record_result
from courses.enrolment.cancellation import cancel
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.requests import request_enrolment
from courses.enrolment.waitlist import change_capacity
from tests import factories
from tests.courses.budgets.support import bookings, paid_session
from tests.courses.support import NOW

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PEOPLE = 6
cents = st.integers(0, 99_999).map(lambda c: Decimal(c) / 100)


@dataclass(frozen=True)
class Costs:
    price: Decimal
    fee: Decimal | None
    room: Decimal | None
    days: int
    capacity: int


@dataclass(frozen=True)
class Step:
    phase: int  # 0 before the deadlines, 1 after the cancellation deadline, 2 after the start
    kind: str  # enrol | cancel | capacity | attend
    who: int
    value: int


costs = st.builds(
    Costs,
    price=cents,
    fee=st.none() | cents,
    room=st.none() | cents,
    days=st.integers(1, 3),
    capacity=st.integers(1, 4),
)
steps = st.lists(
    st.one_of(
        st.builds(
            Step,
            phase=st.just(0),
            kind=st.sampled_from(["enrol", "cancel", "capacity"]),
            who=st.integers(0, PEOPLE - 1),
            value=st.integers(1, 6),
        ),
        st.builds(
            Step,
            phase=st.just(1),
            kind=st.sampled_from(["cancel", "capacity"]),
            who=st.integers(0, PEOPLE - 1),
            value=st.integers(1, 6),
        ),
        st.builds(
            Step,
            phase=st.just(2),
            kind=st.just("attend"),
            who=st.integers(0, PEOPLE - 1),
            value=st.integers(0, 2),
        ),
    ),
    max_size=18,
).map(lambda found: sorted(found, key=lambda s: s.phase))


@contextmanager
def savepoint() -> Iterator[None]:
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


def expected_booking(enrolment: Enrolment, held: bool) -> tuple[str, str | None] | None:
    state = enrolment.state
    if state == EnrolmentState.CONFIRMED:
        return ("committed", None)
    if state in (EnrolmentState.COMPLETED, EnrolmentState.FAILED, EnrolmentState.NO_SHOW):
        return ("spent", state)
    if state == EnrolmentState.ATTENDED:
        return ("spent", "attended")
    if state == EnrolmentState.CANCELLED and enrolment.late_cancellation:
        return ("spent", "late_cancellation")
    if state == EnrolmentState.CANCELLED and held:
        return ("released", "cancelled")
    return None


def play(session, people, plan: list[Step]) -> tuple[dict[int, Enrolment], set[int]]:  # type: ignore[no-untyped-def]
    staff = factories.user(Role.HR, with_employee=False, password=None)
    times = {
        0: NOW,
        1: session.cancellation_deadline + timedelta(hours=1),
        2: session.starts_at + timedelta(hours=1),
    }
    active: dict[int, Enrolment] = {}
    every: dict[int, Enrolment] = {}
    held: set[int] = set()
    for n, step in enumerate(plan):
        now = times[step.phase] + timedelta(minutes=n)
        employee, user = people[step.who]
        enrolment = active.get(step.who)
        try:
            if step.kind == "enrol" and enrolment is None:
                enrolment = request_enrolment(user, employee, session, now)
                active[step.who] = every[enrolment.id] = enrolment
            elif step.kind == "cancel" and enrolment is not None:
                cancel(staff, enrolment, now, reason="Terminkonflikt")
                del active[step.who]
            elif step.kind == "capacity":
                change_capacity(staff, session, step.value, now)
            elif step.kind == "attend" and enrolment is not None:
                if enrolment.state == EnrolmentState.CONFIRMED:
                    mark_attendance(staff, enrolment, step.value != 0, now)
                if enrolment.state == EnrolmentState.ATTENDED and step.value == 2:
                    record_result(staff, enrolment, True, now)
        except DomainError:
            pass  # refused by a rule (capacity below the places, …): nothing changed
        held |= {e.id for e in every.values() if e.confirmed_at is not None}
    return every, held


@pytest.mark.usefixtures("db")
@SETTINGS
@given(setup=costs, plan=steps)
def test_the_ledger_adds_up_whatever_happens(setup: Costs, plan: list[Step]) -> None:
    with savepoint():
        session = paid_session(
            str(setup.price),
            capacity=setup.capacity,
            fee=None if setup.fee is None else str(setup.fee),
            room=None if setup.room is None else str(setup.room),
            days=setup.days,
        )
        departments = [factories.department(), factories.department()]
        people = []
        for i in range(PEOPLE):  # accounts without a password: hashing is slow
            employee = factories.employee(departments[i % 2])
            people.append((employee, factories.user(emp=employee, password=None)))
        every, held = play(session, people, plan)
        rows = bookings(session)
        for enrolment in every.values():
            db.session.refresh(enrolment)
            want = expected_booking(enrolment, enrolment.id in held)
            got = rows.get(enrolment.id)
            assert (got.state, got.reason) == want if got else want is None, enrolment.state

        charged = [b for b in rows.values() if b.state in CHARGED]
        fixed = (setup.fee or 0) * setup.days + (setup.room or 0) * setup.days
        total = sum((b.amount for b in charged), Decimal("0.00"))
        assert total == (setup.price * len(charged) + (fixed if charged else 0))
        assert all(b.amount == b.price + b.trainer_share + b.room_share + b.travel for b in charged)
        if charged:
            amounts = [b.amount for b in charged]
            assert max(amounts) - min(amounts) <= Decimal("0.02")
        assert all(b.amount == 0 for b in rows.values() if b.state == "released")

        figures = own_figures(session.starts_at.year, {d.id for d in departments})
        for dept in departments:
            mine = [b for b in charged if b.department_id == dept.id]
            found = figures.get(dept.id)
            spent = sum((b.amount for b in mine if b.state == "spent"), Decimal("0.00"))
            committed = sum((b.amount for b in mine if b.state == "committed"), Decimal("0.00"))
            assert (found.spent, found.committed) == (spent, committed) if found else not mine

        step_by_step = _snapshot(session)
        db.session.execute(delete(BudgetBooking).where(BudgetBooking.session_id == session.id))
        db.session.expire_all()
        rebuild(NOW)
        assert _snapshot(session) == step_by_step


def _snapshot(session) -> dict[int, tuple[object, ...]]:  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        select(
            BudgetBooking.enrolment_id,
            BudgetBooking.state,
            BudgetBooking.reason,
            BudgetBooking.department_id,
            BudgetBooking.amount,
            BudgetBooking.trainer_share,
            BudgetBooking.room_share,
        ).where(BudgetBooking.session_id == session.id)
    )
    return {row[0]: tuple(row[1:]) for row in rows}
