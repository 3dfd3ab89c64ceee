"""Fast-track programmes (Nachwuchs-/Fast-Track-Programme): the programme with its
curriculum and target competences, cohorts with their selection criteria, and the
states of everything (applications, members, decisions). The applications, scores,
council reviews, members and sign-offs are in ``talent.programmes.cohort_models``.

Course progress is derived from completed enrolments (``courses.enrolment.models.Enrolment``), never
copied; milestones are signed off as rows. Scores, council decisions and every state
change are kept (and audited), so the selection stays documented.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.org.models import JobRole
from courses.catalogue.models import Course


class MilestoneKind(enum.StrEnum):
    PROJECT = "project"
    ROTATION = "rotation"
    MENTORING = "mentoring"
    PRESENTATION = "presentation"
    OTHER = "other"


MILESTONE_KIND_LABELS = {
    MilestoneKind.PROJECT: N_("Project"),
    MilestoneKind.ROTATION: N_("Rotation into another department"),
    MilestoneKind.MENTORING: N_("Mentoring talk"),
    MilestoneKind.PRESENTATION: N_("Final presentation"),
    MilestoneKind.OTHER: N_("Other milestone"),
}


class CohortStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    SELECTION = "selection"
    COUNCIL_REVIEW = "council_review"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


COHORT_STATUS_LABELS = {
    CohortStatus.DRAFT: N_("Draft"),
    CohortStatus.OPEN: N_("Open for applications"),
    CohortStatus.SELECTION: N_("Selection"),
    CohortStatus.COUNCIL_REVIEW: N_("Staff council review"),
    CohortStatus.RUNNING: N_("Running"),
    CohortStatus.COMPLETED: N_("Completed"),
    CohortStatus.CANCELLED: N_("Cancelled"),
}


class ApplicationState(enum.StrEnum):
    NOMINATED = "nominated"  # a head nominated; the employee has not yet agreed
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


APPLICATION_STATE_LABELS = {
    ApplicationState.NOMINATED: N_("Nominated (awaiting your consent)"),
    ApplicationState.SUBMITTED: N_("Submitted"),
    ApplicationState.WITHDRAWN: N_("Withdrawn"),
    ApplicationState.ACCEPTED: N_("Accepted"),
    ApplicationState.REJECTED: N_("Not selected"),
}


class Endorsement(enum.StrEnum):
    PENDING = "pending"
    ENDORSED = "endorsed"
    NOT_ENDORSED = "not_endorsed"


ENDORSEMENT_LABELS = {
    Endorsement.PENDING: N_("Awaiting the head's statement"),
    Endorsement.ENDORSED: N_("Endorsed"),
    Endorsement.NOT_ENDORSED: N_("Not endorsed"),
}


class MemberState(enum.StrEnum):
    ACTIVE = "active"
    GRADUATED = "graduated"
    DROPPED_OUT = "dropped_out"


MEMBER_STATE_LABELS = {
    MemberState.ACTIVE: N_("Active"),
    MemberState.GRADUATED: N_("Graduated"),
    MemberState.DROPPED_OUT: N_("Dropped out"),
}


class CouncilDecision(enum.StrEnum):
    CONSENT = "consent"
    OBJECTION = "objection"


class Programme(db.Model):
    """A fast-track programme: what it is, how long it runs, its curriculum (required
    courses and milestones, each due a number of days after the cohort start) and the
    competences it aims at."""

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("length_months >= 1", name="length_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    length_months: Mapped[int] = mapped_column(Integer)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    courses: Mapped[list[ProgrammeCourse]] = relationship(
        back_populates="programme",
        order_by="ProgrammeCourse.due_offset_days",
        cascade="all, delete-orphan",
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="programme",
        order_by="Milestone.due_offset_days",
        cascade="all, delete-orphan",
    )
    targets: Mapped[list[ProgrammeTarget]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )


class ProgrammeCourse(db.Model):
    """A required course of the curriculum; any completed enrolment of the person in it
    counts (also one from before the cohort started)."""

    __tablename__ = "programme_courses"
    __table_args__ = (
        UniqueConstraint("programme_id", "course_id"),
        CheckConstraint("due_offset_days >= 0", name="offset_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    due_offset_days: Mapped[int] = mapped_column(Integer)

    programme: Mapped[Programme] = relationship(back_populates="courses")
    course: Mapped[Course] = relationship()


class Milestone(db.Model):
    """A milestone of the curriculum (project, rotation, mentoring talk, final
    presentation …), due a number of days after the cohort start."""

    __tablename__ = "programme_milestones"
    __table_args__ = (CheckConstraint("due_offset_days >= 0", name="offset_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    due_offset_days: Mapped[int] = mapped_column(Integer)

    programme: Mapped[Programme] = relationship(back_populates="milestones")


class ProgrammeTarget(db.Model):
    """A competence the programme aims at, with the level it should reach."""

    __tablename__ = "programme_targets"
    __table_args__ = (
        UniqueConstraint("programme_id", "competence_id"),
        CheckConstraint("level >= 1", name="level_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    competence_id: Mapped[int] = mapped_column(ForeignKey("competences.id"))
    level: Mapped[int] = mapped_column(Integer)

    programme: Mapped[Programme] = relationship(back_populates="targets")
    competence: Mapped[Competence] = relationship()


cohort_job_roles = db.Table(
    "cohort_job_roles",
    db.Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    db.Column("job_role_id", ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    """One intake of a programme. Eligibility is by career stage only — years of service
    (counted at the close of the application window), pay groups, job roles; never age.
    Empty pay-group / job-role lists mean "any"."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("applications_close_on >= applications_open_on", name="window_order"),
        CheckConstraint("ends_on > starts_on", name="dates_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=CohortStatus.DRAFT, index=True)
    applications_open_on: Mapped[date] = mapped_column(Date)
    applications_close_on: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer)
    min_service_years: Mapped[int | None] = mapped_column(Integer)
    max_service_years: Mapped[int | None] = mapped_column(Integer)
    #: Eligible pay groups (e.g. ["E 9a", "E 9b", "A 9"]); empty = any.
    pay_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()
    job_roles: Mapped[list[JobRole]] = relationship(secondary=cohort_job_roles)
    criteria: Mapped[list[SelectionCriterion]] = relationship(
        back_populates="cohort",
        order_by="SelectionCriterion.position",
        cascade="all, delete-orphan",
    )


class SelectionCriterion(db.Model):
    """A selection criterion with its weight; every application gets a score 0–5 per
    criterion, the ranking uses the weighted mean."""

    __tablename__ = "selection_criteria"
    __table_args__ = (CheckConstraint("weight >= 1", name="weight_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    cohort: Mapped[Cohort] = relationship(back_populates="criteria")
