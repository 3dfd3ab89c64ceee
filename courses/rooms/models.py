"""Rooms and trainers, the resources a session books: a room per meeting (optional), one
or more trainers per session (``SessionTrainer``). ``Room.cost_per_day`` and
``Trainer.fee_per_day`` are exact euro amounts (Numeric(10, 2), optional) that the
budgets read to cost a place."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_


class Room(db.Model):
    """A training room with its seats, address, accessibility and equipment."""

    __tablename__ = "rooms"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("cost_per_day IS NULL OR cost_per_day >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    building: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    equipment: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    cost_per_day: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        """How the room is named as a place: "Rathaus, Raum 2.14"."""
        return f"{self.building}, {self.name}" if self.building else self.name


class TrainerKind(enum.StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"


TRAINER_KIND_LABELS = {
    TrainerKind.INTERNAL: N_("Internal (employee)"),
    TrainerKind.EXTERNAL: N_("External"),
}


class Trainer(db.Model):
    """Someone who trains: internal (an account of the administration; name and e-mail
    come from it) or external (name, organisation, contact and fee recorded here)."""

    __tablename__ = "trainers"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'internal' AND user_id IS NOT NULL) OR "
            "(kind = 'external' AND user_id IS NULL AND name IS NOT NULL)",
            name="kind_fields",
        ),
        CheckConstraint("fee_per_day IS NULL OR fee_per_day >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    fee_per_day: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()

    @property
    def is_internal(self) -> bool:
        return self.kind == TrainerKind.INTERNAL

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return self.name or "–"

    @property
    def contact_email(self) -> str | None:
        return self.user.email if self.user is not None else self.email

    @property
    def label(self) -> str:
        """The name with the organisation of an external trainer."""
        if self.organisation and not self.is_internal:
            return f"{self.display_name} ({self.organisation})"
        return self.display_name


class SessionTrainer(db.Model):
    """A trainer of a session. The lead (``is_lead``) is the account in
    ``CourseSession.trainer_id`` when that account is an internal trainer; the others
    train with them."""

    __tablename__ = "session_trainers"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)

    trainer: Mapped[Trainer] = relationship()
