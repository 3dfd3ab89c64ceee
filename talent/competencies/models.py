"""Role profiles (target levels), ratings and external evidence, framework mappings.

Nothing is overwritten: a changed target ends the old row and adds a new one, and every
rating is a dated row, so history can always be shown. The current level is derived
(``talent.competencies.levels``), never stored.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
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
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.org.models import Employee, JobRole


class RatingSource(enum.StrEnum):
    SELF = "self"
    HEAD = "head"
    EXTERNAL = "external"


#: Where a current level came from (course completions are derived, not rated).
SOURCE_LABELS = {
    RatingSource.SELF: N_("Self-assessment"),
    RatingSource.HEAD: N_("Rating by the department head"),
    RatingSource.EXTERNAL: N_("External certificate"),
    "course": N_("Completed course"),
}


class RoleTarget(db.Model):
    """Target level of a competence for a job role (Soll-Profil). The current target is
    the row with ``ended_at`` NULL (at most one, enforced by a partial unique index)."""

    __tablename__ = "role_targets"
    __table_args__ = (
        Index(
            "uq_role_targets_current",
            "job_role_id",
            "competence_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        CheckConstraint("level >= 1", name="level_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"), index=True)
    competence_id: Mapped[int] = mapped_column(ForeignKey("competences.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)

    job_role: Mapped[JobRole] = relationship()
    competence: Mapped[Competence] = relationship()


class Rating(db.Model):
    """A dated statement of someone's level: a self-assessment, a head's rating (with a
    comment) or an external certificate recorded by HR (valid until a date)."""

    __tablename__ = "ratings"
    __table_args__ = (
        Index("ix_ratings_employee_competence", "employee_id", "competence_id", "rated_at"),
        # the latest head rating per person and competence without reading table rows
        Index(
            "ix_ratings_latest", "source", "employee_id", "competence_id", "rated_at", "id", "level"
        ),
        CheckConstraint("level >= 0", name="level_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    competence_id: Mapped[int] = mapped_column(ForeignKey("competences.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    #: External certificates: what and until when it counts.
    evidence_title: Mapped[str | None] = mapped_column(String(300))
    valid_until: Mapped[date | None] = mapped_column(Date)

    employee: Mapped[Employee] = relationship()
    competence: Mapped[Competence] = relationship()
    rated_by: Mapped[User | None] = relationship()


class CompetenceMapping(db.Model):
    """A competence of one framework corresponds to one of another (e.g. DigComp 2.2 →
    DigComp 3.0), so evidence and targets can be compared across frameworks."""

    __tablename__ = "competence_mappings"
    __table_args__ = (UniqueConstraint("source_id", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("competences.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("competences.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(20), default="equivalent")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    source: Mapped[Competence] = relationship(foreign_keys=[source_id])
    target: Mapped[Competence] = relationship(foreign_keys=[target_id])
