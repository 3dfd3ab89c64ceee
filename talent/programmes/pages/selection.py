"""HR's selection pages: the cohort dashboard (status and actions, applications counted
by state, the weighted ranking, the proposal to the staff council, the council's
decisions, the members' progress) and the scoring page of one application. A fixed
number of SQL statements however many applications there are.

Data protection: every page that shows applicants writes one access-log entry per
person shown ("programme_application"), flushed together with the page's commit."""

from __future__ import annotations

from collections import Counter

from flask import abort, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.audit.log import access_purpose, record_accesses
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from academy.web.kit import acting_user, page_number
from talent.programmes.cohort_models import Application, Score
from talent.programmes.council import may_propose, may_send_decisions, reviews
from talent.programmes.forms.selection import ProposalForm, ScoreForm, score_form
from talent.programmes.models import (
    APPLICATION_STATE_LABELS,
    COHORT_STATUS_LABELS,
    ENDORSEMENT_LABELS,
    ApplicationState,
    Cohort,
    CohortStatus,
    CouncilDecision,
    Endorsement,
)
from talent.programmes.pages.cohorts import cohort_buttons
from talent.programmes.progress import cohort_progress
from talent.programmes.ranking_sql import RankingPage, best_submitted
from talent.programmes.ranking_sql import ranking_page as ranked_page
from talent.programmes.scoring_queue import scoring_queue
from talent.programmes.selection import may_score
from talent.programmes.window import window_note

#: Applications per page of the ranking.
PER_PAGE = 50
#: The proposal form offers the best (places × this, at least ``MIN_CANDIDATES``) fully
#: scored applications; the others stay in the ranking below it.
CANDIDATES_PER_SEAT = 3
MIN_CANDIDATES = 30
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


def ranking_page(cohort: Cohort) -> RankingPage:
    """The page of the ranking asked for (``?page=``), read set-based (``ranking_sql``)."""
    return ranked_page(cohort, page_number(), PER_PAGE)


def candidates_shown(cohort: Cohort) -> int:
    """How many of the best fully scored applications the proposal form offers."""
    return max(cohort.seats * CANDIDATES_PER_SEAT, MIN_CANDIDATES)


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


def render_dashboard(
    cohort: Cohort, form: ProposalForm | None = None, status: int = 200
) -> tuple[str, int]:
    user, now = acting_user(), utcnow()
    page = ranking_page(cohort)
    by_state, endorsed = application_counts(cohort)
    history = reviews(cohort)
    shown = [r.employee.id for r in page.items]
    proposing = may_propose(cohort)
    candidates, fully_scored = best_submitted(cohort, candidates_shown(cohort) if proposing else 0)
    if proposing:
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
        fully_scored=fully_scored,
        submitted=by_state[ApplicationState.SUBMITTED.value],
        candidates=candidates,
        form=form if proposing else None,
        history=history,
        can_send=may_send_decisions(cohort, latest),
        progress=progress,
        labels=LABELS,
        buttons=cohort_buttons(cohort),
        window=window_note(cohort, to_berlin(now).date()),
    )
    record_accesses(
        user, shown, ACCESS, access_purpose("selection.dashboard", cohort=cohort.name), now=now
    )
    if progress:
        ids = [p.member.employee_id for p in progress]
        purpose = access_purpose("selection.progress", cohort=cohort.name)
        record_accesses(user, ids, PROGRESS_ACCESS, purpose, now=now)
    db.session.commit()
    return html, status


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


def saved_score_form(application: Application) -> ScoreForm:
    """The scoring form filled with the scores given so far."""
    data = {}
    for criterion_id, score in scores_of(application).items():
        data[f"score_{criterion_id}"] = str(score.score)
        data[f"comment_{criterion_id}"] = score.comment or ""
    return score_form(list(application.cohort.criteria), formdata=None, data=data)


def render_score(application: Application, form: ScoreForm, status: int = 200) -> tuple[str, int]:
    user, now = acting_user(), utcnow()
    cohort = application.cohort
    html = render_template(
        "talent/selection/score.html",
        application=application,
        cohort=cohort,
        form=form,
        criteria=list(form.criteria),
        scores=scores_of(application),
        editable=may_score(application),
        labels=LABELS,
        queue=scoring_queue(application),
    )
    purpose = access_purpose("selection.score", cohort=cohort.name)
    record_accesses(user, [application.employee_id], ACCESS, purpose, now=now)
    db.session.commit()
    return html, status


def after_scoring_url(application: Application, wants_next: bool) -> str:
    """Where "Save" leads: the next application that still lacks a score when HR asked
    for it and there is one, else the cohort's dashboard."""
    queue = scoring_queue(application) if wants_next else None
    if queue is not None and queue.next_id is not None:
        return url_for("talent.selection_score", application_id=queue.next_id)
    return url_for("talent.cohort_dashboard", cohort_id=application.cohort_id)
