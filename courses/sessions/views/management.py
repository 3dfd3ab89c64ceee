"""HR's pages for the sessions of a course (action ``catalogue.manage``): the list, a new
session, editing one, changing its capacity and cancelling it (with a reason; everyone
enrolled is told). Dates are entered and shown as Berlin wall-clock time."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.web.kit import acting_user
from courses import bp
from courses.catalogue.pages import get_course
from courses.enrolment.cancellation import cancel_session
from courses.formatting import moment
from courses.sessions.editing import (
    edit_form,
    get_session,
    new_session_form,
    render_new_session,
    render_session,
    session_data,
    sessions_context,
    show_session_error,
)
from courses.sessions.forms import CancelSessionForm, CapacityForm
from courses.sessions.scheduling import create_session, set_capacity, update_session


@bp.get("/verwaltung/<int:course_id>/termine")
@requires("catalogue.manage")
def manage_sessions(course_id: int) -> str:
    context = sessions_context(get_course(course_id), utcnow())
    return render_template("courses/sessions/manage/sessions.html", **context)


@bp.route("/verwaltung/<int:course_id>/termine/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_session_new(course_id: int) -> Response | tuple[str, int]:
    course = get_course(course_id)
    if course.archived:
        abort(404)
    form = new_session_form()
    if request.method == "GET":
        return render_new_session(course, form)
    if not form.validate_on_submit():
        return render_new_session(course, form, 422)
    data, rows = session_data(form)
    try:
        session = create_session(acting_user(), course, data, utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_session_error(form, error, rows)
        return render_new_session(get_course(course_id), form, status, error)
    db.session.commit()
    message = gettext("The session on %(date)s has been created.", date=moment(session.starts_at))
    flash(message, "success")
    return redirect(url_for("courses.manage_sessions", course_id=course_id))


@bp.route("/verwaltung/termine/<int:session_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_session_edit(session_id: int) -> Response | tuple[str, int]:
    session = get_session(session_id)
    form = edit_form(session)
    if request.method == "GET":
        return render_session(session, form=form)
    if not form.validate_on_submit():
        return render_session(session, form=form, status=422)
    data, rows = session_data(form)
    try:
        update_session(acting_user(), session, data, utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_session_error(form, error, rows)
        return render_session(get_session(session_id), form=form, status=status, error=error)
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
        set_capacity(acting_user(), session, form.capacity.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        session = get_session(session_id)
        form.capacity.errors = [*form.capacity.errors, translate(error.message, **error.params)]
        return render_session(session, capacity_form=form, status=error.status_code)
    db.session.commit()
    flash(
        ngettext(
            "The capacity is now %(num)s seat.",
            "The capacity is now %(num)s seats.",
            form.capacity.data,
        ),
        "success",
    )
    return redirect(url_for("courses.manage_session_edit", session_id=session_id))


@bp.post("/verwaltung/termine/<int:session_id>/absagen")
@requires("catalogue.manage")
def manage_session_cancel(session_id: int) -> Response | tuple[str, int]:
    session = get_session(session_id)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        return render_session(session, cancel_form=form, status=422)
    try:
        count = cancel_session(acting_user(), session, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        session = get_session(session_id)
        form.reason.errors = [*form.reason.errors, translate(error.message, **error.params)]
        return render_session(session, cancel_form=form, status=error.status_code)
    db.session.commit()
    message = ngettext(
        "The session has been cancelled; %(num)s enrolment was cancelled and told.",
        "The session has been cancelled; %(num)s enrolments were cancelled and told.",
        count,
    )
    flash(message, "success")
    return redirect(url_for("courses.manage_sessions", course_id=session.course_id))
