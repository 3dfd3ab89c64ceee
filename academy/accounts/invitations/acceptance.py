"""Using an invitation: the person opens the link, sets a password and has an account,
linked to their personnel record, with the e-mail address the link was sent to.

The link works once: the invitation is claimed with a conditional UPDATE (not used, not
replaced, not expired), so two tabs or two hosts cannot both create an account with it.
A password that the rules of ``academy.auth.passwords`` refuse claims nothing: the link
stays usable. Plain service functions: ``now`` is an argument, they flush only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.invitations.sending import hash_token
from academy.accounts.management import create_account
from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.passwords import MIN_LENGTH, own_names, password_problem
from academy.errors import Conflict, DomainError, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee

#: Longest token looked up (``token_urlsafe(32)`` gives 43 characters).
TOKEN_MAX = 100


class InvitationUnusable(DomainError):
    """The link cannot be used (unknown, used, replaced, expired, switched off)."""

    status_code = 404


UNKNOWN = N_(
    "This link is not valid. Please check that you opened the complete link from the "
    "e-mail, or ask HR development for a new invitation."
)
USED = N_(
    "This link has already been used to set a password. Please sign in with your e-mail "
    "address and password."
)
REPLACED = N_(
    "A newer invitation has been sent to you: this link no longer works. Please use the "
    "link from the most recent e-mail."
)
EXPIRED = N_(
    "This link has expired. Please ask HR development for a new invitation; it will be "
    "sent to you by e-mail."
)
SWITCHED_OFF = N_(
    "Signing in with a password is switched off here. Please sign in with your work account."
)


@dataclass(frozen=True)
class OpenInvitation:
    """What the page to set a password shows."""

    invitation: AccountInvitation
    employee: Employee


def _status_error(invitation: AccountInvitation | None, now: datetime) -> InvitationUnusable:
    if invitation is None:
        return InvitationUnusable(UNKNOWN)
    status = invitation.status(now)
    message = {"used": USED, "replaced": REPLACED, "expired": EXPIRED}.get(status, UNKNOWN)
    error = InvitationUnusable(message)
    if status in ("used", "replaced", "expired"):
        error.status_code = 410
    return error


def open_invitation(token: str, now: datetime) -> OpenInvitation:
    """The open invitation of ``token``, or ``InvitationUnusable`` saying why not."""
    if not current_app.config.get("LOCAL_LOGIN", True):
        raise InvitationUnusable(SWITCHED_OFF)
    token = (token or "").strip()
    if not token or len(token) > TOKEN_MAX or not token.isascii():
        raise InvitationUnusable(UNKNOWN)
    invitation = db.session.scalar(
        select(AccountInvitation).where(AccountInvitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.status(now) != "open":
        raise _status_error(invitation, now)
    return OpenInvitation(invitation, invitation.employee)


def _claim(invitation: AccountInvitation, now: datetime) -> None:
    claimed = db.session.execute(
        update(AccountInvitation)
        .where(
            AccountInvitation.id == invitation.id,
            AccountInvitation.used_at.is_(None),
            AccountInvitation.replaced_at.is_(None),
            AccountInvitation.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(invitation)
        raise _status_error(invitation, now)


def accept(token: str, password: str, repeat: str, now: datetime) -> User:
    """Create the person's account with ``password`` and use up the link; the new
    account (the view signs it in and commits)."""
    found = open_invitation(token, now)
    invitation, employee = found.invitation, found.employee
    if password != repeat:
        raise ValidationFailed(N_("The passwords do not match."), field="repeat")
    problem = password_problem(
        password, email=invitation.email, names=own_names(employee.full_name, employee)
    )
    if problem:
        raise ValidationFailed(problem, field="password", n=MIN_LENGTH)
    if not employee.active:
        raise InvitationUnusable(UNKNOWN)
    existing = db.session.scalar(select(User.id).where(User.employee_id == employee.id))
    if existing is not None:
        raise Conflict(N_("You already have an account. Please sign in."))
    _claim(invitation, now)
    user = create_account(
        None,
        email=invitation.email,
        display_name=employee.full_name,
        password=password,
        employee=employee,
    )
    user.created_at = now
    invitation.user_id = user.id
    record(user, "invitation.accepted", "employee", employee.id, to_state="used", now=now)
    db.session.flush()
    return user
