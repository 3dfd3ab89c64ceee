"""Helpers of the budget tests: sessions with a price, an external trainer and a room,
and the bookings of a session read back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from academy.extensions import db
from courses.budgets.models import CHARGED, BudgetBooking, TrainingBudget
from courses.rooms.models import Room, SessionTrainer, Trainer
from courses.sessions.models import CourseSession, SessionMeeting
from tests.courses import factories as cf
from tests.courses.support import upcoming


def paid_session(
    price: str = "0",
    *,
    capacity: int = 10,
    fee: str | None = None,
    room: str | None = None,
    days: int = 1,
    approval: bool = False,
    **fields: object,
) -> CourseSession:
    """An upcoming session of a course costing ``price`` per place, with an external
    trainer paid ``fee`` a day and a room costing ``room`` a day, meeting on ``days``
    days (one meeting a day)."""
    course = cf.course(cost=Decimal(price), requires_approval=approval)
    session = upcoming(course, capacity=capacity, **fields)
    if room is not None:
        place = Room(name=f"Raum {session.id}", capacity=100, cost_per_day=Decimal(room))
        db.session.add(place)
        db.session.flush()
    for day in range(days):
        start = session.starts_at + timedelta(days=day)
        db.session.add(
            SessionMeeting(
                session_id=session.id,
                position=day,
                starts_at=start,
                ends_at=start + timedelta(hours=7),
                room_id=place.id if room is not None else None,
            )
        )
    session.ends_at = session.starts_at + timedelta(days=days - 1, hours=7)
    if fee is not None:
        trainer = Trainer(kind="external", name="Extern Trainerin", fee_per_day=Decimal(fee))
        db.session.add(trainer)
        db.session.flush()
        db.session.add(SessionTrainer(session_id=session.id, trainer_id=trainer.id))
    db.session.flush()
    return session


def bookings(session: CourseSession) -> dict[int, BudgetBooking]:
    """The session's bookings by enrolment id."""
    db.session.flush()
    rows = db.session.scalars(select(BudgetBooking).where(BudgetBooking.session_id == session.id))
    return {b.enrolment_id: b for b in rows}


def charged_total(session: CourseSession) -> Decimal:
    return sum(
        (b.amount for b in bookings(session).values() if b.state in CHARGED), Decimal("0.00")
    )


def budget(dept, year: int, amount: str) -> TrainingBudget:  # type: ignore[no-untyped-def]
    row = TrainingBudget(department_id=dept.id, year=year, amount=Decimal(amount))
    db.session.add(row)
    db.session.flush()
    return row
