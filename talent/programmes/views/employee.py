"""The employee's fast-track pages: /talente/nachwuchsprogramme (open cohorts, applying,
their own applications and nominations) and /talente/mein-programm (their programme and
its progress).

Data protection: applicants see only their own applications, never scores or ranks."""

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
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.programmes.applications import accept_nomination, apply, decline_nomination, withdraw
from talent.programmes.cohort_models import Application
from talent.programmes.forms.applications import AcceptNominationForm, ApplyForm
from talent.programmes.models import Cohort
from talent.programmes.pages.context import field_or_flash, load_application
from talent.programmes.pages.employee import my_programme_page, refused_here, render_my_page

add_nav(
    NavItem("talent.my_programmes", N_("Fast-track programmes"), "programmes.apply", "main", 22)
)


def own_application(application_id: int) -> Application:
    """One of the current user's applications: unknown → 404, someone else's → 403."""
    application = load_application(application_id)
    authorize("programmes.apply", application)
    return application


@bp.get("/nachwuchsprogramme")
@requires("programmes.apply")
def my_programmes() -> tuple[str, int]:
    return render_my_page()


@bp.post("/nachwuchsprogramme/<int:cohort_id>/bewerben")
@requires("programmes.apply")
def apply_to_cohort(cohort_id: int) -> Response | tuple[str, int]:
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ApplyForm(prefix=f"cohort-{cohort.id}")
    if not form.validate_on_submit():
        return render_my_page(422, apply_forms={cohort.id: form})
    try:
        apply(acting_user(), cohort, form.motivation.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_my_page(field_or_flash(form, error), apply_forms={cohort_id: form})
    title = cohort.programme.title
    db.session.commit()
    flash(
        gettext(
            "Your application to “%(cohort)s” (%(programme)s) has been received.",
            cohort=cohort.name,
            programme=title,
        ),
        "success",
    )
    return redirect(url_for("talent.my_programmes"))


@bp.post("/nachwuchsprogramme/bewerbungen/<int:application_id>/zurueckziehen")
@requires("programmes.apply")
def withdraw_application(application_id: int) -> Response:
    application = own_application(application_id)
    try:
        withdraw(acting_user(), application, utcnow())
    except DomainError as error:
        return refused_here(error)
    message = gettext(
        "Your application to “%(cohort)s” has been withdrawn.", cohort=application.cohort.name
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.my_programmes"))


@bp.post("/nachwuchsprogramme/bewerbungen/<int:application_id>/annehmen")
@requires("programmes.apply")
def accept_nomination_view(application_id: int) -> Response | tuple[str, int]:
    application = own_application(application_id)
    form = AcceptNominationForm(prefix=f"nomination-{application.id}")
    if not form.validate_on_submit():
        return render_my_page(422, accept_forms={application.id: form})
    try:
        accept_nomination(acting_user(), application, form.motivation.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_my_page(field_or_flash(form, error), accept_forms={application_id: form})
    message = gettext(
        "You have accepted the nomination for “%(cohort)s”; your application has been received.",
        cohort=application.cohort.name,
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.my_programmes"))


@bp.post("/nachwuchsprogramme/bewerbungen/<int:application_id>/ablehnen")
@requires("programmes.apply")
def decline_nomination_view(application_id: int) -> Response:
    application = own_application(application_id)
    try:
        decline_nomination(acting_user(), application, utcnow())
    except DomainError as error:
        return refused_here(error)
    message = gettext(
        "You have declined the nomination for “%(cohort)s”.", cohort=application.cohort.name
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.my_programmes"))


@bp.get("/mein-programm")
@bp.get("/mein-programm/<int:member_id>")
@requires("programmes.apply")
def my_programme(member_id: int | None = None) -> str:
    """The person's own programme page (the active membership unless one is named)."""
    return my_programme_page(acting_user(), member_id)
