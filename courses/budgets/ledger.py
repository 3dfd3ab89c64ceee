"""The ledger as a whole: booking every enrolment again from its state (``rebuild``:
after the upgrade for the enrolments that existed before budgets, and for the demo data)
and pricing open bookings again when prices changed (``reprice_open``, the tick step).

Both work in bulk: a fixed number of statements per chunk of sessions, changed rows
written with one executemany. Both are idempotent; a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from academy.clock import to_berlin
from academy.database import begin_write
from academy.extensions import db
from academy.org.models import Employee
from courses.budgets.bookings import booking_target
from courses.budgets.costs import place_costs, session_costs
from courses.budgets.models import CHARGED, BookingState, BudgetBooking
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession

CHUNK = 500
AMOUNTS = ("price", "trainer_share", "room_share", "travel", "amount")
#: Enrolment states that hold (or held) a place.
_BOOKED_STATES = [
    s.value
    for s in (
        EnrolmentState.CONFIRMED,
        EnrolmentState.ATTENDED,
        EnrolmentState.COMPLETED,
        EnrolmentState.FAILED,
        EnrolmentState.NO_SHOW,
        EnrolmentState.CANCELLED,
    )
]


@dataclass
class LedgerResult:
    booked: int = 0  #: new bookings
    changed: int = 0  #: bookings whose state changed
    repriced: int = 0  #: bookings whose amounts changed

    def summary(self) -> str:
        return (
            f"Budgetbuchungen: {self.booked} neu, {self.changed} mit neuem Stand, "
            f"{self.repriced} neu berechnet."
        )


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def rebuild(now: datetime) -> LedgerResult:
    """Book every enrolment that holds or held a place as its state says (new bookings
    for places confirmed before budgets existed), then price every session again."""
    begin_write()
    result = LedgerResult()
    existing = {
        row.enrolment_id: row
        for row in db.session.execute(
            select(
                BudgetBooking.id,
                BudgetBooking.enrolment_id,
                BudgetBooking.state,
                BudgetBooking.reason,
            )
        )
    }
    rows = db.session.execute(
        select(
            Enrolment.id,
            Enrolment.session_id,
            Enrolment.employee_id,
            Enrolment.state,
            Enrolment.late_cancellation,
            Enrolment.cancelled_at,
            Enrolment.confirmed_at,
            Employee.department_id,
            CourseSession.starts_at,
        )
        .join(Employee, Employee.id == Enrolment.employee_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.state.in_(_BOOKED_STATES))
        .order_by(Enrolment.id)
    ).all()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        target, reason = booking_target(row.state, bool(row.late_cancellation))
        if target is None:
            continue
        known = existing.get(row.id)
        if known is None:
            if row.state == EnrolmentState.CANCELLED and row.confirmed_at is None:
                continue  # cancelled without ever holding a place: nothing to book
            inserts.append(
                {
                    "enrolment_id": row.id,
                    "session_id": row.session_id,
                    "employee_id": row.employee_id,
                    "department_id": row.department_id,
                    "year": to_berlin(row.starts_at).year,
                    "state": target.value,
                    "reason": reason,
                    **dict.fromkeys(AMOUNTS, 0),
                    "booked_at": row.confirmed_at or now,
                    "updated_at": now,
                }
            )
        elif (known.state, known.reason) != (target.value, reason):
            updates.append(
                {"id": known.id, "state": target.value, "reason": reason, "updated_at": now}
            )
    if inserts:
        db.session.execute(insert(BudgetBooking), inserts)
    if updates:
        db.session.execute(update(BudgetBooking), updates)
    result.booked, result.changed = len(inserts), len(updates)
    sessions = db.session.scalars(select(BudgetBooking.session_id).distinct()).all()
    result.repriced = reprice_in_bulk(sessions)
    db.session.expire_all()
    return result


def _expected(session_ids: list[int]) -> tuple[list[dict[str, Any]], set[int]]:
    """The amount changes these sessions' bookings need, and the sessions they are in."""
    costs = session_costs(session_ids)
    rows = db.session.execute(
        select(
            BudgetBooking.id,
            BudgetBooking.session_id,
            BudgetBooking.state,
            *(getattr(BudgetBooking, a) for a in AMOUNTS),
        )
        .where(BudgetBooking.session_id.in_(session_ids))
        .order_by(BudgetBooking.session_id, BudgetBooking.enrolment_id)
    ).all()
    charged: dict[int, list[Any]] = {}
    changes: list[dict[str, Any]] = []
    for row in rows:
        if row.state in CHARGED:
            charged.setdefault(row.session_id, []).append(row)
        elif any(getattr(row, a) != 0 for a in AMOUNTS):
            changes.append({"id": row.id, **dict.fromkeys(AMOUNTS, 0)})
    for session_id, booked in charged.items():
        cost = costs.get(session_id)
        if cost is None:
            continue
        for row, place in zip(booked, place_costs(cost, len(booked)), strict=True):
            wanted = {
                "price": place.price,
                "trainer_share": place.trainer_share,
                "room_share": place.room_share,
                "travel": place.travel,
                "amount": place.amount,
            }
            if any(getattr(row, a) != wanted[a] for a in AMOUNTS):
                changes.append({"id": row.id, **wanted})
    ids = {c["id"] for c in changes}
    return changes, {r.session_id for r in rows if r.id in ids}


def reprice_in_bulk(session_ids: Iterable[int]) -> int:
    """Price the bookings of these sessions again; returns how many changed."""
    changed = 0
    for part in _chunks(session_ids):
        changes, _sessions = _expected(part)
        if changes:
            db.session.execute(update(BudgetBooking), changes)
            changed += len(changes)
    return changed


def reprice_open(now: datetime) -> str:
    """The tick step ``budgets``: committed places follow price changes of their
    course, trainer or room until the session ends. Only sessions whose bookings differ
    from what they should be are locked and written (normally none)."""
    begin_write()
    open_sessions = db.session.scalars(
        select(BudgetBooking.session_id)
        .join(CourseSession, CourseSession.id == BudgetBooking.session_id)
        .where(BudgetBooking.state == BookingState.COMMITTED.value, CourseSession.ends_at > now)
        .distinct()
    ).all()
    changed = 0
    for part in _chunks(open_sessions):
        _changes, stale = _expected(part)
        if not stale:
            continue
        # Serialise with enrolment changes (they lock the session row) and write what is
        # right under the lock.
        db.session.execute(
            select(CourseSession.id).where(CourseSession.id.in_(sorted(stale))).with_for_update()
        ).all()
        changes, _ = _expected(sorted(stale))
        if changes:
            db.session.execute(update(BudgetBooking), changes)
            changed += len(changes)
    moved = _fix_years(now)
    db.session.commit()
    return (
        f"{changed} Budgetbuchung(en) an geänderte Preise angepasst, "
        f"{moved} in das Haushaltsjahr ihres verlegten Termins umgebucht."
    )


def _fix_years(now: datetime) -> int:
    """Open bookings of a session moved into another year follow it."""
    rows = db.session.execute(
        select(BudgetBooking.id, BudgetBooking.year, CourseSession.starts_at)
        .join(CourseSession, CourseSession.id == BudgetBooking.session_id)
        .where(BudgetBooking.state == BookingState.COMMITTED.value, CourseSession.ends_at > now)
    ).all()
    changes = [
        {"id": booking_id, "year": to_berlin(starts_at).year}
        for booking_id, year, starts_at in rows
        if to_berlin(starts_at).year != year
    ]
    if changes:
        db.session.execute(update(BudgetBooking), changes)
    return len(changes)
