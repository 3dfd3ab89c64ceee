"""Enrolments: one person's request for a session and everything that happened to it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession, SessionMeeting


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
        # the pending requests of a subtree (approvals inbox): among the pending ones
        Index("ix_enrolments_state_employee", "state", "employee_id"),
        # covers the completed courses a person's levels are read from (talent)
        Index("ix_enrolments_employee_state", "employee_id", "state", "course_id", "completed_on"),
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


class MeetingAttendance(db.Model):
    """Whether a participant was present at one meeting of their session. The enrolment's
    attended / no-show follows from these once every meeting is recorded
    (``courses.enrolment.attendance``)."""

    __tablename__ = "meeting_attendance"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("session_meetings.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    present: Mapped[bool] = mapped_column(Boolean)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[SessionMeeting] = relationship()
