"""Sessions (dated runs of a course with a capacity), their meetings (the dated parts a
session consists of: one for a day's course, several for a two-day workshop or a
series) and personal calendar feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from courses.catalogue.models import Course
from courses.rooms.models import Room, SessionTrainer


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
    #: ``starts_at``/``ends_at`` are the first meeting's start and the last meeting's end,
    #: ``location``/``online_url`` the first meeting's place (kept by
    #: ``courses.sessions.agenda``), so lists and filters need not read the meetings.

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
    #: Seats held for a head's unit and not yet given to anyone (``courses.teambooking``):
    #: out of general sale, so a seat is free while confirmed + reserved < capacity.
    reserved_seats: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    below_minimum_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    trainer: Mapped[User | None] = relationship()
    meetings: Mapped[list[SessionMeeting]] = relationship(
        back_populates="session",
        order_by=lambda: [SessionMeeting.starts_at, SessionMeeting.id],
        cascade="all, delete-orphan",
    )
    trainer_links: Mapped[list[SessionTrainer]] = relationship(cascade="all, delete-orphan")

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count - (self.reserved_seats or 0), 0)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class SessionMeeting(db.Model):
    """One dated meeting of a session (a day of a workshop, an evening of a series): its
    own times and place (a managed room, a free-text place, an online link).
    ``position`` is its number in the session (0 = the first), by start."""

    __tablename__ = "session_meetings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_session_meetings_session_position", "session_id", "position"),
        Index("ix_session_meetings_room_start", "room_id", "starts_at"),
        Index("ix_session_meetings_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    #: The reminder of a later meeting (the first meeting's is the session's).
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[CourseSession] = relationship(back_populates="meetings")
    room: Mapped[Room | None] = relationship()

    @property
    def place(self) -> str | None:
        """The room's name and building, else the place as entered."""
        return self.room.label if self.room is not None else self.location

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class CalendarFeed(db.Model):
    """A personal iCal feed: the URL holds a random token, only its hash is stored;
    revoking sets ``revoked_at`` and a new token can be made."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
