"""Selection pages of the fast-track programmes.

- HR's cohort dashboard (/talente/kohorten/<id>): status and actions, the applications
  counted by state, the weighted ranking (50 per page), the proposal to the staff
  council, the council's decisions, "send acceptances and rejections", then the members'
  progress. A fixed number of SQL statements however many applications there are.
- HR's scoring page per application (/talente/bewerbungen/<id>/bewertung).
- The staff council's review pages (/talente/auswahl, /talente/auswahl/<cohort id>):
  they read the ranking with scores and comments and consent or object — never score.

Data protection: every page that shows applicants writes one access-log entry per
person shown ("programme_application"), flushed together with the page's commit.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import talent.programme_policy  # noqa: F401 - registers the actions before @requires
from academy.audit import record_accesses
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Employee, User
from academy.navigation import NavItem, add_nav
from talent import bp
from talent.forms_selection import CouncilDecisionForm, ProposalForm, ScoreForm, score_form
from talent.programme_models import (
    APPLICATION_STATE_LABELS,
    COHORT_STATUS_LABELS,
    ENDORSEMENT_LABELS,
    Application,
    ApplicationState,
    Cohort,
    CohortStatus,
    CouncilDecision,
    CouncilReview,
    Endorsement,
    Score,
)
from talent.progress import cohort_progress
from talent.selection import (
    RankedApplication,
    council_decide,
    latest_review,
    propose,
    ranking,
    reviews,
    send_decisions,
    set_score,
)
from talent.views_profiles import ListPagination, page_number, show_error

add_nav(
    NavItem("talent.council_reviews", N_("Fast-track selection"), "programmes.review", "council")
)

#: Applications per page of the ranking.
PER_PAGE = 50
#: Decided council reviews per page of the council's history.
HISTORY_PER_PAGE = 25
ACCESS = "programme_application"
PROGRESS_ACCESS = "programme_progress"

DECISION_LABELS = {
    CouncilDecision.CONSENT.value: N_("Consent"),
    CouncilDecision.OBJECTION.value: N_("Objection"),
}
#: The application states as HR's counts name them.
COUNT_LABELS = {
    **APPLICATION_STATE_LABELS,
    ApplicationState.NOMINATED: N_("Nominated (the employee has not agreed yet)"),
}
LABELS = {
    "counts": COUNT_LABELS,
    "status": COHORT_STATUS_LABELS,
    "state": APPLICATION_STATE_LABELS,
    "endorsement": ENDORSEMENT_LABELS,
    "decision": DECISION_LABELS,
}


def actor() -> User:
    return current_user._get_current_object()


def get_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.scalar(
        select(Cohort).options(joinedload(Cohort.programme)).where(Cohort.id == cohort_id)
    )
    if cohort is None:
        abort(404)
    return cohort


def ranking_page(ranked: list[RankedApplication]) -> ListPagination:
    return ListPagination(
        page=page_number(), per_page=PER_PAGE, max_per_page=None, error_out=False, items=ranked
    )


def application_counts(cohort: Cohort) -> tuple[dict[str, int], int]:
    """Applications by state, and how many are endorsed (not counting withdrawn), in one
    query."""
    rows = db.session.execute(
        select(Application.state, Application.endorsement, func.count())
        .where(Application.cohort_id == cohort.id)
        .group_by(Application.state, Application.endorsement)
    ).all()
    by_state: Counter[str] = Counter()
    endorsed = 0
    for state, endorsement, count in rows:
        by_state[state] += count
        if endorsement == Endorsement.ENDORSED and state != ApplicationState.WITHDRAWN:
            endorsed += count
    return {s.value: by_state[s.value] for s in ApplicationState}, endorsed


def refused(error: DomainError, form: Any = None, fields: dict[str, str] | None = None) -> int:
    """A service said no: nothing is saved (rolled back). The reason goes next to its
    field when the form has one, else into a flash message; returns the status code."""
    db.session.rollback()
    name = (fields or {}).get(error.field or "", error.field)
    if form is not None and name and hasattr(form, name):
        return show_error(form, error, fields)
    flash(translate(error.message, **error.params), "danger")
    return error.status_code


# ---------------------------------------------------------------------------
# HR: the cohort dashboard, the proposal, sending the decisions
# ---------------------------------------------------------------------------


def render_dashboard(
    cohort: Cohort, form: ProposalForm | None = None, status: int = 200
) -> tuple[str, int]:
    user, now = actor(), utcnow()
    ranked = ranking(cohort)
    page = ranking_page(ranked)
    by_state, endorsed = application_counts(cohort)
    history = reviews(cohort)
    shown = [r.employee.id for r in page.items]
    candidates: list[RankedApplication] = []
    if cohort.status == CohortStatus.SELECTION:
        candidates = [
            r
            for r in ranked
            if r.fully_scored and r.application.state == ApplicationState.SUBMITTED
        ]
        shown += [r.employee.id for r in candidates]
        if form is None:
            top = [r.application.id for r in candidates[: cohort.seats]]
            form = ProposalForm(formdata=None, data={"application": top})
    latest = history[0] if history else None
    progress = None
    if cohort.status in (CohortStatus.RUNNING, CohortStatus.COMPLETED):
        progress = cohort_progress(cohort, to_berlin(now).date())
    html = render_template(
        "talent/selection/dashboard.html",
        cohort=cohort,
        programme=cohort.programme,
        criteria=list(cohort.criteria),
        page=page,
        by_state=by_state,
        endorsed=endorsed,
        fully_scored=sum(
            1
            for r in ranked
            if r.fully_scored and r.application.state == ApplicationState.SUBMITTED
        ),
        submitted=by_state[ApplicationState.SUBMITTED.value],
        candidates=candidates,
        form=form,
        history=history,
        can_send=(
            cohort.status == CohortStatus.COUNCIL_REVIEW
            and latest is not None
            and latest.decision == CouncilDecision.CONSENT
        ),
        progress=progress,
        labels=LABELS,
    )
    record_accesses(user, shown, ACCESS, now=now)
    if progress:
        record_accesses(user, [p.member.employee_id for p in progress], PROGRESS_ACCESS, now=now)
    db.session.commit()
    return html, status


@bp.get("/kohorten/<int:cohort_id>")
@requires("programmes.manage")
def cohort_dashboard(cohort_id: int) -> tuple[str, int]:
    return render_dashboard(get_cohort(cohort_id))


@bp.post("/kohorten/<int:cohort_id>/auswahlvorschlag")
@requires("programmes.manage")
def selection_propose(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_cohort(cohort_id)
    form = ProposalForm()
    if not form.validate_on_submit():
        return render_dashboard(cohort, form, 422)
    try:
        review = propose(actor(), cohort, form.application.data or [], form.note.data, utcnow())
    except DomainError as error:
        status = refused(error, form)
        return render_dashboard(get_cohort(cohort_id), form, status)
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
    return redirect(url_for("talent.cohort_dashboard", cohort_id=cohort_id))


@bp.post("/kohorten/<int:cohort_id>/bescheide")
@requires("programmes.manage")
def selection_send_decisions(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_cohort(cohort_id)
    try:
        members = send_decisions(actor(), cohort, utcnow())
    except DomainError as error:
        status = refused(error)
        return render_dashboard(get_cohort(cohort_id), status=status)
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
    return redirect(url_for("talent.cohort_dashboard", cohort_id=cohort_id))


# ---------------------------------------------------------------------------
# HR: scoring one application
# ---------------------------------------------------------------------------


def get_application(application_id: int) -> Application:
    application = db.session.scalar(
        select(Application)
        .options(
            joinedload(Application.employee).joinedload(Employee.department),
            joinedload(Application.cohort).joinedload(Cohort.programme),
            joinedload(Application.endorsed_by),
            joinedload(Application.nominated_by),
        )
        .where(Application.id == application_id)
    )
    if application is None:
        abort(404)
    return application


def scores_of(application: Application) -> dict[int, Score]:
    rows = db.session.scalars(select(Score).where(Score.application_id == application.id))
    return {s.criterion_id: s for s in rows}


def render_score(application: Application, form: ScoreForm, status: int = 200) -> tuple[str, int]:
    user, now = actor(), utcnow()
    cohort = application.cohort
    html = render_template(
        "talent/selection/score.html",
        application=application,
        cohort=cohort,
        form=form,
        criteria=list(form.criteria),
        scores=scores_of(application),
        editable=(
            cohort.status == CohortStatus.SELECTION
            and application.state == ApplicationState.SUBMITTED
        ),
        labels=LABELS,
    )
    record_accesses(user, [application.employee_id], ACCESS, now=now)
    db.session.commit()
    return html, status


@bp.route("/bewerbungen/<int:application_id>/bewertung", methods=["GET", "POST"])
@requires("programmes.manage")
def selection_score(application_id: int) -> Response | tuple[str, int]:
    application = get_application(application_id)
    criteria = list(application.cohort.criteria)
    if request.method == "GET":
        data = {}
        for criterion_id, score in scores_of(application).items():
            data[f"score_{criterion_id}"] = str(score.score)
            data[f"comment_{criterion_id}"] = score.comment or ""
        return render_score(application, score_form(criteria, formdata=None, data=data))
    form = score_form(criteria)
    if not form.validate_on_submit():
        return render_score(application, form, 422)
    user, now = actor(), utcnow()
    for criterion, score, comment in form.values():
        try:
            set_score(user, application, criterion, score, comment, now)
        except DomainError as error:
            fields = {"score": f"score_{criterion.id}", "comment": f"comment_{criterion.id}"}
            status = refused(error, form, fields)
            return render_score(get_application(application_id), form, status)
    name = application.employee.full_name
    db.session.commit()
    flash(gettext("The scores of %(name)s have been saved.", name=name), "success")
    return redirect(url_for("talent.cohort_dashboard", cohort_id=application.cohort_id))


# ---------------------------------------------------------------------------
# Staff council: proposals to review, their history, the decision
# ---------------------------------------------------------------------------


@bp.get("/auswahl")
@requires("programmes.review")
def council_reviews() -> str:
    waiting = list(
        db.session.scalars(
            select(Cohort)
            .options(joinedload(Cohort.programme))
            .where(Cohort.status == CohortStatus.COUNCIL_REVIEW)
            .order_by(Cohort.status_changed_at, Cohort.id)
        )
    )
    open_reviews: dict[int, CouncilReview] = {}
    if waiting:
        for review in db.session.scalars(
            select(CouncilReview)
            .options(joinedload(CouncilReview.submitted_by))
            .where(
                CouncilReview.cohort_id.in_([c.id for c in waiting]),
                CouncilReview.decision.is_(None),
            )
            .order_by(CouncilReview.submitted_at, CouncilReview.id)
        ):
            open_reviews[review.cohort_id] = review  # the latest wins
        # Answered already (consented; HR has not yet sent the decisions): not waiting.
        waiting = [c for c in waiting if c.id in open_reviews]
    history = db.paginate(
        select(CouncilReview)
        .options(joinedload(CouncilReview.decided_by))
        .where(CouncilReview.decision.is_not(None))
        .order_by(CouncilReview.decided_at.desc(), CouncilReview.id.desc()),
        page=page_number(),
        per_page=HISTORY_PER_PAGE,
        error_out=False,
    )
    cohort_ids = {r.cohort_id for r in history.items}
    cohorts = {}
    if cohort_ids:
        cohorts = {
            c.id: c
            for c in db.session.scalars(
                select(Cohort)
                .options(joinedload(Cohort.programme))
                .where(Cohort.id.in_(cohort_ids))
            )
        }
    return render_template(
        "talent/selection/council_list.html",
        waiting=waiting,
        open_reviews=open_reviews,
        history=history,
        cohorts=cohorts,
        labels=LABELS,
    )


def render_council_review(
    cohort: Cohort, form: CouncilDecisionForm | None = None, status: int = 200
) -> tuple[str, int]:
    user, now = actor(), utcnow()
    history = reviews(cohort)
    if not history:
        abort(404)  # never submitted to the staff council
    latest = history[0]
    ranked = ranking(cohort)
    page = ranking_page(ranked)
    deciding = cohort.status == CohortStatus.COUNCIL_REVIEW and latest.decision is None
    if deciding and form is None:
        form = CouncilDecisionForm(formdata=None)
    html = render_template(
        "talent/selection/council_review.html",
        cohort=cohort,
        programme=cohort.programme,
        criteria=list(cohort.criteria),
        page=page,
        latest=latest,
        proposed_ids={entry.get("application_id") for entry in latest.proposal},
        history=history,
        form=form if deciding else None,
        labels=LABELS,
    )
    record_accesses(user, [r.employee.id for r in page.items], ACCESS, now=now)
    db.session.commit()
    return html, status


@bp.get("/auswahl/<int:cohort_id>")
@requires("programmes.review")
def council_review(cohort_id: int) -> tuple[str, int]:
    return render_council_review(get_cohort(cohort_id))


@bp.post("/auswahl/<int:cohort_id>/entscheidung")
@requires("programmes.review")
def council_decision(cohort_id: int) -> Response | tuple[str, int]:
    cohort = get_cohort(cohort_id)
    if latest_review(cohort) is None:
        abort(404)
    form = CouncilDecisionForm()
    if not form.validate_on_submit():
        return render_council_review(cohort, form, 422)
    try:
        council_decide(actor(), cohort, form.decision.data, form.comment.data, utcnow())
    except DomainError as error:
        status = refused(error, form)
        return render_council_review(get_cohort(cohort_id), form, status)
    if form.decision.data == CouncilDecision.OBJECTION:
        message = gettext("Your objection has been recorded; HR has been informed.")
    else:
        message = gettext("Your consent has been recorded; HR may now send the decisions.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.council_reviews"))
