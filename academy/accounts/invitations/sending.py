"""Inviting staff without an account: each person gets an e-mail (through the outbox, so
nothing is lost when the mail server is down) with a one-time link to set a password.

- Only people in service, without an account, with a usable e-mail address in their
  personnel record that no other account uses, can be invited; the others are counted
  by reason and left alone.
- A new invitation replaces the person's open one (the old link stops working).
- The link's token is random (256 bits); only its SHA-256 is stored. It works once,
  for ``INVITATION_DAYS`` days.
- Every invitation is audited (``invitation.sent``), naming the person.

Plain service functions: ``actor`` and ``now`` are arguments, they flush and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.models import Role, User
from academy.audit.log import record
from academy.auth.policy import has_role
from academy.database import begin_write
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_, fmt_datetime, translate
from academy.notifications.models import OutboxMessage
from academy.notifications.recipients import usable_address
from academy.org.models import Employee
from academy.web.urls import public_url

#: Ids handled per statement.
CHUNK = 500
#: The most people one request may invite (the whole organisation of a large city).
MAX_PEOPLE = 50_000

#: Why someone was not invited (English source labels, shown translated).
SKIP_REASONS = {
    "has_account": N_("already has an account"),
    "left": N_("no longer in service"),
    "no_address": N_("no usable e-mail address in the personnel record"),
    "address_taken": N_("the e-mail address belongs to another account"),
    "unknown": N_("not found"),
}

SUBJECT = N_("Your access to the Digital Academy")
BODY = N_(
    "Hello %(name)s,\n\n"
    "you have been invited to the Digital Academy of %(org)s, where you find the training "
    "catalogue, your enrolments, your competencies and your certificates.\n\n"
    "Please set your password with this personal link (valid until %(expires)s, usable "
    "once):\n\n%(url)s\n\n"
    "You then sign in with your e-mail address %(email)s and this password. If you did "
    "not expect this message, you can ignore it; without the link nobody can set a "
    "password for you."
)
FOOTER = N_(
    "This message was sent automatically by the Digital Academy. Please do not reply to it."
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_days() -> int:
    return max(1, int(current_app.config.get("INVITATION_DAYS", 14)))


def may_invite(actor: User | None) -> bool:
    """HR and administrators invite, where the password login is on."""
    return bool(current_app.config.get("LOCAL_LOGIN", True)) and has_role(
        actor, Role.HR, Role.ADMIN
    )


@dataclass
class InviteResult:
    invited: int = 0
    replaced: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    employee_ids: list[int] = field(default_factory=list)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _checked_ids(employee_ids: Iterable[object]) -> list[int]:
    ids: list[int] = []
    for value in employee_ids:
        try:
            number = int(str(value))
        except ValueError:
            continue
        if 0 < number < 2**31:
            ids.append(number)
    ids = sorted(set(ids))
    if not ids:
        raise ValidationFailed(N_("Please select at least one person."), field="employee_ids")
    if len(ids) > MAX_PEOPLE:
        raise ValidationFailed(
            N_("At most %(max)s people can be invited at once."),
            field="employee_ids",
            max=MAX_PEOPLE,
        )
    return ids


def _candidates(ids: list[int], result: InviteResult) -> list[tuple[Employee, str]]:
    """The people of ``ids`` who can be invited, with their address; the others are
    counted in ``result.skipped``."""
    employees = list(db.session.scalars(select(Employee).where(Employee.id.in_(ids))))
    if len(employees) < len(ids):
        result.skipped["unknown"] += len(ids) - len(employees)
    with_account = set(
        db.session.scalars(select(User.employee_id).where(User.employee_id.in_(ids)))
    )
    addresses = {e.id: usable_address(e.email) for e in employees}
    taken = set(
        db.session.scalars(
            select(func.lower(User.email)).where(
                func.lower(User.email).in_([a.lower() for a in addresses.values() if a])
            )
        )
    )
    found: list[tuple[Employee, str]] = []
    for employee in sorted(employees, key=lambda e: e.id):
        address = addresses[employee.id]
        if employee.id in with_account:
            result.skipped["has_account"] += 1
        elif not employee.active:
            result.skipped["left"] += 1
        elif address is None:
            result.skipped["no_address"] += 1
        elif address.lower() in taken:
            result.skipped["address_taken"] += 1
        else:
            found.append((employee, address))
    return found


def _replace_open(ids: list[int], now: datetime) -> dict[int, str]:
    """Close the open invitations of these people; their previous state by person."""
    rows = db.session.execute(
        select(AccountInvitation.employee_id, AccountInvitation.expires_at).where(
            AccountInvitation.employee_id.in_(ids),
            AccountInvitation.used_at.is_(None),
            AccountInvitation.replaced_at.is_(None),
        )
    ).all()
    if rows:
        db.session.execute(
            update(AccountInvitation)
            .where(
                AccountInvitation.employee_id.in_([r.employee_id for r in rows]),
                AccountInvitation.used_at.is_(None),
                AccountInvitation.replaced_at.is_(None),
            )
            .values(replaced_at=now)
            .execution_options(synchronize_session=False)
        )
    return {r.employee_id: "expired" if r.expires_at <= now else "open" for r in rows}


def invitation_email(
    employee: Employee, address: str, token: str, expires: datetime
) -> tuple[str, str]:
    """Subject and text of the invitation e-mail, in German (people without an account
    have chosen no language)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = translate(
            BODY,
            name=employee.full_name,
            org=current_app.config["ORG_NAME"],
            expires=fmt_datetime(expires),
            url=public_url("invitations.accept_invitation", token=token),
            email=address,
        )
        return translate(SUBJECT), f"{body}\n\n-- \n{translate(FOOTER)}\n"


def invite(actor: User, employee_ids: Iterable[object], now: datetime) -> InviteResult:
    """Invite these people (ids as submitted); the rest is counted by reason. Refused
    as a whole (``Conflict``) when someone else invites one of them at the same moment."""
    if not may_invite(actor):
        raise PermissionDenied(N_("Only HR development and administrators can invite staff."))
    ids = _checked_ids(employee_ids)
    begin_write()
    result = InviteResult()
    expires = now + timedelta(days=invitation_days())
    for chunk in _chunks(ids):
        found = _candidates(chunk, result)
        if found:
            try:
                with db.session.begin_nested():
                    _invite_chunk(actor, found, expires, now, result)
            except IntegrityError as exc:  # another open invitation appeared meanwhile
                raise Conflict(
                    N_(
                        "Someone else invited some of these people at the same moment. "
                        "Please look at the list again."
                    )
                ) from exc
    return result


def _invite_chunk(
    actor: User,
    found: list[tuple[Employee, str]],
    expires: datetime,
    now: datetime,
    result: InviteResult,
) -> None:
    before = _replace_open([e.id for e, _a in found], now)
    result.replaced += len(before)
    mails, invitations = [], []
    for employee, address in found:
        token = secrets.token_urlsafe(32)
        subject, body = invitation_email(employee, address, token, expires)
        mails.append(
            OutboxMessage(
                to_address=address,
                subject=subject,
                body=body,
                created_at=now,
                send_after=now,
                attempts=0,
            )
        )
        invitations.append(
            AccountInvitation(
                employee_id=employee.id,
                email=address,
                token_hash=hash_token(token),
                created_at=now,
                created_by_id=actor.id,
                expires_at=expires,
            )
        )
    db.session.add_all(mails)
    db.session.flush()
    for (employee, _address), mail, invitation in zip(found, mails, invitations, strict=True):
        invitation.outbox_id = mail.id
        record(
            actor,
            "invitation.sent",
            "employee",
            employee.id,
            from_state=before.get(employee.id),
            to_state="open",
            details={"email": invitation.email, "expires_at": expires.isoformat()},
            now=now,
        )
    db.session.add_all(invitations)
    db.session.flush()
    result.invited += len(found)
    result.employee_ids += [employee.id for employee, _a in found]
