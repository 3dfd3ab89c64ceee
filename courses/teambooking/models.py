"""Heads book for their team: seats a head reserves on a session for their unit, the
enrolments made from them, and proposals from the team's training plan that members
accept or decline.

A reservation holds seats out of general sale: ``CourseSession.reserved_seats`` counts
the seats held and not yet given to anyone, and the seat counter's conditional UPDATE
(``courses.enrolment.lifecycle.take_seat``) leaves them alone. Giving a held seat to a
member moves it from ``reserved_seats`` to ``confirmed_count`` in one conditional
UPDATE; releasing the rest hands it back to general sale (and the waiting list).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment
from courses.sessions.models import CourseSession


class Reservation(db.Model):
    """Seats of a session held for a head's unit until ``release_at`` (then, or when the
    head or HR releases them earlier, the seats not given to anyone go back on sale)."""

    __tablename__ = "seat_reservations"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("filled >= 0 AND filled <= seats", name="filled_within_seats"),
        Index("ix_seat_reservations_open", "released_at", "release_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    release_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    release_reason: Mapped[str | None] = mapped_column(Text)
    #: Seats handed back to general sale by the release.
    returned: Mapped[int | None] = mapped_column(Integer)

    session: Mapped[CourseSession] = relationship()
    department: Mapped[Department] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])

    @property
    def is_open(self) -> bool:
        return self.released_at is None

    @property
    def held(self) -> int:
        """Seats still held for the unit (none once released)."""
        return self.seats - self.filled if self.released_at is None else 0


class ReservedPlace(db.Model):
    """An enrolment that took one of a reservation's seats."""

    __tablename__ = "reserved_places"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("seat_reservations.id", ondelete="CASCADE"), index=True
    )

    enrolment: Mapped[Enrolment] = relationship()


class ProposalState(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


PROPOSAL_LABELS = {
    ProposalState.OPEN: N_("Awaiting answer"),
    ProposalState.ACCEPTED: N_("Accepted"),
    ProposalState.DECLINED: N_("Declined"),
    ProposalState.WITHDRAWN: N_("Withdrawn"),
    ProposalState.EXPIRED: N_("Expired"),
}


class Proposal(db.Model):
    """A head proposes a session to a member (from the team's training plan): the member
    accepts (→ an enrolment, approved by the head's proposal) or declines, with an
    optional reason. Open proposals expire at the session's enrolment deadline."""

    __tablename__ = "enrolment_proposals"
    __table_args__ = (
        Index(
            "uq_enrolment_proposals_open",
            "employee_id",
            "session_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
        Index("ix_enrolment_proposals_employee_state", "employee_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=ProposalState.OPEN.value)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL")
    )

    session: Mapped[CourseSession] = relationship()
    course: Mapped[Course] = relationship()
    employee: Mapped[Employee] = relationship()
    proposed_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.state == ProposalState.OPEN
