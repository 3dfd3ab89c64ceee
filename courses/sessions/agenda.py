"""Storing a session's meetings: the planned meetings become the session's rows (a
changed row keeps its id, so its attendance stays with it), positions follow the start,
and the session's ``starts_at``/``ends_at``/``location``/``online_url`` are kept as the
first start, the last end and the first meeting's place, so every query that reads the
session's dates keeps working.

Sessions made without meetings (older code, test factories: ``CourseSession(starts_at=…,
ends_at=…)``) get one meeting from those fields when they are flushed; a session with
one meeting whose dates or place are set directly carries them over to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.models import MeetingAttendance
from courses.sessions.meetings import PlannedMeeting
from courses.sessions.models import CourseSession, SessionMeeting

#: The session's fields that summarise its meetings.
SUMMARY_FIELDS = ("starts_at", "ends_at", "location", "online_url")


def summary(planned: Sequence[PlannedMeeting]) -> dict[str, Any]:
    """The session's fields that follow from its meetings (sorted by start)."""
    first = planned[0]
    return {
        "starts_at": first.starts_at,
        "ends_at": max(m.ends_at for m in planned),
        "location": first.place,
        "online_url": first.online_url,
    }


def describe(meetings: Sequence[Any]) -> list[str]:
    """Meetings as the audit log records them: "start–end @ place | link"."""
    return [
        f"{m.starts_at.isoformat()}–{m.ends_at.isoformat()} @ "
        f"{(m.room.label if m.room is not None else m.location) or '–'}"
        f"{' | ' + m.online_url if m.online_url else ''}"
        for m in meetings
    ]


def _refuse_removing_attended(removed: Sequence[SessionMeeting]) -> None:
    if not removed:
        return
    marked = db.session.scalar(
        select(MeetingAttendance.meeting_id)
        .where(MeetingAttendance.meeting_id.in_([m.id for m in removed]))
        .limit(1)
    )
    if marked is not None:
        raise Conflict(
            N_("Attendance has been recorded for a meeting you removed; it has to stay.")
        )


def store_meetings(session: CourseSession, planned: Sequence[PlannedMeeting]) -> list[str] | None:
    """Make the session's meetings the planned ones (sorted by start); returns the
    meetings as they were, for the audit log, when they changed (else None)."""
    current = list(session.meetings)
    before = describe(current)
    by_id = {m.id: m for m in current}
    keep = {p.meeting_id for p in planned if p.meeting_id is not None}
    _refuse_removing_attended([m for m in current if m.id not in keep])
    rows = []
    for position, plan in enumerate(planned):
        meeting = by_id.get(plan.meeting_id) if plan.meeting_id is not None else None
        if meeting is None:
            meeting = SessionMeeting()
        meeting.position = position
        meeting.starts_at, meeting.ends_at = plan.starts_at, plan.ends_at
        meeting.location = plan.location if plan.room is None else None
        meeting.online_url = plan.online_url
        meeting.room = plan.room
        rows.append(meeting)
    session.meetings = rows
    for name, value in summary(planned).items():
        setattr(session, name, value)
    after = describe(rows)
    return before if before != after else None


# ---------------------------------------------------------------------------
# Sessions written without the service
# ---------------------------------------------------------------------------


def _first_meeting(session: CourseSession) -> SessionMeeting:
    return SessionMeeting(
        position=0,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.location,
        online_url=session.online_url,
    )


def _summary_changed(session: CourseSession) -> bool:
    state = inspect(session)
    return any(state.attrs[name].history.has_changes() for name in SUMMARY_FIELDS)


def _carry_over(db_session: Session, session: CourseSession) -> None:
    with db_session.no_autoflush:
        meetings = list(session.meetings)
    if len(meetings) != 1:
        return
    meeting = meetings[0]
    if meeting in db_session.dirty or meeting in db_session.new:
        return  # the service set both
    meeting.starts_at, meeting.ends_at = session.starts_at, session.ends_at
    meeting.online_url = session.online_url
    if meeting.room_id is None:
        meeting.location = session.location


def keep_meetings(db_session: Session, flush_context: Any, instances: Any) -> None:
    """Before a flush: a new session without meetings gets one from its fields; a
    single-meeting session whose fields were set directly carries them over."""
    for obj in list(db_session.new):
        if isinstance(obj, CourseSession) and not obj.meetings and obj.starts_at is not None:
            obj.meetings.append(_first_meeting(obj))
    for obj in list(db_session.dirty):
        if isinstance(obj, CourseSession) and obj.id is not None and _summary_changed(obj):
            _carry_over(db_session, obj)


def meetings_starting(session: CourseSession, now: datetime) -> list[SessionMeeting]:
    """The session's meetings that have begun by ``now``."""
    return [m for m in session.meetings if m.starts_at <= now]


event.listen(Session, "before_flush", keep_meetings)
