"""Mandatory training (Pflichtschulungen): assignments, the people they reach, external
evidence recorded by HR and the markers of reminders already sent.

The status of a person is never stored: it is derived, set-based, from the current
target of the assignment, completed enrolments in its courses, external evidence and
active enrolments (``courses.mandatory.status``). ``mandatory_assignees`` only keeps
*since when* someone is assigned and the first due date that gives them (a new hire
gets N days from entry, existing staff the fixed first due date).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee, JobRole
from courses.catalogue.models import Course


class TargetKind(enum.StrEnum):
    EVERYONE = "everyone"
    JOB_ROLE = "job_role"
    DEPARTMENT = "department"
    PEOPLE = "people"


class Origin(enum.StrEnum):
    """Who maintains an assignment: HR on the mandatory training pages, or the role
    profile (Soll-Profil) of a job role (then it is changed there)."""

    HR = "hr"
    ROLE_PROFILE = "role_profile"


class Status(enum.StrEnum):
    OPEN = "open"
    ENROLLED = "enrolled"
    DONE = "done"
    OVERDUE = "overdue"


TARGET_LABELS = {
    TargetKind.EVERYONE: N_("All staff"),
    TargetKind.JOB_ROLE: N_("Job role"),
    TargetKind.DEPARTMENT: N_("Department with everything below it"),
    TargetKind.PEOPLE: N_("Named people"),
}
STATUS_LABELS = {
    Status.OPEN: N_("Not started"),
    Status.ENROLLED: N_("Enrolled"),
    Status.DONE: N_("Done"),
    Status.OVERDUE: N_("Overdue"),
}
#: Order of the statuses in lists: what needs attention first.
STATUS_ORDER = (Status.OVERDUE, Status.OPEN, Status.ENROLLED, Status.DONE)


class AssignmentCourse(db.Model):
    """A course that satisfies an assignment (any one of a set of equivalent courses)."""

    __tablename__ = "mandatory_courses"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mandatory_assignments.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Assignment(db.Model):
    """HR's (or a role profile's) rule: these people must complete one of these courses,
    new assignees within ``due_days`` of being assigned (their entry date, for new
    hires), existing staff by ``first_due_on``; with ``recurrence_months`` a completion
    is valid that long and the training is due again when it runs out."""

    __tablename__ = "mandatory_assignments"
    __table_args__ = (
        CheckConstraint("due_days >= 0", name="due_days_not_negative"),
        CheckConstraint(
            "recurrence_months IS NULL OR recurrence_months > 0", name="recurrence_positive"
        ),
        Index(
            "uq_mandatory_assignments_role_profile",
            "job_role_id",
            unique=True,
            sqlite_where=text("origin = 'role_profile' AND ended_at IS NULL"),
            postgresql_where=text("origin = 'role_profile' AND ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    target_kind: Mapped[str] = mapped_column(String(20))
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    due_days: Mapped[int] = mapped_column(Integer)
    first_due_on: Mapped[date] = mapped_column(Date)
    recurrence_months: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(20), default=Origin.HR.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(Text)

    job_role: Mapped[JobRole | None] = relationship()
    department: Mapped[Department | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    courses: Mapped[list[Course]] = relationship(
        secondary="mandatory_courses", order_by="Course.code"
    )

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Assignee(db.Model):
    """Since when a person is assigned and the first due date that gives them. Rows of
    named people (``named``) are the target of a "named people" assignment; for job
    roles and departments the rows are written when someone is first found in the
    target (at creation and by the tick step) and only say *since when*."""

    __tablename__ = "mandatory_assignees"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mandatory_assignments.id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    since: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    named: Mapped[bool] = mapped_column(Boolean, default=False)

    employee: Mapped[Employee] = relationship()


class Evidence(db.Model):
    """Proof recorded by HR that a person did the training elsewhere (an external
    certificate, a briefing on paper): counts like a completion until ``valid_until``
    (none: for good). Withdrawn evidence stays, marked, and no longer counts."""

    __tablename__ = "mandatory_evidence"
    __table_args__ = (
        Index("ix_mandatory_evidence_pair", "assignment_id", "employee_id"),
        CheckConstraint(
            "valid_until IS NULL OR valid_until >= completed_on", name="valid_after_completion"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mandatory_assignments.id", ondelete="CASCADE")
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship()
    employee: Mapped[Employee] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class NoticeKind(enum.StrEnum):
    DUE_SOON = "due_soon"
    EXPIRES_SOON = "expires_soon"
    OVERDUE = "overdue"


class SentNotice(db.Model):
    """A reminder already sent: one per person, assignment, kind and due date (the
    unique key is the claim, so two hosts running the tick never send it twice; a new
    cycle of a recurring training has a new due date and is reminded again)."""

    __tablename__ = "mandatory_notices"
    __table_args__ = (
        UniqueConstraint("assignment_id", "employee_id", "kind", "due_on"),
        Index("ix_mandatory_notices_sent", "kind", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("mandatory_assignments.id", ondelete="CASCADE")
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Digest(db.Model):
    """HR's daily digest of people overdue: the day is the claim (primary key)."""

    __tablename__ = "mandatory_digests"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    newly_overdue: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
