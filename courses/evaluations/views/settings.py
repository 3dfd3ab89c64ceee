"""HR's evaluation settings (action ``evaluations.manage``): which questionnaire each
course and session uses (or none), the list of rounds and a round's closing date."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.evaluations.policy  # noqa: F401 - registers the evaluation actions
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.evaluations.assignment import set_course_questionnaire, set_session_questionnaire
from courses.evaluations.forms import ClosingDateForm
from courses.evaluations.pages import (
    course_assignment_context,
    course_form,
    courses_context,
    get_course,
    get_session,
    round_context,
    rounds_context,
)
from courses.evaluations.rounds import set_closing_date

add_nav(
    NavItem("courses.evaluation_courses", N_("Evaluation settings"), "evaluations.manage", "hr", 8)
)

COURSE_PAGE = "courses/evaluations/manage/course.html"
ROUND_PAGE = "courses/evaluations/manage/round.html"


@bp.get("/verwaltung/bewertungen/kurse", endpoint="evaluation_courses")
@requires("evaluations.manage")
def evaluation_courses() -> str:
    return render_template("courses/evaluations/manage/courses.html", **courses_context())


@bp.route(
    "/verwaltung/<int:course_id>/bewertung", methods=["GET", "POST"], endpoint="evaluation_course"
)
@requires("evaluations.manage")
def evaluation_course(course_id: int) -> Response | tuple[str, int]:
    course, now = get_course(course_id), utcnow()
    form = course_form(course)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(COURSE_PAGE, **course_assignment_context(course, form, now)), status
    try:
        set_course_questionnaire(acting_user(), course, form.questionnaire.data, now)
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_template(
            COURSE_PAGE, **course_assignment_context(get_course(course_id), form, now)
        ), status
    db.session.commit()
    flash(gettext("The evaluation setting of the course has been saved."), "success")
    return redirect(url_for("courses.evaluation_course", course_id=course_id))


@bp.post("/verwaltung/termine/<int:session_id>/bewertung", endpoint="evaluation_session_setting")
@requires("evaluations.manage")
def evaluation_session_setting(session_id: int) -> Response:
    session = get_session(session_id)
    value = request.form.get(f"s{session_id}-questionnaire", "")  # checked by the service
    back = redirect(url_for("courses.evaluation_course", course_id=session.course_id))
    try:
        set_session_questionnaire(acting_user(), session, value, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return back
    db.session.commit()
    flash(gettext("The evaluation setting of the session has been saved."), "success")
    return back


@bp.get("/verwaltung/bewertungen/runden", endpoint="evaluation_rounds")
@requires("evaluations.manage")
def evaluation_rounds() -> str:
    return render_template("courses/evaluations/manage/rounds.html", **rounds_context())


@bp.route(
    "/verwaltung/bewertungen/termine/<int:session_id>",
    methods=["GET", "POST"],
    endpoint="evaluation_round",
)
@requires("evaluations.manage")
def evaluation_round(session_id: int) -> Response | tuple[str, int]:
    session, now, form = get_session(session_id), utcnow(), ClosingDateForm()
    context = round_context(session, form)
    if not form.is_submitted():
        form.closes_on.data = context["round"].closes_on
        return render_template(ROUND_PAGE, **context), 200
    if not form.validate():
        return render_template(ROUND_PAGE, **context), 422
    try:
        set_closing_date(acting_user(), context["round"], form.closes_on.data, now)
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_template(ROUND_PAGE, **round_context(get_session(session_id), form)), status
    db.session.commit()
    flash(gettext("The closing date has been saved."), "success")
    return redirect(url_for("courses.evaluation_round", session_id=session_id))
