"""Who trains a session: the lead account (``CourseSession.trainer_id``, an account
with the trainer role, as before: it opens the roster and marks attendance) and further
trainers, internal or external (``SessionTrainer``). The lead's trainer record is linked
too (``is_lead``), so clash checks and the budgets see every trainer in one place."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.rooms.models import SessionTrainer, Trainer
from courses.rooms.trainers import trainer_for_account
from courses.sessions.models import CourseSession


def active_trainers() -> list[Trainer]:
    """Active trainers by name (the session form's choices)."""
    trainers = db.session.scalars(
        select(Trainer).options(joinedload(Trainer.user)).where(Trainer.active.is_(True))
    ).all()
    return sorted(trainers, key=lambda t: (t.display_name.lower(), t.id))


def linked_trainers(session: CourseSession) -> list[Trainer]:
    """The session's trainers, the lead first."""
    links = db.session.scalars(
        select(SessionTrainer)
        .options(joinedload(SessionTrainer.trainer).joinedload(Trainer.user))
        .where(SessionTrainer.session_id == session.id)
    ).all()
    links = sorted(links, key=lambda link: (not link.is_lead, link.trainer.display_name.lower()))
    return [link.trainer for link in links]


def resolve_trainers(
    lead: User | None,
    co_trainer_ids: Iterable[int],
    current: Sequence[Trainer],
    actor: User | None,
    now: datetime,
) -> tuple[Trainer | None, list[Trainer]]:
    """The lead's trainer record (made when missing) and the further trainers chosen.
    A deactivated trainer may stay on a session that has them, not be added."""
    kept = {t.id for t in current}
    ids = sorted(set(co_trainer_ids))
    found = {
        t.id: t
        for t in db.session.scalars(
            select(Trainer).options(joinedload(Trainer.user)).where(Trainer.id.in_(ids))
        )
    }
    others = []
    for trainer_id in ids:
        trainer = found.get(trainer_id)
        if trainer is None or not (trainer.active or trainer_id in kept):
            raise ValidationFailed(
                N_("Please choose trainers from the list offered."), field="co_trainers"
            )
        others.append(trainer)
    lead_trainer = trainer_for_account(actor, lead, now) if lead is not None else None
    if lead_trainer is not None:
        if not lead_trainer.active and lead_trainer.id not in kept:
            raise ValidationFailed(
                N_("This trainer has been deactivated and cannot be booked."), field="trainer"
            )
        others = [t for t in others if t.id != lead_trainer.id]
    return lead_trainer, others


def link_trainers(
    session: CourseSession, lead: Trainer | None, others: Sequence[Trainer]
) -> list[list[str]] | None:
    """Make the session's trainer links these; the change as [before, after] names."""
    wanted = {t.id: t is lead for t in ([lead] if lead else []) + list(others)}
    links = {link.trainer_id: link for link in session.trainer_links}
    before = sorted(link.trainer_id for link in links.values())
    for trainer_id, link in links.items():
        if trainer_id not in wanted:
            session.trainer_links.remove(link)
        else:
            link.is_lead = wanted[trainer_id]
    for trainer_id, is_lead in wanted.items():
        if trainer_id not in links:
            session.trainer_links.append(SessionTrainer(trainer_id=trainer_id, is_lead=is_lead))
    after = sorted(wanted)
    if before == after:
        return None
    names = {t.id: t.display_name for t in ([lead] if lead else []) + list(others)}
    old = db.session.scalars(select(Trainer).where(Trainer.id.in_(before))).all()
    names.update({t.id: t.display_name for t in old})
    return [[names[i] for i in before], [names[i] for i in after]]
