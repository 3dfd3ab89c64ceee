"""Accounts, roles, login sessions and login attempts (for throttling)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee


class Role(enum.StrEnum):
    """Roles a person can hold. ``employee`` comes with a personnel record; ``head`` is
    derived from being head of a department (scope: that department's subtree)."""

    EMPLOYEE = "employee"
    HEAD = "head"
    HR = "hr"
    TRAINER = "trainer"
    COUNCIL = "council"
    ADMIN = "admin"


#: English source labels (translated in templates with ``_()``).
ROLE_LABELS: dict[Role, str] = {
    Role.EMPLOYEE: N_("Employee"),
    Role.HEAD: N_("Department head"),
    Role.HR: N_("HR development"),
    Role.TRAINER: N_("Trainer"),
    Role.COUNCIL: N_("Staff council"),
    Role.ADMIN: N_("Administrator"),
}

#: Roles an administrator assigns explicitly; the other two are derived.
ASSIGNABLE_ROLES = (Role.HR, Role.TRAINER, Role.COUNCIL, Role.ADMIN)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_identity", "identity_provider", "external_subject", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The directory identity the account is linked to (``academy.auth.signon``): the
    #: provider (``oidc:<issuer>`` or ``ldap``) and the person's stable id there.
    identity_provider: Mapped[str | None] = mapped_column(String(255))
    external_subject: Mapped[str | None] = mapped_column(String(255))

    employee: Mapped[Employee | None] = relationship()
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleAssignment.user_id",
    )

    #: The token of the login session this object was loaded for (never stored).
    session_token: ClassVar[str | None] = None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login keeps the session token, not the user id
        return self.session_token or ""

    @property
    def assigned_roles(self) -> set[Role]:
        """Every role held by assignment: local ones and those from directory groups."""
        return {Role(a.role) for a in self.role_assignments}

    @property
    def local_roles(self) -> set[Role]:
        """Roles an administrator assigned here."""
        return {Role(a.role) for a in self.role_assignments if a.local}

    @property
    def directory_roles(self) -> set[Role]:
        """Roles from the person's directory groups (``ROLE_GROUPS``), as of the last sign-in."""
        return {Role(a.role) for a in self.role_assignments if a.directory}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleAssignment(db.Model):
    """One role of an account. It is held while an administrator assigned it (``local``)
    or the person's directory groups grant it (``directory``, synchronised at every
    sign-in): the union of both sources, so the stronger grant wins. One row per role."""

    __tablename__ = "role_assignments"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    local: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    directory: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="role_assignments", foreign_keys=[user_id])


class UserSession(db.Model):
    """A server-side login session. The cookie carries a random token; only its hash is
    stored, so logging out (deleting the row) ends the session on every worker."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    #: The OpenID Connect ID token of a sign-on session: the hint for the provider's logout.
    id_token: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """A failed attempt, shared by all workers: a login (``key`` ``account:<e-mail>``,
    whether the account exists or not) or an unknown verification code
    (``verify:<address>``), with the client's address (see ``academy.auth.throttle``)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_key_at", "key", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))
