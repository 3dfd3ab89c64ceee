"""Requests for training outside the catalogue (conferences, KommunalCampus offers,
certifications), their competences and attachments.

A request goes ``pending_head`` → ``pending_hr`` (→ ``pending_second`` above
``EXTERNAL_SECOND_APPROVAL_EUR``) → ``approved``; any decider may decline it
(``declined``) and the employee may withdraw it while it is open (``withdrawn``). An
approved request becomes an enrolment in a session of a course of its own that the
catalogue does not show (``Course.external``), so attendance, completion, evidence,
certificate and budget follow the usual rules.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.org.models import Employee


class RequestState(enum.StrEnum):
    PENDING_HEAD = "pending_head"
    PENDING_HR = "pending_hr"
    PENDING_SECOND = "pending_second"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


#: States in which a request still waits for a decision.
OPEN_STATES = (RequestState.PENDING_HEAD, RequestState.PENDING_HR, RequestState.PENDING_SECOND)

STATE_LABELS = {
    RequestState.PENDING_HEAD: N_("Awaiting the department head"),
    RequestState.PENDING_HR: N_("Awaiting HR development"),
    RequestState.PENDING_SECOND: N_("Awaiting a second approval by HR development"),
    RequestState.APPROVED: N_("Approved"),
    RequestState.DECLINED: N_("Declined"),
    RequestState.WITHDRAWN: N_("Withdrawn"),
}


class AttachmentKind(enum.StrEnum):
    OFFER = "offer"
    CERTIFICATE = "certificate"


ATTACHMENT_LABELS = {
    AttachmentKind.OFFER: N_("Offer or programme"),
    AttachmentKind.CERTIFICATE: N_("Certificate of attendance"),
}


class ExternalRequest(db.Model):
    __tablename__ = "external_requests"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("cost >= 0 AND travel_cost >= 0", name="costs_not_negative"),
        Index("ix_external_requests_state_submitted", "state", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(200))
    duration_ue: Mapped[int] = mapped_column(Integer)
    cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    travel_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    head_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    head_comment: Mapped[str | None] = mapped_column(Text)
    hr_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hr_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    second_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("course_sessions.id"), unique=True)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolments.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee] = relationship()
    competences: Mapped[list[ExternalRequestCompetence]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="ExternalRequestCompetence.competence_id",
    )
    attachments: Mapped[list[ExternalAttachment]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="ExternalAttachment.id",
    )

    @property
    def total(self) -> Decimal:
        """What the training costs the budget: fee and travel."""
        return self.cost + self.travel_cost

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ExternalRequestCompetence(db.Model):
    """A competence the training serves, at the level it is meant to reach."""

    __tablename__ = "external_request_competences"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("external_requests.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(
        ForeignKey("competences.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[int] = mapped_column(Integer)

    request: Mapped[ExternalRequest] = relationship(back_populates="competences")
    competence: Mapped[Competence] = relationship()


class ExternalAttachment(db.Model):
    """A file of a request (the offer, the certificate of attendance), stored outside
    the web root under a random name; ``filename`` is only shown and offered again."""

    __tablename__ = "external_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("external_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[ExternalRequest] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()
