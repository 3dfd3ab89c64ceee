"""What happens in a cohort: applications (and nominations), HR's scores, the staff
council's reviews, the members and their milestone sign-offs. Scores, council decisions
and every state change are kept (and audited), so the selection stays documented."""

from __future__ import annotations

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

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.org.models import Employee
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    Endorsement,
    MemberState,
    Milestone,
    SelectionCriterion,
)


class Application(db.Model):
    """An employee's application to a cohort (or a head's nomination the employee still
    has to agree to). One per person and cohort; withdrawing and applying again reuses it.
    ``proposed`` is HR's selection proposal; it becomes accepted/rejected only after the
    staff council consented and HR sent the decisions."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("cohort_id", "employee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), default=ApplicationState.SUBMITTED, index=True)
    motivation: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    nomination_note: Mapped[str | None] = mapped_column(Text)
    endorsement: Mapped[str] = mapped_column(String(20), default=Endorsement.PENDING)
    endorsed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    endorsement_comment: Mapped[str | None] = mapped_column(Text)
    endorsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    employee: Mapped[Employee] = relationship()
    nominated_by: Mapped[User | None] = relationship(foreign_keys=[nominated_by_id])
    endorsed_by: Mapped[User | None] = relationship(foreign_keys=[endorsed_by_id])


class Score(db.Model):
    """HR's score (0–5) of one application on one criterion, with a comment. Changing a
    score updates the row and writes the old and new value to the audit log."""

    __tablename__ = "application_scores"
    __table_args__ = (
        UniqueConstraint("application_id", "criterion_id"),
        CheckConstraint("score >= 0 AND score <= 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("selection_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    criterion: Mapped[SelectionCriterion] = relationship()


class CouncilReview(db.Model):
    """HR's submission of a selection proposal to the staff council and the council's
    answer. One row per submission; ``proposal`` keeps the proposed application ids and
    their weighted scores as submitted, so the documentation does not change later."""

    __tablename__ = "council_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposal: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class CohortMember(db.Model):
    """A selected person in a running cohort, with a mentor (an employee who is not a
    member of the same cohort)."""

    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "employee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), unique=True
    )
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), default=MemberState.ACTIVE, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    graduated_on: Mapped[date | None] = mapped_column(Date)
    dropped_out_on: Mapped[date | None] = mapped_column(Date)
    drop_out_reason: Mapped[str | None] = mapped_column(Text)

    cohort: Mapped[Cohort] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    mentor: Mapped[Employee | None] = relationship(foreign_keys=[mentor_id])


class MilestoneSignoff(db.Model):
    """A milestone met by a member, signed off by the mentor or HR."""

    __tablename__ = "milestone_signoffs"
    __table_args__ = (UniqueConstraint("member_id", "milestone_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("cohort_members.id", ondelete="CASCADE"), index=True
    )
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("programme_milestones.id", ondelete="CASCADE")
    )
    met_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    signed_off_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    milestone: Mapped[Milestone] = relationship()
    signed_off_by: Mapped[User | None] = relationship()
