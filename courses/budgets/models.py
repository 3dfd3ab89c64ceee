"""Training budgets per department and year, and the bookings of places against them.

A booking is one row per enrolment that ever held a place: what the place costs (course
price, the share of the trainer's fee and of the room, travel costs of an external
training) and whether the money is ``committed`` (a confirmed place: released again if
it is cancelled before the deadline) or ``spent`` (attended, completed, failed, or kept
on a late cancellation or no-show). A place cancelled in time is ``released`` and costs
nothing. Amounts are exact decimals in euros (``Numeric(12, 2)``), never floats.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department

#: Every amount column: up to 9,999,999,999.99 euros, exact.
Money = Numeric(12, 2)


class BookingState(enum.StrEnum):
    COMMITTED = "committed"
    SPENT = "spent"
    RELEASED = "released"


#: States in which a booking costs money.
CHARGED = (BookingState.COMMITTED.value, BookingState.SPENT.value)

BOOKING_LABELS = {
    BookingState.COMMITTED: N_("Committed"),
    BookingState.SPENT: N_("Spent"),
    BookingState.RELEASED: N_("Released"),
}

#: Why a booking is spent although nobody attended (or why it was released).
REASON_LABELS = {
    "attended": N_("attended"),
    "completed": N_("completed"),
    "failed": N_("not passed"),
    "no_show": N_("did not attend (costs kept)"),
    "late_cancellation": N_("late cancellation (costs kept)"),
    "cancelled": N_("cancelled in time"),
}


class TrainingBudget(db.Model):
    """The training budget a department has for one calendar year (Haushaltsjahr)."""

    __tablename__ = "training_budgets"
    __table_args__ = (
        UniqueConstraint("department_id", "year"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()


class BudgetBooking(db.Model):
    """The cost of one place, booked against the participant's department (the one they
    belonged to when the place was confirmed) in the year the session starts."""

    __tablename__ = "budget_bookings"
    __table_args__ = (
        Index("ix_budget_bookings_year_department_state", "year", "department_id", "state"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"), index=True)
    #: None once the retention period after the person left has passed.
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(30))
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    trainer_share: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    room_share: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    travel: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()

    @property
    def is_charged(self) -> bool:
        return self.state in CHARGED


class BudgetBookingTotal(db.Model):
    """The sum of a department's bookings per year and state, kept by the database itself:
    triggers on ``budget_bookings`` (migration ``0018_budget_totals``) add every inserted
    booking, take back every deleted one and move every changed one — whatever writes it
    (the ledger's bulk statements, a cascade from a deleted enrolment). A subtree's figures
    then sum one row per department and state instead of every booking of the subtree.
    Never written by the application; ``tests/courses/budgets/test_totals.py`` checks
    that the rows equal the bookings' sums after random changes."""

    __tablename__ = "budget_booking_totals"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
