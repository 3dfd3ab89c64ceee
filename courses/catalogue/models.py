"""The catalogue: categories, courses, their competence outcomes and prerequisites."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_


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
    #: A training bought outside the catalogue for one approved request
    #: (``courses.external``): archived from the start, never in the catalogue.
    external: Mapped[bool] = mapped_column(Boolean, default=False)
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
