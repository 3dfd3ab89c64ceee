"""HR's cohort set-up pages (action ``programmes.manage``): a new cohort of a programme,
editing a cohort and its weighted selection criteria, and the status buttons (open and
close applications, cancel with a reason, complete) that ``talent/cohorts/_actions.html``
shows — on the edit page and on the cohort dashboard.

Refused status changes come back as a flash message on the page the button was on."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user, flash_error, show_error
from talent.blueprint import bp
from talent.programmes.cohort_settings import create_cohort, update_cohort
from talent.programmes.cohorts import (
    cancel_cohort,
    close_applications,
    complete_cohort,
    open_applications,
)
from talent.programmes.criteria import add_criterion, remove_criterion, update_criterion
from talent.programmes.forms.programmes import CancelCohortForm, ConfirmForm, CriterionForm
from talent.programmes.models import Programme
from talent.programmes.pages.cohorts import (
    back,
    cohort_form,
    criteria_of,
    criterion_form,
    get_cohort,
    get_criterion,
    new_cohort_form,
    render_criterion,
    render_edit,
    render_new,
    transition,
)

#: Service fields → fields of the criterion form.
CRITERION_FIELDS = {"name": "criterion", "description": "criterion_description"}


@bp.route("/programme/<int:programme_id>/kohorten/neu", methods=["GET", "POST"])
@requires("programmes.manage")
def cohort_new(programme_id: int) -> Response | tuple[str, int]:
    programme = db.get_or_404(Programme, programme_id)
    form = new_cohort_form(programme)
    if request.method == "GET" or not form.validate_on_submit():
        return render_new(programme, form, 200 if request.method == "GET" else 422)
    try:
        cohort = create_cohort(acting_user(), programme, **form.values(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_new(db.get_or_404(Programme, programme_id), form, status)
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
        update_cohort(acting_user(), cohort, **form.values(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        cohort = get_cohort(cohort_id)
        return render_edit(cohort, form, status=show_error(form, error))
    db.session.commit()
    flash(gettext("The cohort has been saved."), "success")
    return redirect(url_for("talent.cohort_edit", cohort_id=cohort_id))


@bp.post("/kohorten/<int:cohort_id>/kriterien")
@requires("programmes.manage")
def cohort_criterion_add(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_cohort(cohort_id)
    form = CriterionForm()
    if not form.validate_on_submit():
        return render_edit(cohort, criterion_form=form, status=422)
    try:
        criterion = add_criterion(acting_user(), cohort, **form.values(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        cohort = get_cohort(cohort_id)
        status = show_error(form, error, CRITERION_FIELDS)
        return render_edit(cohort, criterion_form=form, status=status)
    db.session.commit()
    flash(gettext("The criterion %(name)s has been added.", name=criterion.name), "success")
    return criteria_of(cohort_id)


@bp.route("/kohorten/<int:cohort_id>/kriterien/<int:criterion_id>", methods=["GET", "POST"])
@requires("programmes.manage")
def cohort_criterion_edit(cohort_id: int, criterion_id: int) -> Response | tuple[str, int]:
    criterion = get_criterion(cohort_id, criterion_id)
    form = criterion_form(criterion)
    if request.method == "GET" or not form.validate_on_submit():
        return render_criterion(criterion, form, 200 if request.method == "GET" else 422)
    try:
        update_criterion(acting_user(), criterion, **form.values(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error, CRITERION_FIELDS)
        return render_criterion(get_criterion(cohort_id, criterion_id), form, status)
    db.session.commit()
    flash(gettext("The criterion has been saved."), "success")
    return criteria_of(cohort_id)


@bp.post("/kohorten/<int:cohort_id>/kriterien/<int:criterion_id>/entfernen")
@requires("programmes.manage")
def cohort_criterion_remove(cohort_id: int, criterion_id: int) -> Response:
    criterion = get_criterion(cohort_id, criterion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = criterion.name
    try:
        remove_criterion(acting_user(), criterion, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
    else:
        db.session.commit()
        flash(gettext("The criterion %(name)s has been removed.", name=name), "success")
    return criteria_of(cohort_id)


@bp.post("/kohorten/<int:cohort_id>/oeffnen")
@requires("programmes.manage")
def cohort_open(cohort_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return transition(
        cohort_id,
        lambda cohort: open_applications(acting_user(), cohort, utcnow()),
        gettext("Applications are open."),
    )


@bp.post("/kohorten/<int:cohort_id>/schliessen")
@requires("programmes.manage")
def cohort_close(cohort_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return transition(
        cohort_id,
        lambda cohort: close_applications(acting_user(), cohort, utcnow()),
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
        lambda cohort: cancel_cohort(acting_user(), cohort, form.reason.data or "", utcnow()),
        gettext("The cohort has been cancelled; applicants have been told."),
    )


@bp.post("/kohorten/<int:cohort_id>/abschliessen")
@requires("programmes.manage")
def cohort_complete(cohort_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return transition(
        cohort_id,
        lambda cohort: complete_cohort(acting_user(), cohort, utcnow()),
        gettext("The cohort has been completed."),
    )
