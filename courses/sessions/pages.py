"""What the session pages show, put together outside the views: HR's session list and
form, the trainer's sessions, the roster (with the answers its template needs: the
session's phase, who may mark attendance, whom HR may cancel) and the way back to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import flash_error, paginate
from courses.catalogue.models import Course
from courses.enrolment.attendance import MARKABLE
from courses.enrolment.forms import LateCancelForm
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.queries import Roster, session_roster
from courses.sessions.forms import CancelSessionForm, CapacityForm, SessionEditForm, SessionForm
from courses.sessions.models import CourseSession
from courses.sessions.phase import session_phase, session_phases
from courses.sessions.queries import (
    course_sessions,
    open_request_counts,
    session_with_course,
    session_with_trainer,
    trainer_sessions,
    waitlist_counts,
)
from courses.sessions.scheduling import SessionData, trainer_accounts

# ---------------------------------------------------------------------------
# HR: the sessions of a course
# ---------------------------------------------------------------------------


def wall_clock(value: datetime | None) -> datetime | None:
    return to_berlin(value).replace(tzinfo=None) if value is not None else None


def sessions_context(course: Course, now: datetime) -> dict[str, Any]:
    page = paginate(course_sessions(course))
    return {
        "course": course,
        "page": page,
        "counts": open_request_counts([s.id for s in page.items]),
        "phases": session_phases(page.items, now),
    }


def session_data(form: SessionForm) -> SessionData:
    capacity = getattr(form, "capacity", None)
    return SessionData(
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        capacity=capacity.data if capacity is not None else None,
        min_participants=form.min_participants.data or 0,
        location=form.location.data,
        online_url=form.online_url.data,
        trainer_id=int(form.trainer.data) if form.trainer.data else None,
        enrolment_deadline=form.enrolment_deadline.data,
        cancellation_deadline=form.cancellation_deadline.data,
    )


def new_session_form() -> SessionForm:
    form = SessionForm() if request.method == "POST" else SessionForm(formdata=None)
    form.set_trainers(trainer_accounts())
    return form


def render_new_session(course: Course, form: SessionForm, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "courses/sessions/manage/session_form.html", course=course, session=None, form=form
    )
    return html, status


def get_session(session_id: int) -> CourseSession:
    session = session_with_course(session_id)
    if session is None:
        abort(404)
    return session


def edit_form(session: CourseSession) -> SessionEditForm:
    if request.method == "POST" and request.endpoint == "courses.manage_session_edit":
        form = SessionEditForm()
    else:
        form = SessionEditForm(
            formdata=None,
            data={
                "starts_at": wall_clock(session.starts_at),
                "ends_at": wall_clock(session.ends_at),
                "location": session.location or "",
                "online_url": session.online_url or "",
                "trainer": str(session.trainer_id) if session.trainer_id else "",
                "min_participants": session.min_participants,
                "enrolment_deadline": wall_clock(session.enrolment_deadline),
                "cancellation_deadline": wall_clock(session.cancellation_deadline),
            },
        )
    trainers = trainer_accounts()
    if session.trainer is not None and session.trainer not in trainers:
        trainers.append(session.trainer)  # keep showing a former trainer
    form.set_trainers(trainers)
    return form


def render_session(
    session: CourseSession,
    *,
    form: SessionEditForm | None = None,
    capacity_form: CapacityForm | None = None,
    cancel_form: CancelSessionForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    html = render_template(
        "courses/sessions/manage/session_form.html",
        course=session.course,
        session=session,
        form=form or edit_form(session),
        capacity_form=capacity_form or CapacityForm(formdata=None, capacity=session.capacity),
        cancel_form=cancel_form or CancelSessionForm(formdata=None),
    )
    return html, status


# ---------------------------------------------------------------------------
# The trainer's sessions and the roster
# ---------------------------------------------------------------------------


def trainer_sessions_context(trainer: User, now: datetime, *, past: bool) -> dict[str, Any]:
    page = paginate(trainer_sessions(trainer, now, past=past))
    return {
        "page": page,
        "past": past,
        "waiting": waitlist_counts([s.id for s in page.items]),
        "phases": session_phases(page.items, now),
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


def roster_context(user: User, session: CourseSession, now: datetime) -> dict[str, Any]:
    """The roster page: participants, waiting list, the session's phase and what the
    reader may do (mark attendance, manage the waiting list, cancel late)."""
    roster = session_roster(session)
    cancel_form = LateCancelForm(formdata=None)
    cancel_form.enrolment.choices = late_cancel_choices(roster)
    return {
        "session": session,
        "roster": roster,
        "phase": session_phase(session, now),
        "started": now >= session.starts_at,
        "may_mark": can(user, "attendance.mark", session) and not session.is_cancelled,
        "markable": {s.value for s in MARKABLE},
        "attended": [e for e in roster.participants if e.state == EnrolmentState.ATTENDED],
        "remaining": [e for e in roster.participants if e.state == EnrolmentState.CONFIRMED],
        "manage": can(user, "waitlist.manage", session),
        "cancel_form": cancel_form,
    }


def back_to_roster(session_id: int) -> Response:
    return redirect(url_for("courses.session_roster", session_id=session_id), code=303)


def refused(error: DomainError, session_id: int) -> Response:
    """Undo the request's changes and show the service's reason on the roster."""
    db.session.rollback()
    flash_error(error)
    return back_to_roster(session_id)


def invalid(form: FlaskForm, session_id: int) -> Response:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "danger")
    return back_to_roster(session_id)
