"""What the trainer's and the roster's pages show, put together outside the views (HR's
session list and form: ``courses.sessions.editing``): the trainer's sessions, the roster
(with the answers its template needs: the session's phase, the meeting whose attendance
is shown, who may mark attendance, whom HR may cancel), the sign-in sheets per meeting
and the way back to the roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import flash_error, paginate
from courses.enrolment.attendance import MARKABLE, marks_of, min_percent
from courses.enrolment.forms import LateCancelForm
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.queries import Roster, session_roster
from courses.sessions.models import CourseSession, SessionMeeting
from courses.sessions.phase import SessionPhase, session_phase, session_phases
from courses.sessions.queries import (
    open_work_counts,
    session_with_trainer,
    trainer_sessions,
    waitlist_counts,
)

# ---------------------------------------------------------------------------
# Dates in forms
# ---------------------------------------------------------------------------


def wall_clock(value: datetime | None) -> datetime | None:
    return to_berlin(value).replace(tzinfo=None) if value is not None else None


# ---------------------------------------------------------------------------
# The trainer's sessions and the roster
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenWork:
    """What is still open for a finished session: people without attendance, people
    without a result, whole days since the session ended, and whether that is more than
    ``ATTENDANCE_URGENT_DAYS``."""

    attendance: int
    results: int
    days: int
    urgent: bool


def urgent_days() -> int:
    return max(int(current_app.config["ATTENDANCE_URGENT_DAYS"]), 0)


def open_work(
    sessions: list[CourseSession], phases: dict[int, SessionPhase], now: datetime
) -> dict[int, OpenWork]:
    """The open work of the finished sessions among ``sessions`` (one query)."""
    finished = [s for s in sessions if phases[s.id] == SessionPhase.FINISHED]
    counts = open_work_counts([s.id for s in finished])
    limit, work = urgent_days(), {}
    for session in finished:
        if session.id in counts:
            days = (now - session.ends_at).days
            attendance = counts[session.id].get(EnrolmentState.CONFIRMED.value, 0)
            results = counts[session.id].get(EnrolmentState.ATTENDED.value, 0)
            work[session.id] = OpenWork(attendance, results, days, days > limit)
    return work


def trainer_sessions_context(trainer: User, now: datetime, *, past: bool) -> dict[str, Any]:
    """The trainer's sessions; past ones with attendance or results still open first
    (the urgent ones, open for more than ``ATTENDANCE_URGENT_DAYS``, before them)."""
    urgent_before = now - timedelta(days=urgent_days() + 1)
    page = paginate(trainer_sessions(trainer, now, past=past, urgent_before=urgent_before))
    phases = session_phases(page.items, now)
    return {
        "page": page,
        "past": past,
        "waiting": waitlist_counts([s.id for s in page.items]),
        "phases": phases,
        "open_work": open_work(page.items, phases, now),
        "urgent_days": urgent_days(),
    }


def load_session(session_id: int) -> CourseSession:
    session = session_with_trainer(session_id)
    if session is None:
        abort(404)
    return session


def load_enrolment(session: CourseSession, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session_id != session.id:
        abort(404)
    return enrolment


def name_of(enrolment: Enrolment) -> str:
    return enrolment.employee.full_name


def late_cancel_choices(roster: Roster) -> list[tuple[int, str]]:
    """Confirmed participants and people waiting: the enrolments HR may cancel here."""
    confirmed = [
        (e.id, gettext("%(name)s (confirmed)", name=name_of(e)))
        for e in roster.participants
        if e.state == EnrolmentState.CONFIRMED
    ]
    waiting = [
        (
            e.id,
            gettext("%(name)s (waiting list, position %(position)s)", name=name_of(e), position=p),
        )
        for e, p in roster.waitlist
    ]
    return confirmed + waiting


def chosen_meeting(session: CourseSession, now: datetime, wanted: str | None) -> SessionMeeting:
    """The meeting a roster or sheet shows: the one asked for (``?termin=<id>``), else
    the latest that has begun, else the first."""
    meetings = list(session.meetings)
    if wanted and wanted.isdigit():
        for meeting in meetings:
            if str(meeting.id) == wanted:
                return meeting
    begun = [m for m in meetings if m.starts_at <= now]
    return begun[-1] if begun else meetings[0]


def roster_context(
    user: User, session: CourseSession, now: datetime, wanted: str | None = None
) -> dict[str, Any]:
    """The roster page: participants, waiting list, the session's phase, the meeting
    whose attendance is shown (with each participant's mark) and what the reader may do
    (mark attendance, record results once the last meeting has begun, manage the
    waiting list, cancel late)."""
    roster = session_roster(session)
    cancel_form = LateCancelForm(formdata=None)
    cancel_form.enrolment.choices = late_cancel_choices(roster)
    meetings = list(session.meetings)
    meeting = chosen_meeting(session, now, wanted)
    marks = marks_of(roster.participants, meetings)
    present = {
        e.id: sum(1 for m in meetings if marks.get((e.id, m.id))) for e in roster.participants
    }
    return {
        "session": session,
        "roster": roster,
        "phase": session_phase(session, now),
        "meetings": meetings,
        "meeting": meeting,
        "marks": {e.id: marks.get((e.id, meeting.id)) for e in roster.participants},
        "present": present,
        "min_percent": min_percent(),
        "started": now >= meeting.starts_at,
        "results_open": now >= meetings[-1].starts_at,
        "may_mark": can(user, "attendance.mark", session) and not session.is_cancelled,
        "markable": {s.value for s in MARKABLE},
        "attended": [e for e in roster.participants if e.state == EnrolmentState.ATTENDED],
        "remaining": [
            e
            for e in roster.participants
            if e.state == EnrolmentState.CONFIRMED and (e.id, meeting.id) not in marks
        ],
        "manage": can(user, "waitlist.manage", session),
        "cancel_form": cancel_form,
    }


def sheet_context(session: CourseSession, now: datetime, wanted: str | None) -> dict[str, Any]:
    """The sign-in sheet: one page per meeting (all of them, or the one asked for)."""
    participants = session_roster(session).participants
    meetings = list(session.meetings)
    shown = meetings if wanted == "alle" or (not wanted and len(meetings) > 1) else None
    return {
        "session": session,
        "participants": participants,
        "meetings": meetings,
        "sheets": shown or [chosen_meeting(session, now, wanted)],
        "empty_rows": max(session.capacity - len(participants), 0),
    }


def back_to_roster(session_id: int, meeting_id: int | None = None) -> Response:
    """Back to the roster (at the meeting whose attendance was just saved)."""
    values: dict[str, Any] = {"session_id": session_id}
    if meeting_id is not None:
        values["termin"] = meeting_id
    return redirect(url_for("courses.session_roster", **values), code=303)


def refused(error: DomainError, session_id: int, meeting_id: int | None = None) -> Response:
    """Undo the request's changes and show the service's reason on the roster."""
    db.session.rollback()
    flash_error(error)
    return back_to_roster(session_id, meeting_id)


def invalid(form: FlaskForm, session_id: int) -> Response:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "danger")
    return back_to_roster(session_id)
