"""Attendance and results, marked by HR or the session's trainer.

Attendance is recorded per meeting, from that meeting's start (``MeetingAttendance``:
present or not). The enrolment follows its meetings: once every meeting of the session
is recorded for the person, it becomes *attended* when they were present for at least
``ATTENDANCE_MIN_PERCENT`` of the session's time (default 80 %; the meetings' lengths
weighed, so missing one of four equal evenings is 75 %), else *no-show*; until then it
stays *confirmed*. Correcting a meeting settles the enrolment again (attended ↔ no-show)
as long as no result is recorded. A session of one meeting works as it always did:
present → attended, absent → no-show.

attended → completed (``completed_on`` = the Berlin date) | failed, from the start of the
session's last meeting (so completion follows the last meeting). Completion sends
``courses.signals.course_completed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.lifecycle import lock_session, reload, start_write, transition
from courses.enrolment.models import Enrolment, EnrolmentState, MeetingAttendance
from courses.sessions.models import CourseSession, SessionMeeting
from courses.signals import course_completed

#: States attendance can be marked (or corrected) from.
MARKABLE = (EnrolmentState.CONFIRMED, EnrolmentState.ATTENDED, EnrolmentState.NO_SHOW)
#: Settled states that imply presence at a session's only meeting (no record needed).
PRESENT_STATES = (EnrolmentState.ATTENDED, EnrolmentState.COMPLETED, EnrolmentState.FAILED)
DEFAULT_MIN_PERCENT = 80

Marks = dict[tuple[int, int], bool]


def min_percent() -> int:
    """The share of a session's time a participant must be present for (1–100)."""
    value = (
        current_app.config.get("ATTENDANCE_MIN_PERCENT", DEFAULT_MIN_PERCENT)
        if has_app_context()
        else DEFAULT_MIN_PERCENT
    )
    return min(max(int(value), 1), 100)


def recorded_marks(enrolment_ids: Iterable[int], meeting_ids: Iterable[int]) -> Marks:
    """Recorded attendance by (enrolment, meeting) (one query)."""
    enrolments, meetings = list(set(enrolment_ids)), list(set(meeting_ids))
    if not enrolments or not meetings:
        return {}
    rows = db.session.execute(
        select(
            MeetingAttendance.enrolment_id, MeetingAttendance.meeting_id, MeetingAttendance.present
        ).where(
            MeetingAttendance.enrolment_id.in_(enrolments),
            MeetingAttendance.meeting_id.in_(meetings),
        )
    )
    return {(e, m): bool(present) for e, m, present in rows}


def marks_of(enrolments: Sequence[Enrolment], meetings: Sequence[SessionMeeting]) -> Marks:
    """Attendance by (enrolment, meeting): the records, and for a session of one meeting
    what a settled state says (enrolments marked before meetings were recorded)."""
    marks = recorded_marks((e.id for e in enrolments), (m.id for m in meetings))
    if len(meetings) == 1:
        only = meetings[0].id
        for enrolment in enrolments:
            if (enrolment.id, only) not in marks:
                if enrolment.state in PRESENT_STATES:
                    marks[(enrolment.id, only)] = True
                elif enrolment.state == EnrolmentState.NO_SHOW:
                    marks[(enrolment.id, only)] = False
    return marks


def settled_state(
    enrolment_id: int, meetings: Sequence[SessionMeeting], marks: Marks
) -> EnrolmentState | None:
    """Attended or no-show once every meeting is recorded; None before."""
    if not meetings or any((enrolment_id, m.id) not in marks for m in meetings):
        return None
    total = sum(max(m.minutes, 0) for m in meetings)
    present = sum(max(m.minutes, 0) for m in meetings if marks[(enrolment_id, m.id)])
    if present > 0 and present * 100 >= min_percent() * total:
        return EnrolmentState.ATTENDED
    return EnrolmentState.NO_SHOW


def _prepare(actor: User, enrolment: Enrolment) -> CourseSession:
    start_write()
    session = lock_session(enrolment.session)
    reload(enrolment)
    if not can(actor, "attendance.mark", enrolment):
        raise PermissionDenied(N_("Only HR development or the session's trainer can do this."))
    return session


def _store(
    actor: User, enrolment: Enrolment, meeting: SessionMeeting, present: bool, now: datetime
) -> bool:
    """Record presence at one meeting; True when it changed."""
    row = db.session.get(MeetingAttendance, (enrolment.id, meeting.id))
    if row is not None and row.present == present:
        return False
    if row is None:
        row = MeetingAttendance(enrolment_id=enrolment.id, meeting_id=meeting.id)
        db.session.add(row)
    row.present, row.marked_at, row.marked_by_id = present, now, actor.id
    return True


def _settle(actor: User, enrolment: Enrolment, session: CourseSession, now: datetime) -> None:
    meetings = list(session.meetings)
    db.session.flush()
    target = settled_state(enrolment.id, meetings, marks_of([enrolment], meetings))
    if target is None or enrolment.state == target:
        return
    enrolment.attendance_marked_at = now
    enrolment.result_marked_by_id = actor.id
    try:
        with db.session.begin_nested():
            transition(actor, enrolment, target, now, verb=target.value)
    except IntegrityError as exc:
        # attended is an active state: the person has meanwhile enrolled again.
        db.session.refresh(enrolment)
        raise Conflict(N_("There is already an active enrolment for this course.")) from exc


def _mark(
    actor: User,
    enrolment: Enrolment,
    session: CourseSession,
    meeting: SessionMeeting,
    present: bool,
    now: datetime,
) -> None:
    if meeting.session_id != session.id:
        raise Conflict(N_("This meeting belongs to another session."))
    if now < meeting.starts_at:
        if len(session.meetings) == 1:
            raise ValidationFailed(N_("Attendance can be recorded from the start of the session."))
        raise ValidationFailed(N_("Attendance for a meeting can be recorded from its start."))
    if enrolment.state not in MARKABLE:
        raise Conflict(N_("Attendance cannot be recorded for this enrolment."))
    if _store(actor, enrolment, meeting, present, now) and len(session.meetings) > 1:
        record(
            actor,
            "enrolment.meeting_present" if present else "enrolment.meeting_absent",
            "enrolment",
            enrolment.id,
            details={"meeting": meeting.position + 1, "starts_at": meeting.starts_at.isoformat()},
            now=now,
        )


def mark_meeting(
    actor: User, enrolment: Enrolment, meeting: SessionMeeting, present: bool, now: datetime
) -> Enrolment:
    """Record whether a confirmed participant was present at one meeting (or correct
    it); the enrolment follows once every meeting is recorded."""
    session = _prepare(actor, enrolment)
    _mark(actor, enrolment, session, meeting, present, now)
    _settle(actor, enrolment, session, now)
    return enrolment


def mark_attendance(actor: User, enrolment: Enrolment, attended: bool, now: datetime) -> Enrolment:
    """Record presence (or absence) at every meeting of the session that has begun."""
    session = _prepare(actor, enrolment)
    begun = [m for m in session.meetings if m.starts_at <= now]
    if not begun:
        raise ValidationFailed(N_("Attendance can be recorded from the start of the session."))
    for meeting in begun:
        _mark(actor, enrolment, session, meeting, attended, now)
    _settle(actor, enrolment, session, now)
    return enrolment


def record_result(actor: User, enrolment: Enrolment, passed: bool, now: datetime) -> Enrolment:
    """Record the result of an attended enrolment: completed (with today's date in
    Berlin) or failed, from the start of the session's last meeting. Completion sends
    ``course_completed``."""
    session = _prepare(actor, enrolment)
    if now < session.starts_at:
        raise ValidationFailed(N_("Attendance can be recorded from the start of the session."))
    if session.meetings and now < session.meetings[-1].starts_at:
        raise ValidationFailed(
            N_("A result can be recorded from the start of the session's last meeting.")
        )
    if enrolment.state != EnrolmentState.ATTENDED:
        raise Conflict(N_("A result can only be recorded for someone who attended."))
    enrolment.result_marked_by_id = actor.id
    if passed:
        enrolment.completed_on = to_berlin(now).date()
        transition(actor, enrolment, EnrolmentState.COMPLETED, now, verb="completed")
        course_completed.send(enrolment, now=now)
    else:
        transition(actor, enrolment, EnrolmentState.FAILED, now, verb="failed")
    return enrolment


def record_all_passed(actor: User, session: CourseSession, now: datetime) -> list[Enrolment]:
    """Record 'completed' for everyone in ``session`` who attended and has no result
    yet (the one-step shortcut beside the results form); each result is recorded and
    audited as a single one would be (and, like one, cannot be changed afterwards).
    The enrolments given a result, in roster order; none when nobody is left."""
    start_write()
    session = lock_session(session)
    if not can(actor, "attendance.mark", session):
        raise PermissionDenied(N_("Only HR development or the session's trainer can do this."))
    waiting = db.session.scalars(
        select(Enrolment)
        .where(
            Enrolment.session_id == session.id,
            Enrolment.state == EnrolmentState.ATTENDED.value,
        )
        .order_by(Enrolment.id)
    ).all()
    return [record_result(actor, enrolment, True, now) for enrolment in waiting]
