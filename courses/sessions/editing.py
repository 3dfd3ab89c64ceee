"""HR's session pages, put together outside the views: the list of a course's
sessions, the session form (its meetings, rooms, trainers) filled and read, a service's
error put at the right meeting row, and the answers the template needs (the clashes to
book anyway, the UE the meetings add up to)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import paginate, show_error
from courses.catalogue.models import Course
from courses.rooms.clashes import BookingClash
from courses.rooms.models import Room, SessionTrainer, Trainer
from courses.rooms.staffing import active_trainers, linked_trainers
from courses.sessions.forms import (
    MEETING_FIELDS,
    CancelSessionForm,
    CapacityForm,
    SessionEditForm,
    SessionForm,
)
from courses.sessions.meetings import ue_of
from courses.sessions.models import CourseSession
from courses.sessions.pages import wall_clock
from courses.sessions.phase import session_phases
from courses.sessions.queries import course_sessions, open_request_counts, session_with_course
from courses.sessions.scheduling import SessionData, trainer_accounts

TEMPLATE = "courses/sessions/manage/session_form.html"


def sessions_context(course: Course, now: datetime) -> dict[str, Any]:
    page = paginate(course_sessions(course))
    return {
        "course": course,
        "page": page,
        "counts": open_request_counts([s.id for s in page.items]),
        "phases": session_phases(page.items, now),
    }


def get_session(session_id: int) -> CourseSession:
    session = session_with_course(session_id)
    if session is None:
        abort(404)
    return session


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------


def _rooms(session: CourseSession | None) -> list[Room]:
    """Active rooms, and the rooms the session books (also when deactivated since)."""
    used = [m.room_id for m in session.meetings if m.room_id] if session is not None else []
    condition = or_(Room.active.is_(True), Room.id.in_(used)) if used else Room.active.is_(True)
    rooms = db.session.scalars(select(Room).where(condition)).all()
    return sorted(rooms, key=lambda r: (r.label.lower(), r.id))


def _trainers(session: CourseSession | None) -> list[Trainer]:
    trainers = active_trainers()
    if session is not None:
        trainers += [t for t in linked_trainers(session) if t not in trainers]
    return trainers


def _offer(form: SessionForm, session: CourseSession | None) -> None:
    accounts = trainer_accounts()
    if session is not None and session.trainer is not None and session.trainer not in accounts:
        accounts.append(session.trainer)  # keep showing a former trainer
    form.set_trainers(accounts)
    form.set_resources(_rooms(session), _trainers(session))


def new_session_form() -> SessionForm:
    form = SessionForm() if request.method == "POST" else SessionForm(formdata=None)
    _offer(form, None)
    return form


def edit_form(session: CourseSession) -> SessionEditForm:
    if request.method == "POST" and request.endpoint == "courses.manage_session_edit":
        form = SessionEditForm()
    else:
        lead = {link.trainer_id for link in session.trainer_links if link.is_lead}
        form = SessionEditForm(
            formdata=None,
            data={
                "trainer": str(session.trainer_id) if session.trainer_id else "",
                "co_trainers": [
                    link.trainer_id for link in session.trainer_links if link.trainer_id not in lead
                ],
                "min_participants": session.min_participants,
                "enrolment_deadline": wall_clock(session.enrolment_deadline),
                "cancellation_deadline": wall_clock(session.cancellation_deadline),
            },
        )
        form.fill_meetings(session.meetings, wall_clock)
    _offer(form, session)
    return form


def session_data(form: SessionForm) -> tuple[SessionData, list[int | None]]:
    """What the form holds for the service, and the form row of each meeting."""
    meetings, origin = form.meeting_rows()
    capacity = getattr(form, "capacity", None)
    first = meetings[0] if meetings else None
    data = SessionData(
        starts_at=first.starts_at if first else None,
        ends_at=first.ends_at if first else None,
        capacity=capacity.data if capacity is not None else None,
        min_participants=form.min_participants.data or 0,
        trainer_id=int(form.trainer.data) if (form.trainer.data or "").isdigit() else None,
        enrolment_deadline=form.enrolment_deadline.data,
        cancellation_deadline=form.cancellation_deadline.data,
        meetings=meetings,
        co_trainer_ids=list(form.co_trainers.data or []),
        repeat_weekly=form.repeat_weekly.data or 0,
        override_reason=form.override_reason.data,
    )
    return data, origin


def _form_field(name: str, origin: list[int | None]) -> str:
    """The form field a service's field name stands for (meetings by their row)."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "meetings" and parts[1].isdigit():
        index, sub = int(parts[1]), parts[2]
    elif name in MEETING_FIELDS:
        index, sub = 0, name
    else:
        return name
    row = origin[index] if index < len(origin) else None
    return sub if row is None else f"meetings.{row}.{sub}"


def show_session_error(form: SessionForm, error: DomainError, origin: list[int | None]) -> int:
    field = error.field or ""
    return show_error(form, error, fields={field: _form_field(field, origin)} if field else None)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _clashes(error: DomainError | None) -> list[str]:
    if isinstance(error, BookingClash):
        return [clash.sentence() for clash in error.clashes]
    return []


def _resources(session: CourseSession) -> dict[str, Any]:
    """The stored meetings (with rooms), the trainers and the UE the meetings add up to."""
    meetings = list(session.meetings)
    for meeting in meetings:
        _ = meeting.room
    minutes = sum(m.minutes for m in meetings)
    trainers = db.session.scalars(
        select(Trainer)
        .join(SessionTrainer, SessionTrainer.trainer_id == Trainer.id)
        .options(joinedload(Trainer.user))
        .where(SessionTrainer.session_id == session.id)
    ).all()
    return {
        "meetings": meetings,
        "meetings_ue": ue_of(minutes),
        "trainers": sorted(trainers, key=lambda t: t.display_name.lower()),
    }


def render_new_session(
    course: Course, form: SessionForm, status: int = 200, error: DomainError | None = None
) -> tuple[str, int]:
    html = render_template(
        TEMPLATE, course=course, session=None, form=form, clashes=_clashes(error), several=False
    )
    return html, status


def render_session(
    session: CourseSession,
    *,
    form: SessionEditForm | None = None,
    capacity_form: CapacityForm | None = None,
    cancel_form: CancelSessionForm | None = None,
    status: int = 200,
    error: DomainError | None = None,
) -> tuple[str, int]:
    resources = _resources(session)
    html = render_template(
        TEMPLATE,
        course=session.course,
        session=session,
        form=form or edit_form(session),
        capacity_form=capacity_form or CapacityForm(formdata=None, capacity=session.capacity),
        cancel_form=cancel_form or CancelSessionForm(formdata=None),
        clashes=_clashes(error),
        several=len(resources["meetings"]) > 1,
        **resources,
    )
    return html, status
