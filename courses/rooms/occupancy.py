"""The occupancy of rooms and trainers over a week or a month (HR's planning view):
per room or trainer the meetings of sessions that are not cancelled, the days booked out
of the working days (Monday to Friday) and the hours, and which bookings overlap (booked
anyway with a reason). One statement per page of rooms, two per page of trainers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.clock import berlin_to_utc, to_berlin
from academy.extensions import db
from courses.catalogue.models import Course
from courses.rooms.models import Room, SessionTrainer, Trainer
from courses.sessions.models import CourseSession, SessionMeeting

WEEK, MONTH = "woche", "monat"


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  #: first day
    end: date  #: the day after the last

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]

    @property
    def working_days(self) -> int:
        return sum(1 for d in self.days if d.weekday() < 5)

    @property
    def previous(self) -> date:
        if self.kind == WEEK:
            return self.start - timedelta(days=7)
        return (self.start - timedelta(days=1)).replace(day=1)

    @property
    def following(self) -> date:
        return self.end

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The period in UTC (Berlin midnight to Berlin midnight)."""
        return (
            berlin_to_utc(datetime.combine(self.start, time())),
            berlin_to_utc(datetime.combine(self.end, time())),
        )


def period_of(kind: str, day: date) -> Period:
    """The week (Monday to Sunday) or the calendar month that holds ``day``."""
    if kind == MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return Period(MONTH, start, end)
    start = day - timedelta(days=day.weekday())
    return Period(WEEK, start, start + timedelta(days=7))


@dataclass(frozen=True)
class Booking:
    meeting_id: int
    session_id: int
    code: str
    title: str
    starts_at: datetime
    ends_at: datetime
    #: It overlaps another booking of the same room or trainer.
    double: bool = False

    @property
    def day(self) -> date:
        return to_berlin(self.starts_at).date()


@dataclass
class Occupancy:
    resource: Any  #: a Room or a Trainer
    bookings: list[Booking] = field(default_factory=list)
    days: int = 0  #: days with at least one booking
    hours: Decimal = Decimal("0")
    percent: int = 0  #: days booked of the working days

    @property
    def by_day(self) -> list[tuple[date, list[Booking]]]:
        grouped: dict[date, list[Booking]] = defaultdict(list)
        for booking in self.bookings:
            grouped[booking.day].append(booking)
        return sorted(grouped.items())


def _marked(bookings: list[Booking]) -> list[Booking]:
    """Sorted, with the overlapping ones marked."""
    bookings.sort(key=lambda b: (b.starts_at, b.meeting_id))
    double: set[int] = set()
    for i, one in enumerate(bookings):
        for other in bookings[i + 1 :]:
            if other.starts_at >= one.ends_at:
                break
            double.update({one.meeting_id, other.meeting_id})
    return [replace(b, double=True) if b.meeting_id in double else b for b in bookings]


def _summarise(resource: Any, bookings: list[Booking], period: Period) -> Occupancy:
    start, end = period.bounds
    minutes = sum(
        (min(b.ends_at, end) - max(b.starts_at, start)).total_seconds() / 60 for b in bookings
    )
    days = {b.day for b in bookings if period.start <= b.day < period.end}
    working = period.working_days or 1
    return Occupancy(
        resource,
        _marked(bookings),
        len(days),
        (Decimal(minutes) / 60).quantize(Decimal("0.1")),
        min(round(100 * len(days) / working), 100),
    )


def _meetings_in(period: Period) -> Select[Any]:
    start, end = period.bounds
    return (
        select(
            SessionMeeting.id,
            SessionMeeting.session_id,
            Course.code,
            Course.title,
            SessionMeeting.starts_at,
            SessionMeeting.ends_at,
        )
        .join(CourseSession, CourseSession.id == SessionMeeting.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            CourseSession.cancelled_at.is_(None),
            SessionMeeting.starts_at < end,
            SessionMeeting.ends_at > start,
        )
    )


def room_occupancy(rooms: Sequence[Room], period: Period) -> list[Occupancy]:
    ids = [r.id for r in rooms]
    found: dict[int, list[Booking]] = defaultdict(list)
    if ids:
        rows = db.session.execute(
            _meetings_in(period)
            .add_columns(SessionMeeting.room_id)
            .where(SessionMeeting.room_id.in_(ids))
        )
        for *values, room_id in rows:
            found[room_id].append(Booking(*values))
    return [_summarise(room, found[room.id], period) for room in rooms]


def trainer_occupancy(trainers: Sequence[Trainer], period: Period) -> list[Occupancy]:
    ids = [t.id for t in trainers]
    users = {t.user_id: t.id for t in trainers if t.user_id is not None}
    found: dict[int, dict[int, Booking]] = defaultdict(dict)
    if ids:
        linked = db.session.execute(
            _meetings_in(period)
            .add_columns(SessionTrainer.trainer_id)
            .join(SessionTrainer, SessionTrainer.session_id == CourseSession.id)
            .where(SessionTrainer.trainer_id.in_(ids))
        )
        for *values, trainer_id in linked:
            found[trainer_id][values[0]] = Booking(*values)
    if users:
        led = db.session.execute(
            _meetings_in(period)
            .add_columns(CourseSession.trainer_id)
            .where(CourseSession.trainer_id.in_(list(users)))
        )
        for *values, user_id in led:
            found[users[user_id]].setdefault(values[0], Booking(*values))
    return [_summarise(t, list(found[t.id].values()), period) for t in trainers]


# ---------------------------------------------------------------------------
# The lists the view pages through
# ---------------------------------------------------------------------------


def rooms_statement(step_free: bool = False) -> Select[tuple[Room]]:
    query = select(Room).where(Room.active.is_(True))
    if step_free:
        query = query.where(Room.step_free.is_(True))
    return query.order_by(func.lower(func.coalesce(Room.building, "")), func.lower(Room.name))


def trainers_statement() -> Select[tuple[Trainer]]:
    """Active trainers; internal ones by their account's name."""
    name = func.lower(func.coalesce(User.display_name, Trainer.name))
    return (
        select(Trainer)
        .outerjoin(User, User.id == Trainer.user_id)
        .options(joinedload(Trainer.user))
        .where(Trainer.active.is_(True))
        .order_by(name, Trainer.id)
    )
