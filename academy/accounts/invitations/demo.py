"""The ``invitations`` step of ``flask academy demo``: about six in a hundred people of
the demo city who have no account have been invited by the demo HR account — half of
them three weeks ago (the link has expired), half two days ago (still valid); every
e-mail has gone out. So HR's invitation page shows its progress, both kinds of status
and people still to invite. The links are real (the same seed makes the same tokens, so
a demo installation must not be exposed as it is)."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import exists, select

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.invitations.sending import hash_token, invitation_days, invitation_email
from academy.accounts.models import User
from academy.audit.log import record
from academy.demo.steps import DemoContext, de_int, register_demo_step
from academy.extensions import db
from academy.notifications.models import OutboxMessage
from academy.notifications.recipients import usable_address
from academy.org.models import Employee

STEP_NAME = "invitations"
STEP_ORDER = 90
#: Share of the people without an account who have been invited (per hundred).
INVITED_PER_HUNDRED = 6
AGES = (timedelta(days=21), timedelta(days=2))


def invitations_demo_step(ctx: DemoContext) -> str:
    people = list(
        db.session.scalars(
            select(Employee)
            .where(
                Employee.active.is_(True),
                Employee.email.is_not(None),
                ~exists(select(User.id).where(User.employee_id == Employee.id)),
            )
            .order_by(Employee.id)
        )
    )
    chosen = ctx.rng.sample(people, k=len(people) * INVITED_PER_HUNDRED // 100)
    hr_id = ctx.user_ids.get("hr")
    hr = db.session.get(User, hr_id) if hr_id is not None else None
    expired = 0
    for n, employee in enumerate(sorted(chosen, key=lambda e: e.id)):
        address = usable_address(employee.email)
        if address is None:
            continue
        created = ctx.now - AGES[n % 2]
        expires = created + timedelta(days=invitation_days())
        expired += expires <= ctx.now
        token = base64.urlsafe_b64encode(ctx.rng.randbytes(32)).rstrip(b"=").decode("ascii")
        subject, body = invitation_email(employee, address, token, expires)
        mail = OutboxMessage(
            to_address=address,
            subject=subject,
            body=body,
            created_at=created,
            send_after=created,
            sent_at=created + timedelta(minutes=5),
            attempts=0,
        )
        db.session.add(mail)
        db.session.flush()
        db.session.add(
            AccountInvitation(
                employee_id=employee.id,
                email=address,
                token_hash=hash_token(token),
                created_at=created,
                created_by_id=hr_id,
                expires_at=expires,
                outbox_id=mail.id,
            )
        )
        record(
            hr,
            "invitation.sent",
            "employee",
            employee.id,
            to_state="open",
            details={"email": address, "expires_at": expires.isoformat()},
            now=created,
        )
    db.session.flush()
    return f"Einladungen: {de_int(len(chosen))} (davon {de_int(expired)} abgelaufen)"


def register_step() -> None:
    register_demo_step(STEP_NAME, invitations_demo_step, order=STEP_ORDER)
