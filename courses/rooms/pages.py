"""What HR's room, trainer and occupancy pages show, put together outside the views:
the filtered, paginated lists, a room or trainer by id (404 otherwise), the forms read
into the services' data, and the occupancy of one page of rooms or trainers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.clock import to_berlin
from academy.extensions import db
from academy.web.forms import field_value
from academy.web.kit import paginate
from courses.rooms.forms import OccupancyFilter, RoomFilter, RoomForm, TrainerFilter, TrainerForm
from courses.rooms.models import TRAINER_KIND_LABELS, Room, Trainer, TrainerKind
from courses.rooms.occupancy import (
    MONTH,
    WEEK,
    period_of,
    room_occupancy,
    rooms_statement,
    trainer_occupancy,
    trainers_statement,
)
from courses.rooms.rooms import RoomData, upcoming_bookings
from courses.rooms.trainers import TrainerData

# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


def _status(query: Select[Any], model: Any, status: str | None) -> Select[Any]:
    if status == "inaktiv":
        return query.where(model.active.is_(False))
    if status == "alle":
        return query
    return query.where(model.active.is_(True))


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def rooms_context() -> dict[str, Any]:
    filters = RoomFilter(request.args)
    filters.validate()
    query = _status(select(Room), Room, field_value(filters.status))
    text = field_value(filters.q)
    if text:
        pattern = _like(text)
        query = query.where(
            or_(
                func.lower(Room.name).like(pattern, escape="\\"),
                func.lower(func.coalesce(Room.building, "")).like(pattern, escape="\\"),
            )
        )
    query = query.order_by(
        func.lower(func.coalesce(Room.building, "")), func.lower(Room.name), Room.id
    )
    return {"filters": filters, "page": paginate(query)}


def trainers_context() -> dict[str, Any]:
    filters = TrainerFilter(request.args)
    filters.validate()
    name = func.lower(func.coalesce(User.display_name, Trainer.name))
    query = _status(
        select(Trainer).outerjoin(User, User.id == Trainer.user_id),
        Trainer,
        field_value(filters.status),
    ).options(joinedload(Trainer.user))
    kind = field_value(filters.art)
    if kind in (TrainerKind.INTERNAL, TrainerKind.EXTERNAL):
        query = query.where(Trainer.kind == kind)
    text = field_value(filters.q)
    if text:
        pattern = _like(text)
        query = query.where(
            or_(
                name.like(pattern, escape="\\"),
                func.lower(func.coalesce(Trainer.organisation, "")).like(pattern, escape="\\"),
            )
        )
    return {
        "filters": filters,
        "page": paginate(query.order_by(name, Trainer.id)),
        "kinds": TRAINER_KIND_LABELS,
    }


# ---------------------------------------------------------------------------
# One room or trainer
# ---------------------------------------------------------------------------


def get_room(room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None:
        abort(404)
    return room


def get_trainer(trainer_id: int) -> Trainer:
    trainer = db.session.scalar(
        select(Trainer).options(joinedload(Trainer.user)).where(Trainer.id == trainer_id)
    )
    if trainer is None:
        abort(404)
    return trainer


def room_data(form: RoomForm) -> RoomData:
    return RoomData(
        name=form.name.data,
        capacity=form.capacity.data,
        building=form.building.data,
        address=form.address.data,
        step_free=bool(form.step_free.data),
        hearing_loop=bool(form.hearing_loop.data),
        equipment=form.equipment.data,
        cost_per_day=form.cost_per_day.data,
    )


def trainer_data(form: TrainerForm) -> TrainerData:
    kind = getattr(form, "kind", None)
    account = getattr(form, "account_email", None)
    return TrainerData(
        kind=kind.data if kind is not None else TrainerKind.EXTERNAL.value,
        account_email=account.data if account is not None else None,
        name=form.name.data,
        organisation=form.organisation.data,
        email=form.email.data,
        phone=form.phone.data,
        fee_per_day=form.fee_per_day.data,
        notes=form.notes.data,
    )


def render_room(
    room: Room | None, form: RoomForm, now: datetime, status: int = 200
) -> tuple[str, int]:
    html = render_template(
        "courses/rooms/room_form.html",
        room=room,
        form=form,
        upcoming=upcoming_bookings(room, now) if room is not None else 0,
    )
    return html, status


def render_trainer(
    trainer: Trainer | None, form: TrainerForm, status: int = 200
) -> tuple[str, int]:
    html = render_template(
        "courses/rooms/trainer_form.html", trainer=trainer, form=form, kinds=TRAINER_KIND_LABELS
    )
    return html, status


# ---------------------------------------------------------------------------
# Occupancy
# ---------------------------------------------------------------------------


def occupancy_context(now: datetime) -> dict[str, Any]:
    """One page of rooms or trainers with their bookings in the week or month asked for."""
    filters = OccupancyFilter(request.args)
    filters.validate()
    kind = MONTH if field_value(filters.ansicht) == MONTH else WEEK
    day = field_value(filters.datum) or to_berlin(now).date()
    period = period_of(kind, day)
    trainers = field_value(filters.art) == "trainer"
    if trainers:
        page = paginate(trainers_statement())
        rows = trainer_occupancy(page.items, period)
    else:
        page = paginate(rooms_statement(bool(filters.stufenlos.data)))
        rows = room_occupancy(page.items, period)
    args = {
        "art": "trainer" if trainers else "raeume",
        "ansicht": kind,
        **({"stufenlos": "y"} if filters.stufenlos.data and not trainers else {}),
    }
    return {
        "filters": filters,
        "period": period,
        "last_day": period.end - timedelta(days=1),
        "page": page,
        "rows": rows,
        "trainers": trainers,
        "args": args,
        "today": to_berlin(now).date(),
    }
