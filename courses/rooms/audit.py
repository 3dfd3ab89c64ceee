"""Sentences of the audit actions of rooms, trainers, double bookings and attendance per
meeting, and the names of rooms and trainers in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.audit.sentences import (
    Resolved,
    int_ids,
    register_audit_object,
    register_audit_sentences,
)
from academy.extensions import db
from academy.i18n import N_
from courses.rooms.models import Room, Trainer

SENTENCES = {
    "room.created": N_("%(actor)s created the room “%(object)s”."),
    "room.updated": N_("%(actor)s changed the room “%(object)s”."),
    "room.deactivated": N_("%(actor)s deactivated the room “%(object)s”."),
    "room.reactivated": N_("%(actor)s reactivated the room “%(object)s”."),
    "trainer.created": N_("%(actor)s recorded %(object)s as a trainer."),
    "trainer.updated": N_("%(actor)s changed the trainer record of %(object)s."),
    "trainer.deactivated": N_("%(actor)s deactivated %(object)s as a trainer."),
    "trainer.reactivated": N_("%(actor)s reactivated %(object)s as a trainer."),
    "session.booking_override": N_(
        "%(actor)s booked the session of “%(course)s” on %(date)s although a room or "
        "trainer was already booked at that time (reason: %(reason)s)."
    ),
    "enrolment.meeting_present": N_(
        "%(actor)s recorded that %(person)s was present at meeting %(meeting)s of "
        "“%(course)s” on %(date)s."
    ),
    "enrolment.meeting_absent": N_(
        "%(actor)s recorded that %(person)s was absent from meeting %(meeting)s of "
        "“%(course)s” on %(date)s."
    ),
}


def rooms(ids: list[str]) -> Resolved:
    found = db.session.scalars(select(Room).where(Room.id.in_(int_ids(ids))))
    return {str(room.id): {"name": room.label} for room in found}


def trainers(ids: list[str]) -> Resolved:
    found = db.session.scalars(
        select(Trainer).options(joinedload(Trainer.user)).where(Trainer.id.in_(int_ids(ids)))
    )
    return {str(t.id): {"name": t.label} for t in found}


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("room", rooms, detail_keys=["room_id"])
    register_audit_object("trainer", trainers, detail_keys=["trainer_id"])
