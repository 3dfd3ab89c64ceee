"""Catalogue (categories, courses, outcomes, prerequisites), sessions and enrolments."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.models import Competence, Employee, User


class CourseFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    BLENDED = "blended"
    SELF_PACED = "self_paced"


class CourseLevel(enum.StrEnum):
    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Provider(enum.StrEnum):
    INTERNAL = "internal"
    KOMMUNALCAMPUS = "kommunalcampus"
    EXTERNAL = "external"


class EnrolmentState(enum.StrEnum):
    PENDING = "pending_approval"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    COMPLETED = "completed"
    FAILED = "failed"


#: States in which a person holds (or waits for) a place: at most one per course.
ACTIVE_STATES = (
    EnrolmentState.PENDING,
    EnrolmentState.CONFIRMED,
    EnrolmentState.WAITLISTED,
    EnrolmentState.ATTENDED,
)

FORMAT_LABELS = {
    CourseFormat.IN_PERSON: N_("In person"),
    CourseFormat.ONLINE: N_("Online"),
    CourseFormat.BLENDED: N_("Blended"),
    CourseFormat.SELF_PACED: N_("Self-paced"),
}
LEVEL_LABELS = {
    CourseLevel.BASIC: N_("Basic"),
    CourseLevel.INTERMEDIATE: N_("Intermediate"),
    CourseLevel.ADVANCED: N_("Advanced"),
}
PROVIDER_LABELS = {
    Provider.INTERNAL: N_("Internal"),
    Provider.KOMMUNALCAMPUS: N_("KommunalCampus"),
    Provider.EXTERNAL: N_("External provider"),
}
STATE_LABELS = {
    EnrolmentState.PENDING: N_("Awaiting approval"),
    EnrolmentState.CONFIRMED: N_("Confirmed"),
    EnrolmentState.WAITLISTED: N_("Waiting list"),
    EnrolmentState.DECLINED: N_("Declined"),
    EnrolmentState.EXPIRED: N_("Expired"),
    EnrolmentState.CANCELLED: N_("Cancelled"),
    EnrolmentState.ATTENDED: N_("Attended"),
    EnrolmentState.NO_SHOW: N_("Did not attend"),
    EnrolmentState.COMPLETED: N_("Completed"),
    EnrolmentState.FAILED: N_("Not passed"),
}


class Category(db.Model):
    __tablename__ = "course_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("course_categories.id"), index=True)
    format: Mapped[str] = mapped_column(String(20), default=CourseFormat.IN_PERSON.value)
    duration_ue: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20), default=CourseLevel.BASIC.value)
    provider: Mapped[str] = mapped_column(String(20), default=Provider.INTERNAL.value)
    provider_name: Mapped[str | None] = mapped_column(String(200))
    cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=True)
    validity_months: Mapped[int | None] = mapped_column(Integer)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship()
    outcomes: Mapped[list[CourseOutcome]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )
    prerequisites: Mapped[list[Course]] = relationship(
        secondary="course_prerequisites",
        primaryjoin="Course.id == CoursePrerequisite.course_id",
        secondaryjoin="Course.id == CoursePrerequisite.required_course_id",
    )

    __table_args__ = (CheckConstraint("duration_ue > 0", name="duration_positive"),)


class CourseOutcome(db.Model):
    """Completing the course gives evidence of ``competence`` at ``level``."""

    __tablename__ = "course_outcomes"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(
        ForeignKey("competences.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[int] = mapped_column(Integer)

    course: Mapped[Course] = relationship(back_populates="outcomes")
    competence: Mapped[Competence] = relationship()


class CoursePrerequisite(db.Model):
    __tablename__ = "course_prerequisites"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    required_course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )


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


class Enrolment(db.Model):
    """One person's request for a session and everything that happened to it.

    ``course_id`` repeats the session's course so that the partial unique index can
    enforce one active enrolment per person and course in the database itself."""

    __tablename__ = "enrolments"
    __table_args__ = (
        Index(
            "uq_enrolments_active_per_course",
            "employee_id",
            "course_id",
            unique=True,
            sqlite_where=text(
                "state IN ('pending_approval', 'confirmed', 'waitlisted', 'attended')"
            ),
            postgresql_where=text(
                "state IN ('pending_approval', 'confirmed', 'waitlisted', 'attended')"
            ),
        ),
        Index("ix_enrolments_session_state", "session_id", "state"),
        Index("ix_enrolments_employee_state", "employee_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    state: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: Order on the waiting list: by default the request time as a number; HR re-ranks
    #: by giving a value between two others.
    waitlist_rank: Mapped[float | None] = mapped_column(Float)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_on: Mapped[date | None] = mapped_column(Date)
    result_marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[CourseSession] = relationship()
    course: Mapped[Course] = relationship()
    employee: Mapped[Employee] = relationship()

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class CalendarFeed(db.Model):
    """A personal iCal feed: the URL holds a random token, only its hash is stored;
    revoking sets ``revoked_at`` and a new token can be made."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
