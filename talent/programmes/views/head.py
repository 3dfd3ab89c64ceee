"""The department head's fast-track page (/talente/kandidaten): statements on the team's
applications, nominations, the team's members of running cohorts."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.programmes.applications import nominate, today_of
from talent.programmes.eligibility import open_cohorts
from talent.programmes.endorsements import endorse
from talent.programmes.forms.applications import EndorseForm
from talent.programmes.models import Cohort, Endorsement
from talent.programmes.pages.context import field_or_flash, load_application
from talent.programmes.pages.head import (
    back_to_candidates,
    find_nominee,
    nominate_form,
    render_candidates,
)

add_nav(
    NavItem("talent.candidates", N_("Fast-track candidates"), "programmes.candidates", "main", 27)
)


@bp.get("/kandidaten")
@requires("programmes.candidates")
def candidates() -> tuple[str, int]:
    return render_candidates()


@bp.post("/kandidaten/<int:application_id>/stellungnahme")
@requires("programmes.candidates")
def endorse_application(application_id: int) -> Response | tuple[str, int]:
    application = load_application(application_id)
    authorize("programmes.candidates", application)
    form = EndorseForm(prefix=f"app-{application.id}")
    if not form.validate_on_submit():
        return render_candidates(422, endorse_forms={application.id: form})
    endorsed = form.decision.data == Endorsement.ENDORSED.value
    try:
        endorse(acting_user(), application, endorsed, form.comment.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_candidates(field_or_flash(form, error), endorse_forms={application_id: form})
    message = gettext(
        "Your statement on the application of %(name)s has been saved; %(name)s has been told.",
        name=application.employee.full_name,
    )
    target = back_to_candidates()
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@bp.post("/kandidaten/nominieren")
@requires("programmes.candidates")
def nominate_candidate() -> Response | tuple[str, int]:
    user = acting_user()
    form = nominate_form(user, open_cohorts(today_of(utcnow())), bound=True)
    if not form.validate_on_submit():
        return render_candidates(422, nominate=form)
    employee = find_nominee(user, form)
    if employee is None:
        return render_candidates(422, nominate=form)
    cohort = db.get_or_404(Cohort, int(form.cohort.data))
    try:
        nominate(user, cohort, employee, form.note.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_candidates(show_error(form, error), nominate=form)
    message = gettext(
        "%(name)s has been nominated for “%(cohort)s” and has been told.",
        name=employee.full_name,
        cohort=cohort.name,
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.candidates"))
