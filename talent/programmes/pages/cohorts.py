"""HR's cohort set-up pages: a new cohort of a programme, editing a cohort and its
weighted selection criteria, and what the status buttons need (which status changes
the cohort allows today, why a draft cannot be opened yet)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.org.models import JobRole
from academy.web.kit import flash_error
from talent.programmes.cohort_settings import has_applications, may_edit
from talent.programmes.cohorts import (
    DASHBOARD_ENDPOINT,
    allowed_transitions,
    berlin_today,
    opening_problems,
)
from talent.programmes.forms.programmes import CohortForm, ConfirmForm, CriterionForm
from talent.programmes.models import Cohort, CohortStatus, Programme, SelectionCriterion
from talent.programmes.pages.context import labels

T = "talent/cohorts/"

#: Days the application window of a new cohort is open by default.
DEFAULT_WINDOW_DAYS = 28


def cohort_buttons(cohort: Cohort) -> dict[str, Any]:
    """What ``talent/cohorts/_actions.html`` needs: the status changes the cohort allows
    today, and why a draft cannot be opened yet (translated)."""
    day = berlin_today(utcnow())
    problems = opening_problems(cohort, day) if cohort.status == CohortStatus.DRAFT else []
    return {
        "actions": allowed_transitions(cohort, day),
        "opening_problems": [gettext(p) for p in problems],
    }


def get_cohort(cohort_id: int) -> Cohort:
    """The cohort with its programme, criteria and job roles (404 when unknown)."""
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


def back(cohort_id: int) -> Response:
    """Where a status button returns to: the edit page (``return_to=edit``) or the
    cohort dashboard."""
    if request.form.get("return_to") == "edit":
        return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id))
    return redirect(url_for(DASHBOARD_ENDPOINT, cohort_id=cohort_id))


def cohort_form(cohort: Cohort | None) -> CohortForm:
    if request.method == "POST":
        form = CohortForm()
    else:
        form = CohortForm(formdata=None)
        if cohort is not None:
            form.fill_from(cohort)
    form.set_choices(job_roles())
    return form


def new_cohort_form(programme: Programme) -> CohortForm:
    """The form of a new cohort; on GET prefilled with a window from today and a start
    a month after it."""
    form = cohort_form(None)
    if request.method == "GET":
        opens = berlin_today(utcnow())
        closes = opens + timedelta(days=DEFAULT_WINDOW_DAYS)
        starts = closes + timedelta(days=30)
        form.prefill(opens, closes, starts, starts + timedelta(days=30 * programme.length_months))
    return form


def render_new(programme: Programme, form: CohortForm, status: int) -> tuple[str, int]:
    return render_template(T + "new.html", form=form, programme=programme), status


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
        editable=may_edit(cohort),
        applied=may_edit(cohort) and has_applications(cohort),
        buttons=cohort_buttons(cohort),
        **labels(),
    )
    return html, status


def get_criterion(cohort_id: int, criterion_id: int) -> SelectionCriterion:
    criterion = db.session.get(SelectionCriterion, criterion_id)
    if criterion is None or criterion.cohort_id != cohort_id:
        abort(404)
    return criterion


def criterion_form(criterion: SelectionCriterion) -> CriterionForm:
    if request.method == "POST":
        return CriterionForm()
    form = CriterionForm(formdata=None)
    form.fill_from(criterion)
    return form


def render_criterion(
    criterion: SelectionCriterion, form: CriterionForm, status: int
) -> tuple[str, int]:
    html = render_template(
        T + "criterion_form.html",
        form=form,
        criterion=criterion,
        cohort=criterion.cohort,
        editable=may_edit(criterion.cohort),
    )
    return html, status


def criteria_of(cohort_id: int) -> Response:
    return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id, _anchor="criteria"))


def transition(cohort_id: int, change: Any, message: str) -> Response:
    """Run a status change; a refusal becomes a flash on the page the button was on."""
    cohort = get_cohort(cohort_id)
    try:
        change(cohort)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return back(cohort_id)
    db.session.commit()
    flash(message, "success")
    return back(cohort_id)
