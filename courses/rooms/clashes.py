"""No room and no trainer booked twice: the meetings a session is to have, checked
against the meetings of every other session that is not cancelled.

Two meetings clash when their times overlap as half-open intervals [start, end): one
ending at 12:00 and one starting at 12:00 do not. A trainer is booked by a session when
they are linked to it (``SessionTrainer``) or are its lead account
(``CourseSession.trainer_id``). HR may book anyway with a reason
(``courses.sessions.scheduling``); the clash and the reason go to the audit log.

Before checking, the rooms and trainers concerned are locked (``SELECT … FOR UPDATE``;
SQLite holds the write lock from the transaction's start), so two people booking the
same room at the same moment are served one after the other and the second sees the
first's booking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString, format_date, format_time, gettext
from sqlalchemy import and_, or_, select

from academy.database import begin_write
from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import Course
from courses.rooms.models import Room, SessionTrainer, Trainer
from courses.sessions.meetings import PlannedMeeting, field_name
from courses.sessions.models import CourseSession, SessionMeeting

#: How many clashes the message names (the audit entry keeps all).
SHOWN = 5


@dataclass(frozen=True)
class Clash:
    """Our meeting (row ``index``) overlaps ``other_meeting_id`` of another session in
    a room or with a trainer (``resource_id``: the room's or the trainer's id)."""

    kind: str  # "room" | "trainer"
    resource_id: int
    resource: str
    index: int
    other_meeting_id: int
    other_session_id: int
    course: str
    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.kind, self.resource_id, self.other_meeting_id)

    @property
    def field(self) -> str:
        return field_name(self.index, "room") if self.kind == "room" else "co_trainers"

    def sentence(self) -> str:
        params = {
            "name": self.resource,
            "date": format_date(self.starts_at, "medium"),
            "hours": f"{format_time(self.starts_at, 'short')}–{format_time(self.ends_at, 'short')}",
            "course": self.course,
        }
        if self.kind == "room":
            return gettext("the room “%(name)s” on %(date)s, %(hours)s (%(course)s)", **params)
        return gettext("%(name)s on %(date)s, %(hours)s (%(course)s)", **params)

    def audit(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "resource": self.resource,
            "session_id": self.other_session_id,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }


def describe(clashes: Sequence[Clash]) -> LazyString:
    """The clashes as one sentence part, in the reader's language when shown."""

    def text() -> str:
        parts = [c.sentence() for c in clashes[:SHOWN]]
        more = len(clashes) - SHOWN
        if more > 0:
            parts.append(gettext("%(n)s more", n=more))
        return "; ".join(parts)

    return LazyString(text)


class BookingClash(Conflict):
    """A room or trainer would be booked twice; ``clashes`` lists every overlap."""

    def __init__(self, clashes: Sequence[Clash]) -> None:
        super().__init__(
            N_(
                "Double booking: %(details)s. Choose another time, room or trainer, or give "
                "a reason to book anyway."
            ),
            field=clashes[0].field,
            details=describe(clashes),
        )
        self.clashes = list(clashes)


def lock_resources(room_ids: Iterable[int], trainer_ids: Iterable[int]) -> None:
    """Lock the rooms and trainers to be booked (in id order, so two writers never wait
    for each other crosswise)."""
    begin_write()
    rooms, trainers = sorted(set(room_ids)), sorted(set(trainer_ids))
    if rooms:
        db.session.execute(
            select(Room.id).where(Room.id.in_(rooms)).order_by(Room.id).with_for_update()
        ).all()
    if trainers:
        db.session.execute(
            select(Trainer.id)
            .where(Trainer.id.in_(trainers))
            .order_by(Trainer.id)
            .with_for_update()
        ).all()


def _overlapping(planned: Sequence[PlannedMeeting], start: datetime, end: datetime) -> list[int]:
    return [p.index for p in planned if p.starts_at < end and start < p.ends_at]


def _others(session_id: int | None) -> list[Any]:
    conditions = [CourseSession.cancelled_at.is_(None)]
    if session_id is not None:
        conditions.append(CourseSession.id != session_id)
    return conditions


def room_clashes(planned: Sequence[PlannedMeeting], session_id: int | None) -> list[Clash]:
    booked = [p for p in planned if p.room is not None]
    if not booked:
        return []
    rows = db.session.execute(
        select(
            SessionMeeting.id,
            SessionMeeting.session_id,
            SessionMeeting.room_id,
            SessionMeeting.starts_at,
            SessionMeeting.ends_at,
            Course.title,
        )
        .join(CourseSession, CourseSession.id == SessionMeeting.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            *_others(session_id),
            or_(
                *(
                    and_(
                        SessionMeeting.room_id == p.room_id,
                        SessionMeeting.starts_at < p.ends_at,
                        SessionMeeting.ends_at > p.starts_at,
                    )
                    for p in booked
                )
            ),
        )
        .order_by(SessionMeeting.starts_at, SessionMeeting.id)
    ).all()
    rooms = {p.room_id: p.room for p in booked}
    found = []
    for meeting_id, other_session, room_id, start, end, title in rows:
        mine = [p for p in booked if p.room_id == room_id]
        for index in _overlapping(mine, start, end):
            room = rooms[room_id]
            assert room is not None
            found.append(
                Clash(
                    "room", room.id, room.label, index, meeting_id, other_session, title, start, end
                )
            )
    return found


def trainer_clashes(
    planned: Sequence[PlannedMeeting], trainers: Sequence[Trainer], session_id: int | None
) -> list[Clash]:
    """Overlaps of our meetings with meetings of other sessions that one of ``trainers``
    trains (linked, or their account is the session's lead)."""
    if not trainers or not planned:
        return []
    by_id = {t.id: t for t in trainers}
    by_user = {t.user_id: t for t in trainers if t.user_id is not None}
    in_time = or_(
        *(
            and_(SessionMeeting.starts_at < p.ends_at, SessionMeeting.ends_at > p.starts_at)
            for p in planned
        )
    )
    columns = (
        SessionMeeting.id,
        SessionMeeting.session_id,
        SessionMeeting.starts_at,
        SessionMeeting.ends_at,
        Course.title,
    )
    base = (
        select(*columns)
        .join(CourseSession, CourseSession.id == SessionMeeting.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(*_others(session_id), in_time)
    )
    linked = db.session.execute(
        base.add_columns(SessionTrainer.trainer_id)
        .join(SessionTrainer, SessionTrainer.session_id == CourseSession.id)
        .where(SessionTrainer.trainer_id.in_(list(by_id)))
    ).all()
    led = []
    if by_user:
        led = db.session.execute(
            base.add_columns(CourseSession.trainer_id).where(
                CourseSession.trainer_id.in_(list(by_user))
            )
        ).all()
    found: dict[tuple[Any, ...], Clash] = {}
    for rows, lookup in ((linked, by_id), (led, by_user)):
        for meeting_id, other_session, start, end, title, key in rows:
            trainer = lookup[key]
            for index in _overlapping(planned, start, end):
                clash = Clash(
                    "trainer",
                    trainer.id,
                    trainer.display_name,
                    index,
                    meeting_id,
                    other_session,
                    title,
                    start,
                    end,
                )
                found.setdefault((clash.key, index), clash)
    return sorted(found.values(), key=lambda c: (c.starts_at, c.resource, c.index))


def find_clashes(
    planned: Sequence[PlannedMeeting], trainers: Sequence[Trainer], session_id: int | None
) -> list[Clash]:
    """Every room and trainer clash of the planned meetings (rooms first)."""
    return room_clashes(planned, session_id) + trainer_clashes(planned, trainers, session_id)
