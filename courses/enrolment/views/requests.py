"""Enrolling from a course's page: oneself, or — for HR — someone else as an exception
with a recorded reason."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the enrolment actions before @requires
from academy.accounts.administration import find_employee
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.web.kit import acting_user, flash_error
from courses import bp
from courses.catalogue.pages import load_course, override_form, render_course
from courses.enrolment.pages import outcome_message
from courses.enrolment.requests import request_enrolment
from courses.sessions.models import CourseSession


def session_of_open_course(session_id: int) -> CourseSession:
    session = db.get_or_404(CourseSession, session_id)
    if session.course.archived:
        abort(404)
    return session


@bp.post("/termine/<int:session_id>/anmelden")
@requires("enrolment.request")
def enrol(session_id: int) -> Response | tuple[str, int]:
    session = session_of_open_course(session_id)
    course_id = session.course_id
    user = acting_user()
    if user.employee is None:
        abort(403)
    try:
        enrolment = request_enrolment(user, user.employee, session, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_course(load_course(course_id), status=flash_error(error))
    message = outcome_message(enrolment, own=True)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("courses.course", course_id=course_id))


@bp.post("/<int:course_id>/anmelden-fuer")
@requires("catalogue.manage")
def enrol_override(course_id: int) -> Response | tuple[str, int]:
    course = load_course(course_id, open_only=True)
    form = override_form(course, utcnow(), formdata=True)
    if not form.validate_on_submit():
        return render_course(course, form=form, status=422)
    employee = find_employee(form.personnel_no.data or "")
    if employee is None:
        form.personnel_no.errors = [gettext("There is no employee with this personnel number.")]
        return render_course(course, form=form, status=422)
    session = db.session.get(CourseSession, int(form.session_id.data))
    reason = (form.reason.data or "").strip()
    try:
        enrolment = request_enrolment(
            acting_user(), employee, session, utcnow(), override_reason=reason
        )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(translate(error.message, **error.params))
        return render_course(load_course(course_id), form=form, status=error.status_code)
    message = outcome_message(enrolment, own=False)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("courses.course", course_id=course_id))
