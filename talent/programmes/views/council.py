"""The staff council's fast-track pages (action ``programmes.review``): proposals to
review with their history, one cohort's ranking, the decision (consent or objection)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.programmes.council import council_decide, latest_review
from talent.programmes.fairness import fairness
from talent.programmes.forms.selection import CouncilDecisionForm
from talent.programmes.models import CouncilDecision
from talent.programmes.pages.context import cohort_with_programme, field_or_flash
from talent.programmes.pages.council import council_list_page, render_council_review

add_nav(
    NavItem("talent.council_reviews", N_("Fast-track selection"), "programmes.review", "council")
)


@bp.get("/auswahl")
@requires("programmes.review")
def council_reviews() -> str:
    return council_list_page()


@bp.get("/auswahl/<int:cohort_id>")
@requires("programmes.review")
def council_review(cohort_id: int) -> tuple[str, int]:
    return render_council_review(cohort_with_programme(cohort_id))


@bp.get("/auswahl/<int:cohort_id>/fairness")
@requires("programmes.fairness")
def selection_fairness(cohort_id: int) -> str:
    """Applicants, proposed and accepted by group (no one is named; small groups withheld)."""
    cohort = cohort_with_programme(cohort_id)
    return render_template(
        "talent/selection/fairness.html",
        cohort=cohort,
        programme=cohort.programme,
        view=fairness(cohort),
    )


@bp.post("/auswahl/<int:cohort_id>/entscheidung")
@requires("programmes.review")
def council_decision(cohort_id: int) -> Response | tuple[str, int]:
    cohort = cohort_with_programme(cohort_id)
    if latest_review(cohort) is None:
        abort(404)
    form = CouncilDecisionForm()
    if not form.validate_on_submit():
        return render_council_review(cohort, form, 422)
    try:
        council_decide(acting_user(), cohort, form.decision.data, form.comment.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(form, error)
        return render_council_review(cohort_with_programme(cohort_id), form, status)
    if form.decision.data == CouncilDecision.OBJECTION:
        message = gettext("Your objection has been recorded; HR has been informed.")
    else:
        message = gettext("Your consent has been recorded; HR may now send the decisions.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.council_reviews"))
