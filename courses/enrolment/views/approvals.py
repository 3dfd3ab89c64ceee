"""The approval inbox (department heads, HR): the requests awaiting a decision, approved
and declined ones; approving one or several, declining one with a reason."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from academy.web.urls import safe_next
from courses import bp
from courses.enrolment.forms import DeclineForm
from courses.enrolment.models import EnrolmentState
from courses.enrolment.pages import (
    approved_many_message,
    approved_message,
    back_to_inbox,
    declined_message,
    load_requests,
    render_decline,
    render_inbox,
    selected_ids,
)
from courses.enrolment.requests import approve, approve_many, decline

add_nav(NavItem("courses.approvals", N_("Approvals"), "approvals.view", "main", order=25))


def refused(error: DomainError) -> tuple[str, int]:
    """A service said no: nothing is saved; the inbox again with the reason."""
    db.session.rollback()
    return render_inbox(tab="pending", status=flash_error(error))


@bp.get("/genehmigungen")
@requires("approvals.view")
def approvals() -> tuple[str, int]:
    return render_inbox()


@bp.post("/genehmigungen/<int:enrolment_id>/genehmigen")
@requires("approvals.view")
def approve_enrolment(enrolment_id: int) -> Response | tuple[str, int]:
    (enrolment,) = load_requests([enrolment_id])
    try:
        approve(acting_user(), enrolment, utcnow())
    except DomainError as error:
        return refused(error)
    message = approved_message(enrolment)
    target = back_to_inbox()
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@bp.post("/genehmigungen/genehmigen")
@requires("approvals.view")
def approve_selected() -> Response | tuple[str, int]:
    ids = selected_ids()
    if not ids:
        flash(gettext("Please select at least one request."), "warning")
        return render_inbox(tab="pending", status=422)
    enrolments = load_requests(ids)
    try:
        approved = approve_many(acting_user(), enrolments, utcnow())
    except DomainError as error:
        return refused(error)
    message = approved_many_message(enrolments, approved)
    target = back_to_inbox()
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@bp.route("/genehmigungen/<int:enrolment_id>/ablehnen", methods=["GET", "POST"])
@requires("approvals.view")
def decline_enrolment(enrolment_id: int) -> Response | tuple[str, int]:
    (enrolment,) = load_requests([enrolment_id])
    if request.method == "GET":
        if enrolment.state != EnrolmentState.PENDING:
            flash(gettext("This request has already been decided."), "info")
            return redirect(url_for("courses.approvals"))
        next_url = safe_next(request.args.get("next")) or ""
        return render_decline(enrolment, DeclineForm(formdata=None, next=next_url))
    form = DeclineForm()
    if not form.validate_on_submit():
        return render_decline(enrolment, form, status=422)
    try:
        decline(acting_user(), enrolment, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        (enrolment,) = load_requests([enrolment_id])
        return render_decline(enrolment, form, status=show_error(form, error))
    message = declined_message(enrolment)
    target = safe_next(form.next.data) or url_for("courses.approvals")
    db.session.commit()
    flash(message, "success")
    return redirect(target)
