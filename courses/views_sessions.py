"""HR's pages for the sessions of a course (action ``catalogue.manage``): the list, a new
session, editing one, changing its capacity and cancelling it (with a reason; everyone
enrolled is told). Dates are entered and shown as Berlin wall-clock time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from courses import bp
from courses.enrolment import cancel_session
from courses.forms import CancelSessionForm, CapacityForm, SessionEditForm, SessionForm
from courses.models import Course, CourseSession, Enrolment, EnrolmentState
from courses.scheduling import (
    SessionData,
    create_session,
    set_capacity,
    trainer_accounts,
    update_session,
)
from courses.views_catalogue import moment
from courses.views_manage import get_course, paginate, show_error

#: Enrolment states counted per session in the list.
COUNTED = (EnrolmentState.PENDING, EnrolmentState.WAITLISTED)


def url_if(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another part of the package may or may not offer yet."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def wall_clock(value: datetime | None) -> datetime | None:
    return to_berlin(value).replace(tzinfo=None) if value is not None else None


@bp.get("/verwaltung/<int:course_id>/termine")
@requires("catalogue.manage")
def manage_sessions(course_id: int) -> str:
    course = get_course(course_id)
    page = paginate(
        select(CourseSession)
        .options(joinedload(CourseSession.trainer))
        .where(CourseSession.course_id == course.id)
        .order_by(CourseSession.starts_at.desc(), CourseSession.id.desc())
    )
    ids = [s.id for s in page.items]
    counts: dict[tuple[int, str], int] = {
        (sid, state): n
        for sid, state, n in db.session.execute(
            select(Enrolment.session_id, Enrolment.state, func.count())
            .where(Enrolment.session_id.in_(ids), Enrolment.state.in_([s.value for s in COUNTED]))
            .group_by(Enrolment.session_id, Enrolment.state)
        )
    }
    return render_template(
        "courses/manage/sessions.html",
        course=course,
        page=page,
        counts=counts,
        now=utcnow(),
        roster_url=lambda s: url_if("courses.session_roster", session_id=s.id),
    )


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


@bp.route("/verwaltung/<int:course_id>/termine/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_session_new(course_id: int) -> Response | tuple[str, int]:
    course = get_course(course_id)
    if course.archived:
        abort(404)
    form = SessionForm() if request.method == "POST" else SessionForm(formdata=None)
    form.set_trainers(trainer_accounts())
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                session = create_session(
                    current_user._get_current_object(), course, session_data(form), utcnow()
                )
            except DomainError as error:
                db.session.rollback()
                course = get_course(course_id)
                status = show_error(form, error)
            else:
                db.session.commit()
                flash(
                    gettext(
                        "The session on %(date)s has been created.", date=moment(session.starts_at)
                    ),
                    "success",
                )
                return redirect(url_for("courses.manage_sessions", course_id=course_id))
    html = render_template(
        "courses/manage/session_form.html", course=course, session=None, form=form
    )
    return html, status


def get_session(session_id: int) -> CourseSession:
    session = db.session.scalar(
        select(CourseSession)
        .options(joinedload(CourseSession.course).joinedload(Course.category))
        .where(CourseSession.id == session_id)
    )
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
        "courses/manage/session_form.html",
        course=session.course,
        session=session,
        form=form or edit_form(session),
        capacity_form=capacity_form or CapacityForm(formdata=None, capacity=session.capacity),
        cancel_form=cancel_form or CancelSessionForm(formdata=None),
        roster_url=url_if("courses.session_roster", session_id=session.id),
    )
    return html, status


@bp.route("/verwaltung/termine/<int:session_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_session_edit(session_id: int) -> Response | tuple[str, int]:
    session = get_session(session_id)
    form = edit_form(session)
    if request.method == "GET":
        return render_session(session, form=form)
    if not form.validate_on_submit():
        return render_session(session, form=form, status=422)
    try:
        update_session(current_user._get_current_object(), session, session_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        session = get_session(session_id)
        return render_session(session, form=form, status=show_error(form, error))
    db.session.commit()
    flash(gettext("The session has been saved."), "success")
    return redirect(url_for("courses.manage_session_edit", session_id=session_id))


@bp.post("/verwaltung/termine/<int:session_id>/kapazitaet")
@requires("catalogue.manage")
def manage_session_capacity(session_id: int) -> Response | tuple[str, int]:
    session = get_session(session_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        return render_session(session, capacity_form=form, status=422)
    try:
        set_capacity(current_user._get_current_object(), session, form.capacity.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        session = get_session(session_id)
        form.capacity.errors = [*form.capacity.errors, translate(error.message, **error.params)]
        return render_session(session, capacity_form=form, status=error.status_code)
    db.session.commit()
    flash(gettext("The capacity is now %(n)s seats.", n=form.capacity.data), "success")
    return redirect(url_for("courses.manage_session_edit", session_id=session_id))


@bp.post("/verwaltung/termine/<int:session_id>/absagen")
@requires("catalogue.manage")
def manage_session_cancel(session_id: int) -> Response | tuple[str, int]:
    session = get_session(session_id)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        return render_session(session, cancel_form=form, status=422)
    try:
        count = cancel_session(
            current_user._get_current_object(), session, form.reason.data or "", utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        session = get_session(session_id)
        form.reason.errors = [*form.reason.errors, translate(error.message, **error.params)]
        return render_session(session, cancel_form=form, status=error.status_code)
    db.session.commit()
    flash(
        ngettext(
            "The session has been cancelled; %(num)s enrolment was cancelled and told.",
            "The session has been cancelled; %(num)s enrolments were cancelled and told.",
            count,
        ),
        "success",
    )
    return redirect(url_for("courses.manage_sessions", course_id=session.course_id))
