"""Booking places against the budget, following the enrolment lifecycle.

Every state change of an enrolment (``courses.signals.enrolment_changed``, sent by the
one place that writes them, whatever the path: request, approval, automatic move-up, HR
promotion, cancellation, attendance, result) books the place:

- confirmed → **committed** (the participant's department, the year the session starts);
- cancelled before the cancellation deadline → **released** (costs nothing);
- cancelled late, no-show → **spent**, kept with the reason;
- attended, completed, not passed → **spent**.

The session's fixed costs (trainer, room) are split over its charged places, so whenever
that number changes every charged place of the session is priced again; the shares always
add up to the fixed costs exactly. Price changes in the catalogue reach committed places
with the tick step ``budgets`` (``reprice_open``). The services run inside the
enrolment's transaction, with the session row locked by the enrolment service.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from academy.clock import to_berlin
from academy.extensions import db
from courses.budgets.costs import place_costs, session_costs
from courses.budgets.models import CHARGED, BookingState, BudgetBooking
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession

#: Enrolment state → (booking state, reason) for the states that cost money.
_CHARGES = {
    EnrolmentState.CONFIRMED.value: (BookingState.COMMITTED, None),
    EnrolmentState.ATTENDED.value: (BookingState.SPENT, "attended"),
    EnrolmentState.COMPLETED.value: (BookingState.SPENT, "completed"),
    EnrolmentState.FAILED.value: (BookingState.SPENT, "failed"),
    EnrolmentState.NO_SHOW.value: (BookingState.SPENT, "no_show"),
}


def booking_target(state: str, late_cancellation: bool) -> tuple[BookingState | None, str | None]:
    """What an enrolment in ``state`` books: (booking state, reason); (None, None) for a
    state that never held a place (requests, waiting list, declined, expired)."""
    if state in _CHARGES:
        return _CHARGES[state]
    if state == EnrolmentState.CANCELLED.value:
        if late_cancellation:
            return BookingState.SPENT, "late_cancellation"
        return BookingState.RELEASED, "cancelled"
    return None, None


def budget_year(session: CourseSession) -> int:
    """The budget year of a session: the calendar year of its start in Berlin."""
    return to_berlin(session.starts_at).year


def on_enrolment_changed(enrolment: Enrolment, *, now: datetime, **_: Any) -> None:
    """Receiver of ``courses.signals.enrolment_changed``."""
    book(enrolment, now)


def book(enrolment: Enrolment, now: datetime) -> BudgetBooking | None:
    """Bring the enrolment's booking in line with its state (and price the session's
    places again when the number of charged places changed). Returns the booking."""
    target, reason = booking_target(enrolment.state, bool(enrolment.late_cancellation))
    booking = db.session.scalar(
        select(BudgetBooking).where(BudgetBooking.enrolment_id == enrolment.id)
    )
    if booking is None:
        if target is None or target == BookingState.RELEASED:
            return None  # never held a place: nothing to book or release
        session = enrolment.session
        booking = BudgetBooking(
            enrolment_id=enrolment.id,
            session_id=session.id,
            employee_id=enrolment.employee_id,
            department_id=enrolment.employee.department_id,
            year=budget_year(session),
            state=target.value,
            reason=reason,
            booked_at=now,
            updated_at=now,
        )
        db.session.add(booking)
        db.session.flush()
        reprice_sessions([session.id])
        return booking
    new_state = (target or BookingState.RELEASED).value
    if booking.state == new_state and booking.reason == reason:
        return booking
    charged_before = booking.state in CHARGED
    booking.state = new_state
    booking.reason = reason
    booking.updated_at = now
    if new_state not in CHARGED:
        set_amounts(booking, None)
    db.session.flush()
    if charged_before != (new_state in CHARGED):
        reprice_sessions([booking.session_id])
    return booking


def set_amounts(booking: BudgetBooking, place: Any) -> bool:
    """Give the booking the charge of ``place`` (None: nothing); True if it changed."""
    values = {
        "price": place.price if place else 0,
        "trainer_share": place.trainer_share if place else 0,
        "room_share": place.room_share if place else 0,
        "travel": place.travel if place else 0,
        "amount": place.amount if place else 0,
    }
    changed = False
    for name, value in values.items():
        if getattr(booking, name) != value:
            setattr(booking, name, value)
            changed = True
    return changed


def reprice_sessions(session_ids: Iterable[int]) -> int:
    """Price every charged place of these sessions again; returns how many bookings
    changed."""
    ids = sorted(set(session_ids))
    if not ids:
        return 0
    costs = session_costs(ids)
    bookings = list(
        db.session.scalars(
            select(BudgetBooking)
            .where(BudgetBooking.session_id.in_(ids), BudgetBooking.state.in_(CHARGED))
            .order_by(BudgetBooking.session_id, BudgetBooking.enrolment_id)
        )
    )
    by_session: dict[int, list[BudgetBooking]] = {}
    for booking in bookings:
        by_session.setdefault(booking.session_id, []).append(booking)
    changed = 0
    for session_id, rows in by_session.items():
        cost = costs.get(session_id)
        if cost is None:
            continue
        for booking, place in zip(rows, place_costs(cost, len(rows)), strict=True):
            changed += set_amounts(booking, place)
    db.session.flush()
    return changed
