"""Rooms, trainers and sessions of several meetings for the tests (real rows, no mocks)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from academy.accounts.models import Role, User
from academy.extensions import db
from courses.rooms.models import Room, Trainer, TrainerKind
from courses.sessions.meetings import MeetingData
from courses.sessions.scheduling import SessionData
from tests import factories

_seq = itertools.count(1)


def room(capacity: int = 20, **fields: Any) -> Room:
    n = next(_seq)
    item = Room(
        name=fields.pop("name", f"Raum {n}"),
        building=fields.pop("building", "Rathaus"),
        capacity=capacity,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def external(name: str | None = None, **fields: Any) -> Trainer:
    n = next(_seq)
    item = Trainer(
        kind=TrainerKind.EXTERNAL.value,
        name=name or f"Trainerin Extern {n}",
        organisation=fields.pop("organisation", "Lernwerk GmbH"),
        fee_per_day=fields.pop("fee_per_day", Decimal("900.00")),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def trainer_account() -> User:
    return factories.user(Role.TRAINER, with_employee=False)


def hr() -> User:
    return factories.user(Role.HR, with_employee=False)


def meeting(day: datetime, start: int = 9, end: int = 16, **fields: Any) -> MeetingData:
    """A meeting on ``day`` (Berlin wall-clock, naive) from ``start`` to ``end`` o'clock."""
    return MeetingData(day.replace(hour=start, minute=0), day.replace(hour=end, minute=0), **fields)


def data(*meetings: MeetingData, **changes: Any) -> SessionData:
    """A session of these meetings (capacity 12, in-person)."""
    first = meetings[0]
    base = SessionData(
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        location=first.location,
        online_url=first.online_url,
        room_id=first.room_id,
        capacity=12,
        min_participants=0,
        meetings=list(meetings),
    )
    return replace(base, **changes)


def days(first: datetime, *offsets: int) -> list[datetime]:
    return [first + timedelta(days=n) for n in offsets]
