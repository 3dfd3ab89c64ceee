"""The fixed costs of sessions: the fees of external trainers and the rooms, per day the
session meets. They come from ``courses.rooms`` (``Trainer.fee_per_day`` of external
trainers, ``Room.cost_per_day``) and the session's meetings; a session without meetings
meets on the days from its start to its end. Where that feature is not installed every
session's fixed costs are zero. Two statements for any number of sessions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from academy.clock import to_berlin
from academy.extensions import db
from courses.sessions.models import CourseSession

try:  # rooms, trainers and meetings are another feature; costs work without them
    from courses.rooms.models import Room, SessionTrainer, Trainer, TrainerKind
    from courses.sessions.models import SessionMeeting
except ImportError:  # pragma: no cover - exercised only without courses.rooms
    Room = SessionTrainer = Trainer = TrainerKind = SessionMeeting = None  # type: ignore[assignment,misc]

ZERO = Decimal("0.00")


def _days(start: datetime, end: datetime) -> set[date]:
    """The Berlin calendar days from ``start`` up to ``end`` (an end at midnight does not
    count the next day)."""
    first = to_berlin(start).date()
    last = to_berlin(end - timedelta(microseconds=1)).date()
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def fixed_costs(session_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """``{session id: (trainer fees, room costs)}`` for the sessions that have any."""
    if Room is None or not session_ids:
        return {}
    meeting_days: dict[int, set[date]] = defaultdict(set)
    room_days: dict[int, dict[tuple[int, date], Decimal]] = defaultdict(dict)
    rows = db.session.execute(
        select(
            CourseSession.id,
            CourseSession.starts_at,
            CourseSession.ends_at,
            SessionMeeting.starts_at,
            SessionMeeting.ends_at,
            SessionMeeting.room_id,
            Room.cost_per_day,
        )
        .outerjoin(SessionMeeting, SessionMeeting.session_id == CourseSession.id)
        .outerjoin(Room, Room.id == SessionMeeting.room_id)
        .where(CourseSession.id.in_(session_ids))
    )
    for session_id, s_start, s_end, m_start, m_end, room_id, cost in rows:
        days = _days(m_start, m_end) if m_start is not None else _days(s_start, s_end)
        meeting_days[session_id] |= days
        if room_id is not None and cost:
            for day in days:  # a room used twice on one day is paid once
                room_days[session_id][(room_id, day)] = Decimal(cost)
    fees: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for session_id, fee in db.session.execute(
        select(SessionTrainer.session_id, Trainer.fee_per_day)
        .join(Trainer, Trainer.id == SessionTrainer.trainer_id)
        .where(
            SessionTrainer.session_id.in_(session_ids),
            Trainer.kind == TrainerKind.EXTERNAL.value,
            Trainer.fee_per_day.is_not(None),
        )
    ):
        fees[session_id] += Decimal(fee) * len(meeting_days.get(session_id, ()))
    result = {}
    for session_id in set(fees) | set(room_days):
        rooms = sum(room_days.get(session_id, {}).values(), ZERO)
        result[session_id] = (fees.get(session_id, ZERO), rooms)
    return result
