"""HR's selection pages (action ``programmes.manage``): the cohort dashboard
(/talente/kohorten/<id>), the proposal to the staff council, "send acceptances and
rejections", and the scoring page of one application."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user
from talent.blueprint import bp
from talent.programmes.council import propose, send_decisions
from talent.programmes.forms.selection import ProposalForm, score_form
from talent.programmes.pages.context import cohort_with_programme, field_or_flash
from talent.programmes.pages.selection import (
    after_scoring_url,
    get_application,
    render_dashboard,
    render_score,
    saved_score_form,
)
from talent.programmes.selection import set_score


def dashboard(cohort_id: int) -> Response:
    return redirect(url_for("talent.cohort_dashboard", cohort_id=cohort_id))


@bp.get("/kohorten/<int:cohort_id>")
@requires("programmes.manage")
def cohort_dashboard(cohort_id: int) -> tuple[str, int]:
    return render_dashboard(cohort_with_programme(cohort_id))


@bp.post("/kohorten/<int:cohort_id>/auswahlvorschlag")
@requires("programmes.manage")
def selection_propose(cohort_id: int) -> Response | tuple[str, int]:
    cohort = cohort_with_programme(cohort_id)
    form = ProposalForm()
    if not form.validate_on_submit():
        return render_dashboard(cohort, form, 422)
    try:
        review = propose(
            acting_user(), cohort, form.application.data or [], form.note.data, utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(form, error)
        return render_dashboard(cohort_with_programme(cohort_id), form, status)
    count = len(review.proposal)
    db.session.commit()
    flash(
        ngettext(
            "The proposal (%(num)s applicant) has been sent to the staff council for review.",
            "The proposal (%(num)s applicants) has been sent to the staff council for review.",
            count,
        ),
        "success",
    )
    return dashboard(cohort_id)


@bp.post("/kohorten/<int:cohort_id>/bescheide")
@requires("programmes.manage")
def selection_send_decisions(cohort_id: int) -> Response | tuple[str, int]:
    cohort = cohort_with_programme(cohort_id)
    try:
        members = send_decisions(acting_user(), cohort, utcnow())
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(None, error)
        return render_dashboard(cohort_with_programme(cohort_id), status=status)
    db.session.commit()
    flash(
        ngettext(
            "The decisions have been sent: %(num)s person has been accepted, everyone else "
            "has been told respectfully. The cohort is running.",
            "The decisions have been sent: %(num)s people have been accepted, everyone else "
            "has been told respectfully. The cohort is running.",
            len(members),
        ),
        "success",
    )
    return dashboard(cohort_id)


@bp.route("/bewerbungen/<int:application_id>/bewertung", methods=["GET", "POST"])
@requires("programmes.manage")
def selection_score(application_id: int) -> Response | tuple[str, int]:
    application = get_application(application_id)
    if request.method == "GET":
        return render_score(application, saved_score_form(application))
    form = score_form(list(application.cohort.criteria))
    if not form.validate_on_submit():
        return render_score(application, form, 422)
    user, now = acting_user(), utcnow()
    for criterion, score, comment in form.values():
        try:
            set_score(user, application, criterion, score, comment, now)
        except DomainError as error:
            db.session.rollback()
            fields = {"score": f"score_{criterion.id}", "comment": f"comment_{criterion.id}"}
            status = field_or_flash(form, error, fields)
            return render_score(get_application(application_id), form, status)
    name = application.employee.full_name
    db.session.commit()
    flash(gettext("The scores of %(name)s have been saved.", name=name), "success")
    return redirect(after_scoring_url(application, wants_next=bool(request.form.get("next"))))
