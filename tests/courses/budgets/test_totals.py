"""The bookings' sums per department, year and state (``budget_booking_totals``) are
kept by the database: after any change to the bookings — the ledger's own paths and
plain statements alike (bulk updates of amount, state, year and department, deletes,
the cascade from a deleted enrolment) — every row equals the sum of its bookings, and
the subtree figures read from them equal the bookings' sums."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update

from academy.extensions import db
from courses.budgets.bookings import budget_year
from courses.budgets.models import BudgetBooking, BudgetBookingTotal
from courses.budgets.queries import holders, own_figures
from courses.enrolment.cancellation import cancel
from courses.enrolment.models import Enrolment
from courses.enrolment.requests import request_enrolment
from tests import factories
from tests.courses.budgets.support import budget, paid_session
from tests.courses.support import NOW, person

CENT = Decimal("0.01")


Sums = dict[tuple[int, int, str], Decimal]


def _in_cents(rows: Any) -> Sums:
    return {(d, y, s): Decimal(str(a)).quantize(CENT) for d, y, s, a in rows}


def sums_of_bookings() -> Sums:
    b = BudgetBooking
    return _in_cents(
        db.session.execute(
            select(b.department_id, b.year, b.state, func.sum(b.amount)).group_by(
                b.department_id, b.year, b.state
            )
        )
    )


def kept_totals() -> Sums:
    """The kept rows (a sum that went back to zero keeps its row: left out)."""
    t = BudgetBookingTotal
    return nonzero(
        _in_cents(db.session.execute(select(t.department_id, t.year, t.state, t.amount)))
    )


def nonzero(sums: Sums) -> Sums:
    return {k: v for k, v in sums.items() if v != 0}


def test_the_totals_follow_every_change_of_the_bookings(db):
    rng = random.Random(20261207)
    parent = factories.department()
    departments = [parent, factories.department(parent=parent), factories.department()]
    sessions = [paid_session(price) for price in ("450.00", "99.90", "0.10")]
    enrolments: list[Enrolment] = []
    for _ in range(12):
        employee, user = person(rng.choice(departments))
        enrolments.append(request_enrolment(user, employee, rng.choice(sessions), NOW))
    db.session.flush()
    assert nonzero(sums_of_bookings()) == kept_totals() != {}

    for step in range(40):
        ids = list(db.session.scalars(select(BudgetBooking.id)))
        if not ids:
            break
        chosen = rng.choice(ids)
        action = rng.choice(["amount", "state", "year", "department", "delete", "cascade"])
        if action == "amount":
            value = Decimal(rng.randrange(0, 100_000)) / 100
            db.session.execute(
                update(BudgetBooking).where(BudgetBooking.id == chosen).values(amount=value)
            )
        elif action == "state":
            state = rng.choice(["committed", "spent", "released"])
            db.session.execute(
                update(BudgetBooking).where(BudgetBooking.id == chosen).values(state=state)
            )
        elif action == "year":
            db.session.execute(
                update(BudgetBooking)
                .where(BudgetBooking.id == chosen)
                .values(year=BudgetBooking.year + rng.choice([-1, 1]))
            )
        elif action == "department":
            target = rng.choice(departments).id
            db.session.execute(
                update(BudgetBooking).where(BudgetBooking.id == chosen).values(department_id=target)
            )
        elif action == "delete":
            db.session.execute(delete(BudgetBooking).where(BudgetBooking.id == chosen))
        else:  # the enrolment goes, its booking with it (ON DELETE CASCADE)
            enrolment_id = db.session.scalar(
                select(BudgetBooking.enrolment_id).where(BudgetBooking.id == chosen)
            )
            db.session.expunge_all()
            db.session.execute(delete(Enrolment).where(Enrolment.id == enrolment_id))
        db.session.flush()
        assert nonzero(sums_of_bookings()) == kept_totals(), (step, action)


def test_the_ledger_paths_keep_the_totals_and_the_figures_read_them(db):
    parent = factories.department()
    child = factories.department(parent=parent)
    session = paid_session("250.00")
    places = []
    for department in (parent, child, child):
        employee, user = person(department)
        places.append((request_enrolment(user, employee, session, NOW), user))
    own_user = places[0][1]
    cancel(own_user, places[0][0], NOW)  # the person, in time: released
    year = budget_year(session)
    budget(parent, year, "10000.00")
    db.session.flush()
    assert nonzero(sums_of_bookings()) == kept_totals()
    own = own_figures(year, {parent.id, child.id})
    assert own[child.id].committed == Decimal("500.00")
    assert own[parent.id].committed == 0  # its place was released
    charged = holders([child], [year])[(child.id, year)]  # the parent's budget, subtree
    assert charged.department_id == parent.id
    assert (charged.figures.committed, charged.figures.budget) == (
        Decimal("500.00"),
        Decimal("10000.00"),
    )
