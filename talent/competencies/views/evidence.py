"""HR records external certificates (an employee's level of a competence, attested
outside the academy, optionally valid until a date) and sees the recent ones."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.competencies.choices import competence_from
from talent.competencies.pages.evidence import (
    employee_with_number,
    evidence_form,
    recorded_message,
    render_evidence,
)
from talent.competencies.ratings import record_external

add_nav(NavItem("talent.evidence", N_("External certificates"), "evidence.record", "hr", order=31))


@bp.route("/nachweise", methods=["GET", "POST"])
@requires("evidence.record")
def evidence() -> Response | tuple[str, int]:
    if request.method == "GET":
        return render_evidence()
    form = evidence_form()
    if not form.validate_on_submit():
        return render_evidence(form, 422)
    employee = employee_with_number(form)
    if employee is None:
        return render_evidence(form, 422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    level, title, until = int(form.level.data), form.title.data, form.valid_until.data
    try:
        record_external(acting_user(), employee, competence, level, title, until, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_evidence(form, show_error(form, error, {"employee": "personnel_no"}))
    db.session.commit()
    flash(recorded_message(employee, competence, form.level.data), "success")
    return redirect(url_for("talent.evidence"))
