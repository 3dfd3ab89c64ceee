"""HR's cohort set-up pages (action ``programmes.manage``): a new cohort of a programme,
editing a cohort and its weighted selection criteria, and the status buttons (open and
close applications, cancel with a reason, complete) that ``talent/cohorts/_actions.html``
shows — on the edit page and on the cohort dashboard (``talent.views_selection``).

Refused status changes come back as a flash message on the page the button was on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

import talent.programme_policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.models import JobRole
from talent import bp
from talent.cohort_settings import (
    add_criterion,
    create_cohort,
    has_applications,
    remove_criterion,
    update_cohort,
    update_criterion,
)
from talent.cohorts import (
    DASHBOARD_ENDPOINT,
    EDITABLE,
    allowed_transitions,
    berlin_today,
    cancel_cohort,
    close_applications,
    complete_cohort,
    open_applications,
    opening_problems,
)
from talent.forms_programmes import CancelCohortForm, CohortForm, ConfirmForm, CriterionForm
from talent.programme_models import Cohort, Programme, SelectionCriterion
from talent.views_profiles import actor, show_error
from talent.views_programmes import labels

T = "talent/cohorts/"

#: Days the application window of a new cohort is open by default.
DEFAULT_WINDOW_DAYS = 28


@bp.app_template_global("cohort_actions")
def cohort_actions(cohort: Cohort) -> list[str]:
    """The status buttons the cohort offers today (for ``talent/cohorts/_actions.html``)."""
    return allowed_transitions(cohort, berlin_today(utcnow()))


@bp.app_template_global("cohort_opening_problems")
def cohort_opening_problems(cohort: Cohort) -> list[str]:
    """Why a draft cannot be opened yet (translated)."""
    return [gettext(p) for p in opening_problems(cohort, berlin_today(utcnow()))]


def get_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.scalar(
        select(Cohort)
        .options(
            joinedload(Cohort.programme),
            selectinload(Cohort.criteria),
            selectinload(Cohort.job_roles),
        )
        .where(Cohort.id == cohort_id)
    )
    if cohort is None:
        abort(404)
    return cohort


def job_roles() -> list[JobRole]:
    return list(db.session.scalars(select(JobRole).order_by(func.lower(JobRole.title))))


def dashboard(cohort_id: int) -> Response:
    return redirect(url_for(DASHBOARD_ENDPOINT, cohort_id=cohort_id))


def back(cohort_id: int) -> Response:
    """Where a status button returns to: the edit page (``return_to=edit``) or the
    cohort dashboard."""
    if request.form.get("return_to") == "edit":
        return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id))
    return dashboard(cohort_id)


# ---------------------------------------------------------------------------
# New cohort
# ---------------------------------------------------------------------------


def cohort_form(cohort: Cohort | None) -> CohortForm:
    if request.method == "POST":
        form = CohortForm()
    else:
        form = CohortForm(formdata=None)
        if cohort is not None:
            form.fill_from(cohort)
    form.set_choices(job_roles())
    return form


@bp.route("/programme/<int:programme_id>/kohorten/neu", methods=["GET", "POST"])
@requires("programmes.manage")
def cohort_new(programme_id: int) -> Response | tuple[str, int]:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    form = cohort_form(None)
    status = 200
    if request.method == "GET":
        opens = berlin_today(utcnow())
        closes = opens + timedelta(days=DEFAULT_WINDOW_DAYS)
        starts = closes + timedelta(days=30)
        form.prefill(opens, closes, starts, starts + timedelta(days=30 * programme.length_months))
    else:
        status = 422
        if form.validate_on_submit():
            try:
                cohort = create_cohort(actor(), programme, **form.values(), now=utcnow())
            except DomainError as error:
                db.session.rollback()
                programme = db.session.get(Programme, programme_id)
                status = show_error(form, error)
            else:
                db.session.commit()
                flash(
                    gettext(
                        "The cohort %(name)s has been created as a draft. Add the selection "
                        "criteria, then open applications.",
                        name=cohort.name,
                    ),
                    "success",
                )
                return redirect(url_for("talent.cohort_edit", cohort_id=cohort.id))
    html = render_template(T + "new.html", form=form, programme=programme)
    return html, status


# ---------------------------------------------------------------------------
# Edit a cohort and its criteria
# ---------------------------------------------------------------------------


def render_edit(
    cohort: Cohort,
    form: CohortForm | None = None,
    criterion_form: CriterionForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if form is None:
        form = CohortForm(formdata=None)
        form.fill_from(cohort)
        form.set_choices(job_roles())
    html = render_template(
        T + "edit.html",
        cohort=cohort,
        programme=cohort.programme,
        form=form,
        criterion_form=criterion_form or CriterionForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        editable=cohort.status in EDITABLE,
        applied=cohort.status in EDITABLE and has_applications(cohort),
        **labels(),
    )
    return html, status


@bp.route("/kohorten/<int:cohort_id>/bearbeiten", methods=["GET", "POST"])
@requires("programmes.manage")
def cohort_edit(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_cohort(cohort_id)
    form = cohort_form(cohort)
    if request.method == "GET":
        return render_edit(cohort, form)
    if not form.validate_on_submit():
        return render_edit(cohort, form, status=422)
    try:
        update_cohort(actor(), cohort, **form.values(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        cohort = get_cohort(cohort_id)
        return render_edit(cohort, form, status=show_error(form, error))
    db.session.commit()
    flash(gettext("The cohort has been saved."), "success")
    return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id))


#: Service fields → fields of the criterion form.
CRITERION_FIELDS = {"name": "criterion", "description": "criterion_description"}


@bp.post("/kohorten/<int:cohort_id>/kriterien")
@requires("programmes.manage")
def cohort_criterion_add(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_cohort(cohort_id)
    form = CriterionForm()
    if not form.validate_on_submit():
        return render_edit(cohort, criterion_form=form, status=422)
    try:
        criterion = add_criterion(actor(), cohort, **form.values(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        cohort = get_cohort(cohort_id)
        status = show_error(form, error, CRITERION_FIELDS)
        return render_edit(cohort, criterion_form=form, status=status)
    db.session.commit()
    flash(gettext("The criterion %(name)s has been added.", name=criterion.name), "success")
    return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id, _anchor="criteria"))


def get_criterion(cohort_id: int, criterion_id: int) -> SelectionCriterion:
    criterion = db.session.get(SelectionCriterion, criterion_id)
    if criterion is None or criterion.cohort_id != cohort_id:
        abort(404)
    return criterion


@bp.route("/kohorten/<int:cohort_id>/kriterien/<int:criterion_id>", methods=["GET", "POST"])
@requires("programmes.manage")
def cohort_criterion_edit(cohort_id: int, criterion_id: int) -> Response | tuple[str, int]:
    criterion = get_criterion(cohort_id, criterion_id)
    if request.method == "POST":
        form = CriterionForm()
    else:
        form = CriterionForm(formdata=None)
        form.fill_from(criterion)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                update_criterion(actor(), criterion, **form.values(), now=utcnow())
            except DomainError as error:
                db.session.rollback()
                criterion = get_criterion(cohort_id, criterion_id)
                status = show_error(form, error, CRITERION_FIELDS)
            else:
                db.session.commit()
                flash(gettext("The criterion has been saved."), "success")
                return redirect(
                    url_for("talent.cohort_edit", cohort_id=cohort_id, _anchor="criteria")
                )
    html = render_template(
        T + "criterion_form.html",
        form=form,
        criterion=criterion,
        cohort=criterion.cohort,
        editable=criterion.cohort.status in EDITABLE,
    )
    return html, status


@bp.post("/kohorten/<int:cohort_id>/kriterien/<int:criterion_id>/entfernen")
@requires("programmes.manage")
def cohort_criterion_remove(cohort_id: int, criterion_id: int) -> Response:
    criterion = get_criterion(cohort_id, criterion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = criterion.name
    try:
        remove_criterion(actor(), criterion, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(translate(error.message, **error.params), "danger")
    else:
        db.session.commit()
        flash(gettext("The criterion %(name)s has been removed.", name=name), "success")
    return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id, _anchor="criteria"))


# ---------------------------------------------------------------------------
# Status buttons
# ---------------------------------------------------------------------------


def transition(cohort_id: int, change: Any, message: str) -> Response:
    """Run a status change; a refusal becomes a flash on the page the button was on."""
    cohort = get_cohort(cohort_id)
    try:
        change(cohort)
    except DomainError as error:
        db.session.rollback()
        flash(translate(error.message, **error.params), "danger")
        return back(cohort_id)
    db.session.commit()
    flash(message, "success")
    return back(cohort_id)


@bp.post("/kohorten/<int:cohort_id>/oeffnen")
@requires("programmes.manage")
def cohort_open(cohort_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return transition(
        cohort_id,
        lambda cohort: open_applications(actor(), cohort, utcnow()),
        gettext("Applications are open."),
    )


@bp.post("/kohorten/<int:cohort_id>/schliessen")
@requires("programmes.manage")
def cohort_close(cohort_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return transition(
        cohort_id,
        lambda cohort: close_applications(actor(), cohort, utcnow()),
        gettext("Applications are closed: the cohort is now in selection."),
    )


@bp.post("/kohorten/<int:cohort_id>/absagen")
@requires("programmes.manage")
def cohort_cancel(cohort_id: int) -> Response:
    form = CancelCohortForm()
    if not form.validate_on_submit():
        get_cohort(cohort_id)  # 404 first
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return back(cohort_id)
    return transition(
        cohort_id,
        lambda cohort: cancel_cohort(actor(), cohort, form.reason.data or "", utcnow()),
        gettext("The cohort has been cancelled; applicants have been told."),
    )


@bp.post("/kohorten/<int:cohort_id>/abschliessen")
@requires("programmes.manage")
def cohort_complete(cohort_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return transition(
        cohort_id,
        lambda cohort: complete_cohort(actor(), cohort, utcnow()),
        gettext("The cohort has been completed."),
    )
