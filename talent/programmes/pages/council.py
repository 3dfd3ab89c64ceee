"""The staff council's review pages: proposals awaiting its decision with the history
of decided reviews (/talente/auswahl), and one cohort's ranking with scores and comments
to consent or object to (/talente/auswahl/<cohort id>) — the council never scores.

Every page that shows applicants writes one access-log entry per person shown."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.audit.log import access_purpose, record_accesses
from academy.clock import utcnow
from academy.extensions import db
from academy.web.kit import acting_user, paginate
from talent.programmes.cohort_models import CouncilReview
from talent.programmes.council import may_decide, reviews
from talent.programmes.forms.selection import CouncilDecisionForm
from talent.programmes.models import Cohort, CohortStatus
from talent.programmes.pages.selection import ACCESS, LABELS, ranking_page

#: Decided council reviews per page of the council's history.
HISTORY_PER_PAGE = 25


def awaiting_decision() -> tuple[list[Cohort], dict[int, CouncilReview]]:
    """Cohorts whose proposal awaits the council, with their open review (two queries).
    A proposal answered already (consented; HR has not yet sent the decisions) is not
    waiting."""
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
        waiting = [c for c in waiting if c.id in open_reviews]
    return waiting, open_reviews


def council_list_page() -> str:
    waiting, open_reviews = awaiting_decision()
    history = paginate(
        select(CouncilReview)
        .options(joinedload(CouncilReview.decided_by))
        .where(CouncilReview.decision.is_not(None))
        .order_by(CouncilReview.decided_at.desc(), CouncilReview.id.desc()),
        size=HISTORY_PER_PAGE,
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
    user, now = acting_user(), utcnow()
    history = reviews(cohort)
    if not history:
        abort(404)  # never submitted to the staff council
    latest = history[0]
    page = ranking_page(cohort)
    deciding = may_decide(cohort, latest)
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
    purpose = access_purpose("council.review", cohort=cohort.name)
    record_accesses(user, [r.employee.id for r in page.items], ACCESS, purpose, now=now)
    db.session.commit()
    return html, status
