"""HR records a certificate for external training (``reports.issue_external``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from reports import bp
from reports.certificates.certificates import issue_external
from reports.certificates.forms import ExternalForm
from reports.certificates.queries import competence_choices, employee_by_personnel_no

add_nav(
    NavItem("reports.issue_external", N_("External certificate"), "certificates.manage", "hr", 45)
)


def _render(form: ExternalForm, status: int = 200) -> tuple[str, int]:
    return render_template("reports/certificates/issue_external.html", form=form), status


@bp.route("/zertifikate/extern", methods=["GET", "POST"], endpoint="issue_external")
@requires("certificates.manage")
def issue_external_view() -> Response | tuple[str, int]:
    form = ExternalForm()
    choices, known = competence_choices()
    form.offer(choices)
    if not form.is_submitted() or not form.validate():
        return _render(form, 422 if form.is_submitted() else 200)
    competences = form.competence_snapshots(known)
    employee = employee_by_personnel_no(form.personnel_no.data or "")
    if employee is None:
        form.personnel_no.errors = [gettext("No employee has this personnel number.")]
    if employee is None or competences is None:
        return _render(form, 422)
    data = form.data
    try:
        cert = issue_external(
            acting_user(), employee, data["title"] or "", data["ue"], data["completed_on"],
            competences, data["valid_until"], utcnow(),
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        at_field = hasattr(getattr(form, error.field or "", None), "errors")
        return _render(form, show_error(form, error) if at_field else flash_error(error))
    db.session.commit()
    flash(gettext("The certificate %(serial)s has been issued.", serial=cert.serial), "success")
    return redirect(url_for("reports.certificate", cert_id=cert.id))
