"""Sessions (dated runs of a course with a capacity) and personal calendar feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from courses.catalogue.models import Course


class CourseSession(db.Model):
    """A dated run of a course (Termin). ``confirmed_count`` is the seat counter that
    guards capacity: a seat is taken by ``UPDATE … SET confirmed_count = confirmed_count
    + 1 WHERE confirmed_count < capacity`` and the CHECK constraint backs it up."""

    __tablename__ = "course_sessions"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= capacity", name="seats_within_capacity"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_course_sessions_course_start", "course_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    min_participants: Mapped[int] = mapped_column(Integer, default=0)
    enrolment_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    cancellation_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    below_minimum_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    trainer: Mapped[User | None] = relationship()

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class CalendarFeed(db.Model):
    """A personal iCal feed: the URL holds a random token, only its hash is stored;
    revoking sets ``revoked_at`` and a new token can be made."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
