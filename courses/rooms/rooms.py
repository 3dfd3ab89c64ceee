"""Rooms (HR): creating, changing, deactivating and reactivating them.

A room's name is unique within its building (regardless of case). Its capacity may not
fall below the capacity of an upcoming session booked into it. A deactivated room is
offered for no new booking; the meetings already booked keep it (and show it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.changes import apply_changes
from courses.rooms.models import Room
from courses.sessions.models import CourseSession, SessionMeeting

#: Largest room the form accepts, and largest amount (Numeric(10, 2)).
MAX_CAPACITY = 10_000
MAX_AMOUNT = Decimal("99999999.99")


@dataclass
class RoomData:
    name: str | None
    capacity: int | None
    building: str | None = None
    address: str | None = None
    step_free: bool = False
    hearing_loop: bool = False
    equipment: str | None = None
    cost_per_day: Decimal | None = None


def _text(value: str | None, limit: int, field: str, message: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        raise ValidationFailed(message, field=field, n=limit)
    return value


def checked_amount(value: Decimal | None, field: str) -> Decimal | None:
    """A euro amount: not negative, at most two decimal places, fits Numeric(10, 2)."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            raise InvalidOperation
        if amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationFailed(
            N_("Please enter an amount in euros of at least 0 with at most two decimals."),
            field=field,
        ) from exc
    return amount.quantize(Decimal("0.01"))


def _values(data: RoomData, exclude_id: int | None) -> dict[str, object]:
    too_long = N_("At most %(n)s characters, please.")
    name = _text(data.name, 120, "name", too_long)
    if name is None:
        raise ValidationFailed(N_("Please enter a name."), field="name")
    building = _text(data.building, 200, "building", too_long)
    same = select(Room.id).where(
        func.lower(Room.name) == name.lower(),
        func.lower(func.coalesce(Room.building, "")) == (building or "").lower(),
    )
    if exclude_id is not None:
        same = same.where(Room.id != exclude_id)
    if db.session.scalar(same.limit(1)) is not None:
        raise Conflict(N_("A room with this name already exists in this building."), field="name")
    if data.capacity is None or not 1 <= data.capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            N_("The capacity must be between 1 and %(n)s seats."), field="capacity", n=MAX_CAPACITY
        )
    return {
        "name": name,
        "building": building,
        "address": _text(data.address, 300, "address", too_long),
        "capacity": data.capacity,
        "step_free": bool(data.step_free),
        "hearing_loop": bool(data.hearing_loop),
        "equipment": _text(data.equipment, 5000, "equipment", too_long),
        "cost_per_day": checked_amount(data.cost_per_day, "cost_per_day"),
    }


def _largest_upcoming_booking(room: Room, now: datetime) -> int:
    """The largest capacity of an upcoming, not cancelled session with a meeting here."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.max(CourseSession.capacity), 0))
            .join(SessionMeeting, SessionMeeting.session_id == CourseSession.id)
            .where(
                SessionMeeting.room_id == room.id,
                SessionMeeting.ends_at > now,
                CourseSession.cancelled_at.is_(None),
            )
        )
        or 0
    )


def create_room(actor: User, data: RoomData, now: datetime) -> Room:
    room = Room(active=True, created_at=now, updated_at=now, **_values(data, None))
    db.session.add(room)
    db.session.flush()
    record(actor, "room.created", "room", room.id, to_state="active", now=now)
    db.session.flush()
    return room


def update_room(actor: User, room: Room, data: RoomData, now: datetime) -> Room:
    values = _values(data, room.id)
    if values["capacity"] != room.capacity:
        largest = _largest_upcoming_booking(room, now)
        if int(values["capacity"]) < largest:  # type: ignore[call-overload]
            raise Conflict(
                N_(
                    "An upcoming session in this room has %(n)s seats: the room needs at "
                    "least as many."
                ),
                field="capacity",
                n=largest,
            )
    changes = apply_changes(room, values)
    if changes:
        room.updated_at = now
        db.session.flush()
        record(actor, "room.updated", "room", room.id, details=changes, now=now)
        db.session.flush()
    return room


def upcoming_bookings(room: Room, now: datetime) -> int:
    """Upcoming meetings of sessions not cancelled in this room (told before deactivating)."""
    return int(
        db.session.scalar(
            select(func.count(SessionMeeting.id))
            .join(CourseSession, CourseSession.id == SessionMeeting.session_id)
            .where(
                SessionMeeting.room_id == room.id,
                SessionMeeting.ends_at > now,
                CourseSession.cancelled_at.is_(None),
            )
        )
        or 0
    )


def set_room_active(actor: User, room: Room, active: bool, now: datetime) -> Room:
    """Deactivate (no new bookings) or reactivate a room."""
    if room.active == active:
        raise Conflict(
            N_("The room is already active.") if active else N_("The room is already inactive.")
        )
    before = "active" if room.active else "inactive"
    room.active = active
    room.updated_at = now
    db.session.flush()
    record(
        actor,
        "room.reactivated" if active else "room.deactivated",
        "room",
        room.id,
        from_state=before,
        to_state="active" if active else "inactive",
        now=now,
    )
    db.session.flush()
    return room
