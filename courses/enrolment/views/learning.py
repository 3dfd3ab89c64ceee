"""The employee's own learning record (/kurse/meine): upcoming sessions, requests,
waiting-list places, history and teaching units per year; and cancelling an enrolment
(the employee before the deadline, later HR or the trainer with a reason)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from academy.web.urls import safe_next
from courses import bp
from courses.enrolment.cancellation import cancel, cancel_option
from courses.enrolment.forms import CancelEnrolmentForm
from courses.enrolment.pages import (
    back_url,
    cancelled_message,
    late_reason_given,
    learning_context,
    load_enrolment,
    render_cancel,
)

add_nav(NavItem("courses.my_learning", N_("My learning"), "learning.view", "main", order=20))


@bp.get("/meine")
@requires("learning.view")
def my_learning() -> str:
    context = learning_context(acting_user(), utcnow())
    return render_template("courses/enrolment/my_learning.html", **context)


@bp.route("/anmeldungen/<int:enrolment_id>/stornieren", methods=["GET", "POST"])
@requires("enrolment.cancel")
def cancel_enrolment(enrolment_id: int) -> Response | tuple[str, int]:
    """GET: a confirmation page (with the reason field); POST: cancel."""
    enrolment = load_enrolment(enrolment_id)
    authorize("enrolment.cancel", enrolment)
    user, now = acting_user(), utcnow()
    if request.method == "GET":
        form = CancelEnrolmentForm(formdata=None, next=safe_next(request.args.get("next")) or "")
        return render_cancel(enrolment, form, now)
    form = CancelEnrolmentForm()
    if not form.validate_on_submit():
        return render_cancel(enrolment, form, now, status=422)
    if not late_reason_given(form, cancel_option(user, enrolment, now)):
        return render_cancel(enrolment, form, now, status=422)
    before, own = enrolment.state, enrolment.employee_id == user.employee_id
    try:
        cancel(user, enrolment, now, reason=(form.reason.data or "").strip() or None)
    except DomainError as error:
        db.session.rollback()
        enrolment = load_enrolment(enrolment_id)
        return render_cancel(enrolment, form, now, status=show_error(form, error))
    message = cancelled_message(enrolment, before, own=own)
    target = back_url(enrolment, user, form.next.data)
    db.session.commit()
    flash(message, "success")
    return redirect(target)
