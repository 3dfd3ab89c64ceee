"""Certificates: immutable snapshots of what someone achieved, verifiable by code."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db


class Certificate(db.Model):
    """A Teilnahmebescheinigung / Zertifikat. Everything shown on it is copied at issue
    time (name, title, UE, dates, competences, issuer), so a later change of name or
    course does not alter it. ``serial`` is ``<year>-<number>`` with a number per year;
    ``code`` is the random verification code (≥ 80 bits, grouped for reading).
    Revocation keeps the row, code and URL; a reissue points to the one it replaces."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # course | programme | external
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL"), unique=True
    )
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    #: Programme certificates: the graduated cohort member (one certificate each).
    cohort_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort_members.id", ondelete="SET NULL"), unique=True
    )
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_hash: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    ue: Mapped[int | None] = mapped_column(Integer)
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date] = mapped_column(Date)
    competences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    issuer_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    expiry_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    def status(self, today: date) -> str:
        """``revoked``, ``expired`` or ``valid``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.valid_until is not None and self.valid_until < today:
            return "expired"
        return "valid"
