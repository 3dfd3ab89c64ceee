"""HR records external certificates (an employee's level of a competence, attested
outside the academy, optionally valid until a date) and sees the recent ones."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import talent.policy  # noqa: F401 - registers the actions before @requires
from academy.audit import record_accesses
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.models import Competence, Employee
from academy.navigation import NavItem, add_nav
from talent import bp
from talent.forms_profiles import EvidenceForm
from talent.models import Rating, RatingSource
from talent.ratings import record_external
from talent.views_profiles import (
    active_competences,
    actor,
    competence_from,
    lang,
    level_names,
    level_ranges,
    page_number,
    per_page,
    show_error,
)

T = "talent/"

add_nav(NavItem("talent.evidence", N_("External certificates"), "evidence.record", "hr", order=31))


def render_evidence(form: EvidenceForm | None = None, status: int = 200) -> tuple[str, int]:
    ranges, high = level_ranges()
    if form is None:
        form = EvidenceForm(formdata=None)
    form.set_choices(active_competences(), high, lang())
    page = db.paginate(
        select(Rating)
        .options(
            joinedload(Rating.employee),
            joinedload(Rating.competence).joinedload(Competence.framework),
            joinedload(Rating.rated_by),
        )
        .where(Rating.source == RatingSource.EXTERNAL.value)
        .order_by(Rating.rated_at.desc(), Rating.id.desc()),
        page=page_number(),
        per_page=per_page(),
        error_out=False,
    )
    # Data protection: the list shows other people's competences.
    now = utcnow()
    record_accesses(
        actor(), [r.employee_id for r in page.items], "talent.external_evidence", now=now
    )
    db.session.commit()
    names = level_names({r.competence.framework_id for r in page.items})
    html = render_template(
        T + "evidence.html",
        form=form,
        page=page,
        ranges=ranges,
        level_names=names,
        lang=lang(),
        today=to_berlin(now).date(),
    )
    return html, status


@bp.route("/nachweise", methods=["GET", "POST"])
@requires("evidence.record")
def evidence() -> Response | tuple[str, int]:
    if request.method == "GET":
        return render_evidence()
    form = EvidenceForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, lang())
    if not form.validate_on_submit():
        return render_evidence(form, 422)
    personnel_no = (form.personnel_no.data or "").strip()
    employee = db.session.scalar(select(Employee).where(Employee.personnel_no == personnel_no))
    if employee is None:
        form.personnel_no.errors = [gettext("No employee has this personnel number.")]
        return render_evidence(form, 422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    try:
        record_external(
            actor(),
            employee,
            competence,
            int(form.level.data),
            form.title.data,
            form.valid_until.data,
            utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        return render_evidence(form, show_error(form, error, {"employee": "personnel_no"}))
    db.session.commit()
    flash(
        gettext(
            "The certificate for %(name)s (%(code)s, level %(level)s) has been recorded.",
            name=employee.full_name,
            code=competence.code,
            level=form.level.data,
        ),
        "success",
    )
    return redirect(url_for("talent.evidence"))
