"""Rooms and trainers in the Art. 15 export: a person's own trainer record (internal
trainers: fee and notes HR keeps about them). Their sessions as trainer are in the
section "Termine als Trainerin oder Trainer" (``courses.sessions.personal_data``);
external trainers are no employees and have no export of their own."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from academy.extensions import db
from academy.privacy.registry import Record, register_personal_data
from courses.rooms.models import TRAINER_KIND_LABELS, Trainer, TrainerKind


def trainer_record(employee_id: int | None, user_id: int | None) -> list[Record]:
    if user_id is None:
        return []
    trainers = db.session.scalars(select(Trainer).where(Trainer.user_id == user_id)).all()
    return [
        {
            "Art": gettext(TRAINER_KIND_LABELS[TrainerKind(t.kind)]),
            "Honorar pro Tag": t.fee_per_day,
            "Notizen": t.notes,
            "Aktiv": t.active,
            "Angelegt am": t.created_at,
        }
        for t in trainers
    ]


def register_sections() -> None:
    register_personal_data(
        "trainerangaben",
        "Ihre Angaben als Trainerin oder Trainer",
        trainer_record,
        tables=("trainers",),
        order=325,
        description="Was die Personalentwicklung zu Ihnen als interner Trainerin oder "
        "internem Trainer festhält; Ihre Termine stehen im Abschnitt „Termine als "
        "Trainerin oder Trainer“.",
    )
