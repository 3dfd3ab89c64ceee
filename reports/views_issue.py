"""HR pages for certificates: record a certificate for external training, and reissue
(recertification) from the certificate's detail page. The detail page reads the
replacement history through the ``certificate_history`` template global."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import DateField, FieldList, FormField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Competence, Employee
from academy.navigation import NavItem, add_nav
from reports import bp
from reports.certificates import issue_external, reissue
from reports.models import Certificate

add_nav(
    NavItem("reports.issue_external", N_("External certificate"), "certificates.manage", "hr", 45)
)

COMPETENCE_ROWS = 3


class CompetenceRow(FlaskForm):
    class Meta:
        csrf = False

    competence = SelectField(_l("Competence"), choices=[], validate_choice=False)
    level = IntegerField(_l("Level"), validators=[Optional(), NumberRange(min=1, max=99)])


class ExternalForm(FlaskForm):
    personnel_no = StringField(_l("Personnel number"), validators=[DataRequired(), Length(max=32)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    ue = IntegerField(_l("Teaching units (UE)"), validators=[Optional(), NumberRange(min=1)])
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    competences = FieldList(
        FormField(CompetenceRow), min_entries=COMPETENCE_ROWS, max_entries=COMPETENCE_ROWS
    )


def _competence_choices() -> tuple[list[tuple[str, str]], dict[int, Competence]]:
    rows = list(db.session.scalars(select(Competence).order_by(Competence.code, Competence.id)))
    choices = [("", gettext("– none –"))] + [(str(c.id), f"{c.code} {c.name_en}") for c in rows]
    return choices, {c.id: c for c in rows}


def _competences(form: ExternalForm, known: dict[int, Competence]) -> list[dict[str, Any]] | None:
    """The filled competence rows as snapshot data; None (with field errors) when a row
    is incomplete or names an unknown competence or a level outside its scale."""
    result: list[dict[str, Any]] = []
    ok = True
    seen: set[int] = set()
    for row in form.competences:
        raw, level = row.form.competence.data, row.form.level.data
        if not raw and level is None:
            continue
        competence = known.get(int(raw)) if raw and str(raw).isdigit() else None
        if competence is None:
            row.form.competence.errors = [gettext("Please choose a competence.")]
            ok = False
            continue
        if competence.id in seen:
            row.form.competence.errors = [gettext("This competence is listed twice.")]
            ok = False
            continue
        seen.add(competence.id)
        framework = competence.framework
        if level is None or not framework.level_min <= level <= framework.level_max:
            row.form.level.errors = [
                gettext(
                    "Please enter a level from %(min)s to %(max)s.",
                    min=framework.level_min,
                    max=framework.level_max,
                )
            ]
            ok = False
            continue
        result.append(
            {
                "code": competence.code,
                "name_de": competence.name_de,
                "name_en": competence.name_en,
                "level": level,
            }
        )
    return result if ok else None


def _render(form: ExternalForm, status: int = 200) -> tuple[str, int]:
    return render_template("reports/issue_external.html", form=form), status


@bp.route("/zertifikate/extern", methods=["GET", "POST"], endpoint="issue_external")
@requires("certificates.manage")
def issue_external_view() -> Response | tuple[str, int]:
    form = ExternalForm()
    choices, known = _competence_choices()
    for row in form.competences:
        row.form.competence.choices = choices
    if not form.is_submitted():
        return _render(form)
    if not form.validate():
        return _render(form, 422)
    competences = _competences(form, known)
    employee = db.session.scalar(
        select(Employee).where(Employee.personnel_no == (form.personnel_no.data or "").strip())
    )
    if employee is None:
        form.personnel_no.errors = [gettext("No employee has this personnel number.")]
    if employee is None or competences is None:
        return _render(form, 422)
    try:
        cert = issue_external(
            current_user._get_current_object(),
            employee,
            form.title.data or "",
            form.ue.data,
            form.completed_on.data,
            competences,
            form.valid_until.data,
            utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        message = translate(error.message, **error.params)
        target = getattr(form, str(getattr(error, "field", "") or ""), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            flash(message, "danger")
        return _render(form, error.status_code)
    db.session.commit()
    flash(gettext("The certificate %(serial)s has been issued.", serial=cert.serial), "success")
    return redirect(url_for("reports.certificate", cert_id=cert.id))


@bp.post("/zertifikate/<int:cert_id>/neu-ausstellen")
@requires("certificates.manage")
def certificate_reissue(cert_id: int) -> Response:
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    authorize("certificates.manage", cert)
    try:
        new = reissue(current_user._get_current_object(), cert, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(translate(error.message, **error.params), "danger")
        return redirect(url_for("reports.certificate", cert_id=cert.id))
    db.session.commit()
    flash(gettext("The certificate has been reissued as %(serial)s.", serial=new.serial), "success")
    return redirect(url_for("reports.certificate", cert_id=new.id))


@bp.app_template_global("certificate_history")
def certificate_history(cert: Certificate) -> dict[str, Any]:
    """What ``cert`` replaces and what replaced it (for the detail page)."""
    replaces = db.session.get(Certificate, cert.replaces_id) if cert.replaces_id else None
    replaced_by = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.replaces_id == cert.id)
            .order_by(Certificate.issued_at, Certificate.id)
        )
    )
    return {"replaces": replaces, "replaced_by": replaced_by}
