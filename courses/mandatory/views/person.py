"""One person's mandatory training: their own page (/kurse/pflichtschulungen/meine),
anyone's for their head and HR (written to the access log), and HR's external evidence
(record, withdraw)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.mandatory.policy  # noqa: F401 - registers the actions before @requires
from academy.audit.log import access_purpose, record_access
from academy.auth.policy import authorize, can, requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user, flash_error, show_error
from courses import bp
from courses.mandatory.compliance import person_items
from courses.mandatory.evidence import record_evidence, withdraw_evidence
from courses.mandatory.forms import EvidenceForm, ReasonForm
from courses.mandatory.pages import get_assignment, get_employee, get_evidence
from courses.mandatory.policy import ACCESS_PERSON

PERSON = "courses/mandatory/person.html"
EVIDENCE = "courses/mandatory/evidence_form.html"


def _render_person(employee_id: int) -> str:
    employee, user = get_employee(employee_id), acting_user()
    authorize("mandatory.person", employee)
    today = to_berlin(utcnow()).date()
    items = person_items(employee.id, today, details=True)
    html = render_template(
        PERSON,
        employee=employee,
        items=items,
        own=employee.id == user.employee_id,
        may_manage=can(user, "mandatory.manage"),
        withdraw_form=ReasonForm(formdata=None),
        today=today,
    )
    if employee.id != user.employee_id:
        audience = "Personalentwicklung" if can(user, "mandatory.manage") else "Bereichsleitung"
        record_access(
            user, employee.id, ACCESS_PERSON, access_purpose(ACCESS_PERSON, audience=audience)
        )
        db.session.commit()
    return html


@bp.get("/pflichtschulungen/meine")
@requires("learning.view")
def mandatory_mine() -> Response | str:
    user = acting_user()
    if user.employee_id is None:
        return redirect(url_for("courses.my_learning"))
    return _render_person(user.employee_id)


@bp.get("/pflichtschulungen/personen/<int:employee_id>")
@requires("mandatory.person")
def mandatory_person(employee_id: int) -> str:
    return _render_person(employee_id)


def _evidence_form(employee_id: int, submitted: bool) -> EvidenceForm:
    form = EvidenceForm() if submitted else EvidenceForm(formdata=None)
    items = person_items(employee_id, to_berlin(utcnow()).date())
    form.set_assignments((i.assignment.id, i.assignment.title) for i in items)
    return form


@bp.route("/pflichtschulungen/personen/<int:employee_id>/nachweis", methods=["GET", "POST"])
@requires("mandatory.manage")
def mandatory_evidence_new(employee_id: int) -> Response | tuple[str, int]:
    employee = get_employee(employee_id)
    form = _evidence_form(employee.id, request.method == "POST")
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template(EVIDENCE, employee=employee, form=form), status
    try:
        record_evidence(
            acting_user(),
            get_assignment(form.assignment.data or 0),
            employee,
            title=form.title.data or "",
            completed_on=form.completed_on.data,
            valid_until=form.valid_until.data,
            provider=form.provider.data,
            note=form.note.data,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        code = show_error(form, error)
        return render_template(EVIDENCE, employee=employee, form=form), code
    db.session.commit()
    flash(gettext("The evidence has been recorded."), "success")
    return redirect(url_for("courses.mandatory_person", employee_id=employee.id))


@bp.post("/pflichtschulungen/nachweise/<int:evidence_id>/zuruecknehmen")
@requires("mandatory.manage")
def mandatory_evidence_withdraw(evidence_id: int) -> Response:
    evidence = get_evidence(evidence_id)
    employee_id = evidence.employee_id
    form = ReasonForm()
    target = redirect(url_for("courses.mandatory_person", employee_id=employee_id))
    if not form.validate_on_submit():
        flash(gettext("Please give a reason."), "danger")
        return target
    try:
        withdraw_evidence(acting_user(), evidence, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return target
    db.session.commit()
    flash(gettext("The evidence has been withdrawn."), "success")
    return target
