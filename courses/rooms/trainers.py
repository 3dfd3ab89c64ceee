"""Trainers (HR): internal ones are accounts of the administration (found by their
e-mail address, at most one trainer record each), external ones are recorded with name,
organisation, contact and fee per day. Deactivated trainers are offered for no new
session; the sessions they already train keep them.

``trainer_for_account`` gives the trainer record of a session's lead account (made the
first time an account leads a session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.changes import apply_changes
from courses.rooms.models import Trainer, TrainerKind
from courses.rooms.rooms import checked_amount

EMAIL_MAX = 254


@dataclass
class TrainerData:
    kind: str = TrainerKind.EXTERNAL.value
    #: Internal: the account's e-mail address.
    account_email: str | None = None
    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    fee_per_day: Decimal | None = None
    notes: str | None = None


def _text(value: str | None, limit: int, field: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        raise ValidationFailed(N_("At most %(n)s characters, please."), field=field, n=limit)
    return value


def _account(email: str | None, exclude_id: int | None) -> User:
    address = (email or "").strip().lower()
    if not address:
        raise ValidationFailed(
            N_("Please enter the e-mail address of the person's account."), field="account_email"
        )
    user = db.session.scalar(
        select(User).where(func.lower(User.email) == address[:EMAIL_MAX], User.active.is_(True))
    )
    if user is None:
        raise ValidationFailed(
            N_("There is no active account with this e-mail address."), field="account_email"
        )
    taken = select(Trainer.id).where(Trainer.user_id == user.id)
    if exclude_id is not None:
        taken = taken.where(Trainer.id != exclude_id)
    if db.session.scalar(taken) is not None:
        raise Conflict(
            N_("%(name)s is already recorded as a trainer."),
            field="account_email",
            name=user.display_name,
        )
    return user


def _email(value: str | None) -> str | None:
    address = _text(value, EMAIL_MAX, "email")
    if address is not None and ("@" not in address or " " in address or address.startswith("@")):
        raise ValidationFailed(N_("Please enter a valid e-mail address."), field="email")
    return address


def _values(data: TrainerData, trainer: Trainer | None) -> dict[str, object]:
    kind = trainer.kind if trainer is not None else data.kind
    if kind not in (TrainerKind.INTERNAL, TrainerKind.EXTERNAL):
        raise ValidationFailed(N_("Please choose internal or external."), field="kind")
    values: dict[str, object] = {
        "fee_per_day": checked_amount(data.fee_per_day, "fee_per_day"),
        "notes": _text(data.notes, 2000, "notes"),
    }
    if kind == TrainerKind.INTERNAL:
        if trainer is None:
            values["user_id"] = _account(data.account_email, None).id
        return values
    name = _text(data.name, 200, "name")
    if name is None:
        raise ValidationFailed(N_("Please enter a name."), field="name")
    values.update(
        name=name,
        organisation=_text(data.organisation, 200, "organisation"),
        email=_email(data.email),
        phone=_text(data.phone, 50, "phone"),
    )
    return values


def create_trainer(actor: User, data: TrainerData, now: datetime) -> Trainer:
    values = _values(data, None)
    trainer = Trainer(kind=data.kind, active=True, created_at=now, updated_at=now, **values)
    db.session.add(trainer)
    db.session.flush()
    record(actor, "trainer.created", "trainer", trainer.id, to_state="active", now=now)
    db.session.flush()
    return trainer


def update_trainer(actor: User, trainer: Trainer, data: TrainerData, now: datetime) -> Trainer:
    """Change a trainer's details (not whether internal or external, nor the account)."""
    changes = apply_changes(trainer, _values(data, trainer))
    if changes:
        trainer.updated_at = now
        db.session.flush()
        record(actor, "trainer.updated", "trainer", trainer.id, details=changes, now=now)
        db.session.flush()
    return trainer


def set_trainer_active(actor: User, trainer: Trainer, active: bool, now: datetime) -> Trainer:
    if trainer.active == active:
        raise Conflict(
            N_("The trainer is already active.")
            if active
            else N_("The trainer is already inactive.")
        )
    before = "active" if trainer.active else "inactive"
    trainer.active = active
    trainer.updated_at = now
    db.session.flush()
    record(
        actor,
        "trainer.reactivated" if active else "trainer.deactivated",
        "trainer",
        trainer.id,
        from_state=before,
        to_state="active" if active else "inactive",
        now=now,
    )
    db.session.flush()
    return trainer


def trainer_for_account(actor: User | None, user: User, now: datetime) -> Trainer:
    """The internal trainer record of ``user``, made (and audited) when missing."""
    trainer = db.session.scalar(select(Trainer).where(Trainer.user_id == user.id))
    if trainer is not None:
        return trainer
    trainer = Trainer(
        kind=TrainerKind.INTERNAL.value,
        user_id=user.id,
        active=True,
        created_at=now,
        updated_at=now,
    )
    trainer.user = user
    db.session.add(trainer)
    db.session.flush()
    record(actor, "trainer.created", "trainer", trainer.id, to_state="active", now=now)
    return trainer
