"""The employee's own learning record (/kurse/meine): upcoming sessions, requests,
waiting-list places, history and teaching units per year; and cancelling an enrolment
(the employee before the deadline, later HR or the trainer with a reason)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, can, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.models import Employee, User
from academy.navigation import NavItem, add_nav
from academy.urls import safe_next
from courses import bp, queries
from courses.cancellation import cancel_option
from courses.enrolment import approver_for, cancel
from courses.forms_learning import CancelEnrolmentForm
from courses.models import CourseSession, Enrolment, EnrolmentState
from courses.views_catalogue import moment
from courses.views_manage import show_error
from courses.views_sessions import url_if

add_nav(NavItem("courses.my_learning", N_("My learning"), "learning.view", "main", order=20))


# ---------------------------------------------------------------------------
# My learning
# ---------------------------------------------------------------------------


@cache
def _employee_statement() -> Select[tuple[Employee]]:
    return (
        select(Employee)
        .options(joinedload(Employee.department))
        .where(Employee.id == bindparam("employee_id"))
    )


@bp.get("/meine")
@requires("learning.view")
def my_learning() -> str:
    user: User = current_user._get_current_object()
    if user.employee_id is None:
        abort(403)
    # The person with their department in one statement (the approver is looked up
    # from the department).
    employee = db.session.scalar(_employee_statement(), {"employee_id": user.employee_id})
    if employee is None:
        abort(403)
    now = utcnow()
    record = queries.my_learning(employee, now)
    open_ones = [*record.upcoming, *record.pending, *(e for e, _pos in record.waitlisted)]
    approver = approver_for(employee) if record.pending else None
    return render_template(
        "courses/learning/my_learning.html",
        record=record,
        options={e.id: cancel_option(user, e, now) for e in open_ones},
        approver=approver,
        now=now,
        back=url_for("courses.my_learning"),
    )


# ---------------------------------------------------------------------------
# Cancelling
# ---------------------------------------------------------------------------


def load_enrolment(enrolment_id: int) -> Enrolment:
    enrolment = db.session.scalar(
        select(Enrolment)
        .options(
            joinedload(Enrolment.session).joinedload(CourseSession.course),
            joinedload(Enrolment.employee),
        )
        .where(Enrolment.id == enrolment_id)
    )
    if enrolment is None:
        abort(404)
    return enrolment


def back_url(enrolment: Enrolment, user: User, target: str | None) -> str:
    """Where to go after cancelling: the page the form came from (local paths only),
    else the own learning record or the course's page."""
    safe = safe_next(target)
    if safe:
        return safe
    if enrolment.employee_id == user.employee_id:
        return url_for("courses.my_learning")
    roster = None
    if can(user, "session.roster", enrolment.session):
        roster = url_if("courses.session_roster", session_id=enrolment.session_id)
    return roster or url_for("courses.course", course_id=enrolment.course_id)


def cancelled_message(enrolment: Enrolment, before: str, *, own: bool) -> str:
    """What happened, for the flash message."""
    course = enrolment.session.course.title
    name = enrolment.employee.full_name
    if before == EnrolmentState.PENDING:
        if own:
            return gettext("Your request for “%(course)s” has been withdrawn.", course=course)
        return gettext(
            "The request of %(name)s for “%(course)s” has been withdrawn.", name=name, course=course
        )
    if before == EnrolmentState.WAITLISTED:
        if own:
            return gettext("You have left the waiting list for “%(course)s”.", course=course)
        return gettext(
            "%(name)s has been taken off the waiting list for “%(course)s”.",
            name=name,
            course=course,
        )
    date = moment(enrolment.session.starts_at)
    if own:
        message = gettext(
            "Your place in “%(course)s” on %(date)s has been cancelled.", course=course, date=date
        )
    else:
        message = gettext(
            "The place of %(name)s in “%(course)s” on %(date)s has been cancelled.",
            name=name,
            course=course,
            date=date,
        )
    if enrolment.late_cancellation:
        message += " " + gettext("It has been recorded as a late cancellation.")
    return message


def render_cancel(
    enrolment: Enrolment, form: CancelEnrolmentForm, now: datetime, status: int = 200
) -> tuple[str, int]:
    user: User = current_user._get_current_object()
    html = render_template(
        "courses/learning/cancel.html",
        enrolment=enrolment,
        form=form,
        option=cancel_option(user, enrolment, now),
        own=enrolment.employee_id == user.employee_id,
    )
    return html, status


@bp.route("/anmeldungen/<int:enrolment_id>/stornieren", methods=["GET", "POST"])
@requires("enrolment.cancel")
def cancel_enrolment(enrolment_id: int) -> Response | tuple[str, int]:
    """GET: a confirmation page (with the reason field); POST: cancel."""
    enrolment = load_enrolment(enrolment_id)
    authorize("enrolment.cancel", enrolment)
    user: User = current_user._get_current_object()
    now = utcnow()
    if request.method == "GET":
        form = CancelEnrolmentForm(formdata=None, next=safe_next(request.args.get("next")) or "")
        return render_cancel(enrolment, form, now)
    form = CancelEnrolmentForm()
    if not form.validate_on_submit():
        return render_cancel(enrolment, form, now, status=422)
    reason = (form.reason.data or "").strip()
    option = cancel_option(user, enrolment, now)
    if option.allowed and option.late and not reason:
        form.reason.errors = [gettext("Please give a reason for the late cancellation.")]
        return render_cancel(enrolment, form, now, status=422)
    before = enrolment.state
    own = enrolment.employee_id == user.employee_id
    try:
        cancel(user, enrolment, now, reason=reason or None)
    except DomainError as error:
        db.session.rollback()
        enrolment = load_enrolment(enrolment_id)
        return render_cancel(enrolment, form, now, status=show_error(form, error))
    message = cancelled_message(enrolment, before, own=own)
    target = back_url(enrolment, user, form.next.data)
    db.session.commit()
    flash(message, "success")
    return redirect(target)
