"""Demo data of rooms, trainers and meetings: the ``meetings`` step of ``flask academy
demo`` (after the ``courses`` step, whose sessions it completes).

- The rooms and external trainers of ``resources.toml``, and the demo trainer as an
  internal trainer.
- Every session gets its meetings: one per day for a course of several days (the
  two-day workshops: 09:00–16:00 on each day), one for the others.
- In-person and blended sessions planned in one of the rooms get that room when it is
  free at every meeting and large enough; else another free room that is large enough;
  else the place stays as planned, without a room. So no room is booked twice.
- Sessions of external providers get an external trainer who is free at every meeting;
  the demo trainer's sessions link her as the lead. No trainer is booked twice.
- Attendance of past sessions per meeting (attended and completed: present at every
  meeting; no-show: present only at the first meeting of a workshop of several days, so
  below the share needed), marked by the session's trainer or HR.
- Reminders of later meetings that lay two days or more before the demo's day are sent.

Same seed → same rows; the step draws from its own random generator.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update

from academy.clock import berlin_to_utc, to_berlin
from academy.demo.steps import DemoContext, bulk_insert, de_int, register_demo_step
from academy.extensions import db
from courses.catalogue.models import Course, CourseFormat, Provider
from courses.enrolment.models import Enrolment, EnrolmentState, MeetingAttendance
from courses.rooms.models import Room, SessionTrainer, Trainer, TrainerKind
from courses.sessions.models import CourseSession, SessionMeeting

STEP_NAME = "meetings"
STEP_ORDER = 21
RESOURCES = Path(__file__).resolve().parent / "resources.toml"
REMINDER_BEFORE = timedelta(days=2)
MARKED = ("attended", "completed", "failed", "no_show")

Interval = tuple[datetime, datetime]


@dataclass
class DemoSession:
    id: int
    code: str
    format: str
    provider: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    online_url: str | None
    capacity: int
    trainer_id: int | None
    cancelled: bool
    meetings: list[Interval] = field(default_factory=list)
    room_id: int | None = None
    external_trainer: int | None = None


def _read() -> dict[str, Any]:
    with RESOURCES.open("rb") as file:
        return tomllib.load(file)


def split_into_days(starts_at: datetime, ends_at: datetime) -> list[Interval]:
    """A course over several days: one meeting a day with the first day's start time
    and the last day's end time (Berlin wall clock)."""
    start, end = to_berlin(starts_at), to_berlin(ends_at)
    days = (end.date() - start.date()).days + 1
    return [
        (
            berlin_to_utc(datetime.combine(start.date() + timedelta(days=n), start.time())),
            berlin_to_utc(datetime.combine(start.date() + timedelta(days=n), end.time())),
        )
        for n in range(days)
    ]


def _free(busy: list[Interval], meetings: list[Interval]) -> bool:
    return all(e <= s2 or s >= e2 for s, e in meetings for s2, e2 in busy)


def _sessions(now: datetime) -> list[DemoSession]:
    rows = db.session.execute(
        select(
            CourseSession.id,
            Course.code,
            Course.format,
            Course.provider,
            CourseSession.starts_at,
            CourseSession.ends_at,
            CourseSession.location,
            CourseSession.online_url,
            CourseSession.capacity,
            CourseSession.trainer_id,
            CourseSession.cancelled_at,
        )
        .join(Course, Course.id == CourseSession.course_id)
        .where(~CourseSession.meetings.any())
        .order_by(CourseSession.starts_at, CourseSession.id)
    ).all()
    found = []
    for row in rows:
        session = DemoSession(*row[:-1], cancelled=row[-1] is not None)
        several = to_berlin(session.ends_at).date() > to_berlin(session.starts_at).date()
        if several and session.format != CourseFormat.SELF_PACED:
            session.meetings = split_into_days(session.starts_at, session.ends_at)
        else:
            session.meetings = [(session.starts_at, session.ends_at)]
        found.append(session)
    return found


def _insert_resources(
    data: dict[str, Any], now: datetime, trainer_user: int | None
) -> tuple[dict[int, Any], list[int], int | None]:
    created = now - timedelta(days=400)
    rooms = [
        Room(
            name=r["name"],
            building=r.get("building"),
            address=r.get("address"),
            capacity=r["capacity"],
            step_free=r.get("step_free", False),
            hearing_loop=r.get("hearing_loop", False),
            equipment=r.get("equipment"),
            cost_per_day=Decimal(r["cost_per_day"]) if "cost_per_day" in r else None,
            active=True,
            created_at=created,
            updated_at=created,
        )
        for r in data["rooms"]
    ]
    externals = [
        Trainer(
            kind=TrainerKind.EXTERNAL.value,
            name=t["name"],
            organisation=t.get("organisation"),
            email=t.get("email"),
            phone=t.get("phone"),
            fee_per_day=Decimal(t["fee_per_day"]) if "fee_per_day" in t else None,
            notes=t.get("notes"),
            active=True,
            created_at=created,
            updated_at=created,
        )
        for t in data["trainers"]
    ]
    internal = None
    if trainer_user is not None:
        internal = Trainer(
            kind=TrainerKind.INTERNAL.value,
            user_id=trainer_user,
            active=True,
            created_at=created,
            updated_at=created,
        )
    db.session.add_all([*rooms, *externals, *([internal] if internal else [])])
    db.session.flush()
    return (
        {r.id: r for r in rooms},
        [t.id for t in externals],
        internal.id if internal else None,
    )


def _book_rooms(ctx: DemoContext, sessions: list[DemoSession], rooms: dict[int, Any]) -> int:
    """Rooms for in-person and blended sessions, never twice at once (see the module)."""
    by_label = {room.label: room_id for room_id, room in rooms.items()}
    busy: dict[int, list[Interval]] = defaultdict(list)
    moved = 0
    for session in sessions:
        if session.format not in (CourseFormat.IN_PERSON, CourseFormat.BLENDED):
            continue
        planned = by_label.get(session.location or "")
        if planned is None:
            continue
        candidates = [planned, *ctx.rng.sample(sorted(rooms), len(rooms))]
        for room_id in candidates:
            fits = rooms[room_id].capacity >= session.capacity
            if fits and (session.cancelled or _free(busy[room_id], session.meetings)):
                session.room_id = room_id
                if not session.cancelled:
                    busy[room_id].extend(session.meetings)
                moved += room_id != planned
                break
    return moved


def _book_trainers(ctx: DemoContext, sessions: list[DemoSession], externals: list[int]) -> None:
    busy: dict[int, list[Interval]] = defaultdict(list)
    for session in sessions:
        if session.provider == Provider.INTERNAL or session.format == CourseFormat.SELF_PACED:
            continue
        for trainer_id in ctx.rng.sample(externals, len(externals)):
            if session.cancelled or _free(busy[trainer_id], session.meetings):
                session.external_trainer = trainer_id
                if not session.cancelled:
                    busy[trainer_id].extend(session.meetings)
                break


def _write_meetings(sessions: list[DemoSession], rooms: dict[int, Any], now: datetime) -> int:
    rows = []
    for session in sessions:
        for position, (start, end) in enumerate(session.meetings):
            reminded = (
                start - REMINDER_BEFORE
                if position > 0 and not session.cancelled and start - REMINDER_BEFORE < now
                else None
            )
            rows.append(
                {
                    "session_id": session.id,
                    "position": position,
                    "starts_at": start,
                    "ends_at": end,
                    "location": None if session.room_id else session.location,
                    "online_url": session.online_url,
                    "room_id": session.room_id,
                    "reminder_sent_at": reminded,
                }
            )
    count = bulk_insert(SessionMeeting.__table__, rows)
    relocated = [
        {"sid": s.id, "place": rooms[s.room_id].label}
        for s in sessions
        if s.room_id is not None and rooms[s.room_id].label != s.location
    ]
    if relocated:
        db.session.execute(
            update(CourseSession.__table__)
            .where(CourseSession.__table__.c.id == bindparam("sid"))
            .values(location=bindparam("place")),
            relocated,
        )
    return count


def _write_links(
    sessions: list[DemoSession], internal: int | None, trainer_user: int | None
) -> int:
    rows = []
    for session in sessions:
        if internal is not None and session.trainer_id == trainer_user:
            rows.append({"session_id": session.id, "trainer_id": internal, "is_lead": True})
        if session.external_trainer is not None:
            rows.append(
                {"session_id": session.id, "trainer_id": session.external_trainer, "is_lead": False}
            )
    return bulk_insert(SessionTrainer.__table__, rows)


def write_attendance(hr_user: int | None) -> int:
    """Attendance per meeting of the enrolments whose attendance is recorded and that
    have no marks yet (so later demo steps that add completions call it again)."""
    meetings: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for meeting_id, session_id, ends_at in db.session.execute(
        select(SessionMeeting.id, SessionMeeting.session_id, SessionMeeting.ends_at).order_by(
            SessionMeeting.session_id, SessionMeeting.position
        )
    ):
        meetings[session_id].append((meeting_id, ends_at))
    rows = []
    enrolments = db.session.execute(
        select(Enrolment.id, Enrolment.session_id, Enrolment.state, CourseSession.trainer_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(
            Enrolment.state.in_(MARKED),
            ~select(MeetingAttendance.meeting_id)
            .where(MeetingAttendance.enrolment_id == Enrolment.id)
            .exists(),
        )
        .order_by(Enrolment.id)
    )
    for enrolment_id, session_id, state, trainer_id in enrolments:
        own = meetings[session_id]
        for position, (meeting_id, ends_at) in enumerate(own):
            absent = state == EnrolmentState.NO_SHOW and (position > 0 or len(own) == 1)
            rows.append(
                {
                    "enrolment_id": enrolment_id,
                    "meeting_id": meeting_id,
                    "present": not absent,
                    "marked_at": ends_at,
                    "marked_by_id": trainer_id or hr_user,
                }
            )
    return bulk_insert(MeetingAttendance.__table__, rows)


def meetings_demo_step(ctx: DemoContext) -> str:
    """The ``meetings`` step of ``flask academy demo``."""
    trainer_user, hr_user = ctx.user_ids.get("trainer"), ctx.user_ids.get("hr")
    rooms, externals, internal = _insert_resources(_read(), ctx.now, trainer_user)
    sessions = _sessions(ctx.now)
    moved = _book_rooms(ctx, sessions, rooms)
    _book_trainers(ctx, sessions, externals)
    meetings = _write_meetings(sessions, rooms, ctx.now)
    links = _write_links(sessions, internal, trainer_user)
    marks = write_attendance(hr_user)
    workshops = sum(1 for s in sessions if len(s.meetings) > 1)
    return (
        f"Räume: {len(rooms)}, Trainer/innen: {len(externals) + (internal is not None)}, "
        f"Einzeltermine: {de_int(meetings)} (mehrtägig: {de_int(workshops)}, "
        f"Raum gewechselt wegen Belegung: {de_int(moved)}), Trainerzuordnungen: "
        f"{de_int(links)}, Anwesenheiten: {de_int(marks)}"
    )


def register_step() -> None:
    register_demo_step(STEP_NAME, meetings_demo_step, order=STEP_ORDER)
