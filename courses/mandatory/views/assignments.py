"""HR's pages for assignments (action ``mandatory.manage``): the list with figures, a
new assignment, one assignment's compliance, changing and ending it. Assignments that a
role profile maintains are changed on the role profile's page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.mandatory.policy  # noqa: F401 - registers the actions before @requires
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, show_error, url_if
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.mandatory.assignments import create_assignment, end_assignment, update_assignment
from courses.mandatory.forms import ReasonForm
from courses.mandatory.models import Origin
from courses.mandatory.pages import (
    assignment_data,
    assignment_form,
    assignments_overview,
    compliance_context,
    ended_assignments,
    get_assignment,
    people_on,
)
from courses.mandatory.policy import ACCESS_COMPLIANCE

add_nav(
    NavItem("courses.mandatory_assignments", N_("Mandatory training"), "mandatory.manage", "hr", 35)
)
FORM = "courses/mandatory/assignment_form.html"


@bp.get("/pflichtschulungen")
@requires("mandatory.manage")
def mandatory_assignments() -> str:
    today = to_berlin(utcnow()).date()
    return render_template(
        "courses/mandatory/assignments.html",
        figures=assignments_overview(today),
        ended=ended_assignments(),
    )


@bp.route("/pflichtschulungen/neu", methods=["GET", "POST"])
@requires("mandatory.manage")
def mandatory_new() -> Response | tuple[str, int]:
    form = assignment_form(submitted=request.method == "POST")
    if request.method == "GET":
        return render_template(FORM, form=form, assignment=None), 200
    if not form.validate_on_submit():
        return render_template(FORM, form=form, assignment=None), 422
    try:
        assignment = create_assignment(acting_user(), assignment_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        code = show_error(form, error)
        return render_template(FORM, form=form, assignment=None), code
    db.session.commit()
    flash(
        gettext("The mandatory training “%(title)s” has been assigned.", title=assignment.title),
        "success",
    )
    return redirect(url_for("courses.mandatory_assignment", assignment_id=assignment.id))


@bp.get("/pflichtschulungen/<int:assignment_id>")
@requires("mandatory.manage")
def mandatory_assignment(assignment_id: int) -> str:
    assignment, user = get_assignment(assignment_id), acting_user()
    context = compliance_context(user, "hr", to_berlin(utcnow()).date(), assignment)
    html = render_template("courses/mandatory/compliance.html", **context)
    purpose = access_purpose(ACCESS_COMPLIANCE, audience="Personalentwicklung")
    record_accesses(user, people_on(context), ACCESS_COMPLIANCE, purpose)
    db.session.commit()
    return html


@bp.route("/pflichtschulungen/<int:assignment_id>/bearbeiten", methods=["GET", "POST"])
@requires("mandatory.manage")
def mandatory_edit(assignment_id: int) -> Response | tuple[str, int]:
    assignment = get_assignment(assignment_id)
    if assignment.origin == Origin.ROLE_PROFILE and assignment.job_role_id is not None:
        flash(gettext("This mandatory training belongs to a role profile and is changed there."))
        target = url_if("talent.profile_mandatory", job_role_id=assignment.job_role_id)
        return redirect(
            target or url_for("courses.mandatory_assignment", assignment_id=assignment_id)
        )
    form = assignment_form(assignment, submitted=request.method == "POST")
    end_form = ReasonForm(formdata=None)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template(FORM, form=form, assignment=assignment, end_form=end_form), status
    try:
        update_assignment(acting_user(), assignment, assignment_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        assignment = get_assignment(assignment_id)
        code = show_error(form, error)
        return render_template(FORM, form=form, assignment=assignment, end_form=end_form), code
    db.session.commit()
    flash(gettext("The mandatory training has been saved."), "success")
    return redirect(url_for("courses.mandatory_assignment", assignment_id=assignment_id))


@bp.post("/pflichtschulungen/<int:assignment_id>/beenden")
@requires("mandatory.manage")
def mandatory_end(assignment_id: int) -> Response | tuple[str, int]:
    assignment = get_assignment(assignment_id)
    end_form = ReasonForm()
    form = assignment_form(assignment)
    if not end_form.validate_on_submit():
        return render_template(FORM, form=form, assignment=assignment, end_form=end_form), 422
    try:
        end_assignment(acting_user(), assignment, end_form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        code = show_error(end_form, error)
        assignment = get_assignment(assignment_id)
        return render_template(FORM, form=form, assignment=assignment, end_form=end_form), code
    db.session.commit()
    flash(
        gettext("The mandatory training “%(title)s” has ended.", title=assignment.title), "success"
    )
    return redirect(url_for("courses.mandatory_assignments"))
