"""The external certificates page's building blocks: the form with its choices, the
recent certificates (their view is logged: they show other people's competences) and
the employee a personnel number names."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.audit.log import access_purpose, record_accesses
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from academy.web.kit import acting_user, language, paginate
from talent.competencies.choices import active_competences, level_names, level_ranges
from talent.competencies.forms import EvidenceForm
from talent.competencies.models import Rating, RatingSource


def evidence_form() -> EvidenceForm:
    """The submitted certificate form with its choices."""
    form = EvidenceForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, language())
    return form


def employee_with_number(form: EvidenceForm) -> Employee | None:
    """The employee the form's personnel number names; else None, with the message at
    the field."""
    number = (form.personnel_no.data or "").strip()
    employee = db.session.scalar(select(Employee).where(Employee.personnel_no == number))
    if employee is None:
        form.personnel_no.errors = [gettext("No employee has this personnel number.")]
    return employee


def recorded_message(employee: Employee, competence: Competence, level: object) -> str:
    return gettext(
        "The certificate for %(name)s (%(code)s, level %(level)s) has been recorded.",
        name=employee.full_name,
        code=competence.code,
        level=level,
    )


def render_evidence(form: EvidenceForm | None = None, status: int = 200) -> tuple[str, int]:
    ranges, high = level_ranges()
    if form is None:
        form = EvidenceForm(formdata=None)
    form.set_choices(active_competences(), high, language())
    page = paginate(
        select(Rating)
        .options(
            joinedload(Rating.employee),
            joinedload(Rating.competence).joinedload(Competence.framework),
            joinedload(Rating.rated_by),
        )
        .where(Rating.source == RatingSource.EXTERNAL.value)
        .order_by(Rating.rated_at.desc(), Rating.id.desc())
    )
    # Data protection: the list shows other people's competences.
    now = utcnow()
    record_accesses(
        acting_user(),
        [r.employee_id for r in page.items],
        "talent.external_evidence",
        access_purpose("talent.external_evidence"),
        now=now,
    )
    db.session.commit()
    names = level_names({r.competence.framework_id for r in page.items})
    html = render_template(
        "talent/competencies/evidence.html",
        form=form,
        page=page,
        ranges=ranges,
        level_names=names,
        lang=language(),
        expired=expired_ids(page.items, to_berlin(now).date()),
    )
    return html, status


def expired_ids(ratings: list[Rating], today: date) -> set[int]:
    """The certificates whose validity ended before ``today``."""
    return {r.id for r in ratings if r.valid_until is not None and r.valid_until < today}
