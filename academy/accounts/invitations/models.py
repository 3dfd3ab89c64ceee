"""Invitations to set a password: a one-time link sent to a member of staff without an
account. Only the SHA-256 of the link's token is stored; the link works once, until
``expires_at``, and a newer invitation of the same person replaces it
(``replaced_at``). At most one open invitation per person (a partial unique index)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.models import User
from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.org.models import Employee

#: The rows that are still open (neither used nor replaced; expiry is checked by time).
OPEN = "used_at IS NULL AND replaced_at IS NULL"


class AccountInvitation(db.Model):
    __tablename__ = "account_invitations"
    __table_args__ = (
        Index(
            "uq_account_invitations_open_per_employee",
            "employee_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    #: Where the link was sent (the personnel record's address at the time).
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The account created with the link.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))

    employee: Mapped[Employee] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def status(self, now: datetime) -> str:
        """``used``, ``replaced``, ``expired`` or ``open``."""
        if self.used_at is not None:
            return "used"
        if self.replaced_at is not None:
            return "replaced"
        if self.expires_at <= now:
            return "expired"
        return "open"
