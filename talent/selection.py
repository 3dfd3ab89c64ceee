"""Selection of a fast-track cohort: HR scores every application per criterion, the
weighted ranking orders them, HR proposes whom to accept, the staff council consents or
objects, and after its consent HR sends the acceptances and rejections. The notifications
are in ``talent.selection_notices``.

Rules decided here (see also docs/programmes-contract.md):

- A score is a whole number 0..``SCORE_MAX``. Scores at either end of the scale (0 and
  ``SCORE_MAX``) weigh most in the ranking, so they need a comment saying why; other
  comments are optional. Changing a score updates the row; the audit log keeps the old
  and the new value.
- The weighted score is Σ weight·score / Σ weight, a ``Decimal`` rounded half up to two
  places, and None until every criterion is scored. The ranking sorts by that rounded
  value (what HR and the staff council see), best first; on equal values an endorsed
  application comes first, then the earlier submitted one (then the lower id, so the
  order is stable). Ranks 1..n go to fully scored applications only.
- Status changes of the cohort are conditional UPDATEs (``status = expected``), so two
  people pressing the same button at once change it only once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import LazyString, gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from academy import audit
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.models import Employee, User
from courses.notices import Notice
from talent.programme_models import (
    COHORT_STATUS_LABELS,
    Application,
    ApplicationState,
    Cohort,
    CohortMember,
    CohortStatus,
    CouncilDecision,
    CouncilReview,
    Endorsement,
    Score,
    SelectionCriterion,
)
from talent.selection_notices import (
    ACCEPTED,
    COUNCIL_CONSENTED,
    COUNCIL_OBJECTED,
    NOMINATION_LAPSED,
    REJECTED,
    notify_council_decision,
    notify_decisions,
    notify_proposal,
)

SCORE_MAX = 5
COMMENT_MAX = 2000
NOTE_MAX = 2000
#: Application states that take part in the ranking.
RANKED_STATES = (
    ApplicationState.SUBMITTED.value,
    ApplicationState.ACCEPTED.value,
    ApplicationState.REJECTED.value,
)

COMMENT_NEEDED = N_(
    "Please explain this score in a comment: the lowest (0) and the highest score (5) "
    "need a reason."
)


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def comment_problem(score: int | None, comment: str | None) -> str | None:
    """Why this score/comment pair is not acceptable (an ``N_`` message), or None.
    Shared by the scoring form and ``set_score``."""
    if score in (0, SCORE_MAX) and not (comment or "").strip():
        return COMMENT_NEEDED
    return None


def _require(actor: User, action: str) -> None:
    if not can(actor, action):
        raise PermissionDenied(N_("You are not allowed to do this."))


def _require_status(cohort: Cohort, *statuses: CohortStatus) -> None:
    if cohort.status not in {s.value for s in statuses}:
        label = COHORT_STATUS_LABELS.get(CohortStatus(cohort.status), cohort.status)
        raise Conflict(
            N_("This is not possible while the cohort is in the status “%(status)s”."),
            status=LazyString(lambda: gettext(label)),
        )


def set_score(
    actor: User,
    application: Application,
    criterion: SelectionCriterion,
    score: int,
    comment: str | None,
    now: datetime,
) -> Score:
    """Score ``application`` on ``criterion`` (HR; cohort in selection; application
    submitted). An existing score is updated in place; the audit log keeps old and new."""
    _require(actor, "programmes.manage")
    if criterion.cohort_id != application.cohort_id:
        raise ValidationFailed(N_("This criterion does not belong to the cohort."))
    _require_status(application.cohort, CohortStatus.SELECTION)
    if application.state != ApplicationState.SUBMITTED:
        raise Conflict(N_("Only submitted applications can be scored."))
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= SCORE_MAX:
        raise ValidationFailed(
            N_("The score must be a whole number from 0 to %(max)s."), field="score", max=SCORE_MAX
        )
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            N_("The comment may have at most %(max)s characters."), field="comment", max=COMMENT_MAX
        )
    problem = comment_problem(score, comment)
    if problem:
        raise ValidationFailed(problem, field="comment")

    existing = db.session.scalar(
        select(Score).where(
            Score.application_id == application.id, Score.criterion_id == criterion.id
        )
    )
    if existing is None:
        existing = Score(application_id=application.id, criterion_id=criterion.id)
        try:
            with db.session.begin_nested():
                existing.score, existing.comment = score, comment
                existing.scored_at, existing.scored_by_id = now, actor.id
                db.session.add(existing)
        except IntegrityError as exc:  # somebody else scored it at the same moment
            raise Conflict(
                N_("This application has just been scored by someone else. Please reload.")
            ) from exc
        old_score, old_comment = None, None
    else:
        old_score, old_comment = existing.score, existing.comment
        if (old_score, old_comment) == (score, comment):
            return existing
        existing.score, existing.comment = score, comment
        existing.scored_at, existing.scored_by_id = now, actor.id
    audit.record(
        actor,
        "application.scored",
        "application",
        application.id,
        from_state=None if old_score is None else str(old_score),
        to_state=str(score),
        details={
            "criterion_id": criterion.id,
            "criterion": criterion.name,
            "old_score": old_score,
            "new_score": score,
            "old_comment": old_comment,
            "new_comment": comment,
        },
        now=now,
    )
    db.session.flush()
    return existing


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------


@dataclass
class RankedApplication:
    application: Application
    employee: Employee
    department_name: str
    scores: dict[int, Score] = field(default_factory=dict)  # criterion id → score
    weighted: Decimal | None = None
    rank: int | None = None
    endorsement: str = Endorsement.PENDING.value

    @property
    def fully_scored(self) -> bool:
        return self.weighted is not None


def weighted_score(
    criteria: Sequence[SelectionCriterion], scores: dict[int, Score]
) -> Decimal | None:
    """Σ weight·score / Σ weight rounded half up to 2 places; None unless all are scored."""
    if not criteria or any(c.id not in scores for c in criteria):
        return None
    total = sum(c.weight * scores[c.id].score for c in criteria)
    mean = Decimal(total) / Decimal(sum(c.weight for c in criteria))
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _order(item: RankedApplication) -> tuple[object, ...]:
    submitted = item.application.submitted_at
    return (
        item.weighted is None,
        -(item.weighted or Decimal(0)),
        item.endorsement != Endorsement.ENDORSED,
        submitted is None,
        submitted.timestamp() if submitted else 0.0,
        item.application.id,
    )


def ranking(cohort: Cohort) -> list[RankedApplication]:
    """Submitted, accepted and rejected applications, best first (see the module
    docstring). Three queries whatever the number of applications: criteria (unless
    loaded), applications with employee, department and endorser, and all scores."""
    criteria = list(cohort.criteria)
    applications = db.session.scalars(
        select(Application)
        .options(
            joinedload(Application.employee).joinedload(Employee.department),
            joinedload(Application.endorsed_by).lazyload(User.role_assignments),
        )
        .where(Application.cohort_id == cohort.id, Application.state.in_(RANKED_STATES))
    ).unique()
    by_application: dict[int, dict[int, Score]] = {}
    for score in db.session.scalars(
        select(Score)
        .join(Application, Application.id == Score.application_id)
        .where(Application.cohort_id == cohort.id, Application.state.in_(RANKED_STATES))
    ):
        by_application.setdefault(score.application_id, {})[score.criterion_id] = score
    items = []
    for app in applications:
        scores = by_application.get(app.id, {})
        items.append(
            RankedApplication(
                application=app,
                employee=app.employee,
                department_name=app.employee.department.name,
                scores=scores,
                weighted=weighted_score(criteria, scores),
                endorsement=app.endorsement,
            )
        )
    items.sort(key=_order)
    rank = 0
    for item in items:
        if item.fully_scored:
            rank += 1
            item.rank = rank
    return items


# ---------------------------------------------------------------------------
# Proposal, the staff council's review, decisions
# ---------------------------------------------------------------------------


def latest_review(cohort: Cohort) -> CouncilReview | None:
    return db.session.scalar(
        select(CouncilReview)
        .where(CouncilReview.cohort_id == cohort.id)
        .order_by(CouncilReview.submitted_at.desc(), CouncilReview.id.desc())
        .limit(1)
    )


def reviews(cohort: Cohort) -> list[CouncilReview]:
    """The cohort's council reviews, latest first, with who submitted and decided."""
    return list(
        db.session.scalars(
            select(CouncilReview)
            .options(
                joinedload(CouncilReview.submitted_by).lazyload(User.role_assignments),
                joinedload(CouncilReview.decided_by).lazyload(User.role_assignments),
            )
            .where(CouncilReview.cohort_id == cohort.id)
            .order_by(CouncilReview.submitted_at.desc(), CouncilReview.id.desc())
        )
    )


def _move(cohort: Cohort, to: CohortStatus, now: datetime) -> str:
    """Change the status if it is still what this session read (one conditional UPDATE,
    so a double click or two people at once change it only once); returns the old one."""
    before = cohort.status
    result = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.status == before)
        .values(status=to.value, status_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(N_("The cohort has just been changed by someone else. Please reload."))
    set_committed_value(cohort, "status", to.value)
    set_committed_value(cohort, "status_changed_at", now)
    return before


def propose(
    actor: User, cohort: Cohort, application_ids: Iterable[int], note: str | None, now: datetime
) -> CouncilReview:
    """Submit HR's proposal to the staff council: selection → council_review."""
    _require(actor, "programmes.manage")
    _require_status(cohort, CohortStatus.SELECTION)
    ids = set(application_ids)
    if not ids:
        raise ValidationFailed(N_("Please select at least one application."), field="application")
    if len(ids) > cohort.seats:
        raise ValidationFailed(
            N_("At most %(seats)s applications can be proposed (the cohort's places)."),
            field="application",
            seats=cohort.seats,
        )
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise ValidationFailed(
            N_("The note may have at most %(max)s characters."), field="note", max=NOTE_MAX
        )
    submitted = [
        r for r in ranking(cohort) if r.application.state == ApplicationState.SUBMITTED.value
    ]
    unscored = sum(1 for r in submitted if not r.fully_scored)
    if unscored:
        raise ValidationFailed(
            N_(
                "%(count)s applications are not fully scored yet. Please score every criterion "
                "of every application before submitting the proposal."
            ),
            count=unscored,
        )
    known = {r.application.id for r in submitted}
    if ids - known:
        raise ValidationFailed(
            N_("Only submitted applications of this cohort can be proposed."), field="application"
        )
    before = _move(cohort, CohortStatus.COUNCIL_REVIEW, now)
    for item in submitted:
        item.application.proposed = item.application.id in ids
    review = CouncilReview(
        cohort_id=cohort.id,
        submitted_at=now,
        submitted_by_id=actor.id,
        note=note,
        proposal=[
            {
                "application_id": r.application.id,
                "employee_name": r.employee.full_name,
                "weighted": str(r.weighted),
                "rank": r.rank,
            }
            for r in submitted
            if r.application.id in ids
        ],
    )
    db.session.add(review)
    db.session.flush()
    audit.record(
        actor,
        "cohort.proposed",
        "cohort",
        cohort.id,
        from_state=before,
        to_state=cohort.status,
        reason=note,
        details={"review_id": review.id, "application_ids": sorted(ids)},
        now=now,
    )
    notify_proposal(cohort, len(ids), len(submitted), now)
    db.session.flush()
    return review


def council_decide(
    actor: User, cohort: Cohort, decision: str, comment: str | None, now: datetime
) -> CouncilReview:
    """The staff council's answer to the latest proposal. An objection (comment
    required) sends the cohort back to selection; a consent lets HR send the decisions.
    Whoever submitted the proposal cannot answer it for the council."""
    _require(actor, "programmes.review")
    _require_status(cohort, CohortStatus.COUNCIL_REVIEW)
    review = latest_review(cohort)
    if review is None or review.decision is not None:
        raise Conflict(N_("There is no proposal awaiting the staff council's decision."))
    if review.submitted_by_id is not None and review.submitted_by_id == actor.id:
        raise PermissionDenied(
            N_("You submitted this proposal, so you cannot decide on it for the staff council.")
        )
    if decision not in {d.value for d in CouncilDecision}:
        raise ValidationFailed(N_("Please choose consent or objection."), field="decision")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            N_("The comment may have at most %(max)s characters."), field="comment", max=COMMENT_MAX
        )
    if decision == CouncilDecision.OBJECTION and comment is None:
        raise ValidationFailed(N_("Please explain the objection in a comment."), field="comment")
    review.decision, review.decision_comment = decision, comment
    review.decided_at, review.decided_by_id = now, actor.id
    if decision == CouncilDecision.OBJECTION:
        for app in db.session.scalars(
            select(Application).where(
                Application.cohort_id == cohort.id, Application.proposed.is_(True)
            )
        ):
            app.proposed = False
        before = _move(cohort, CohortStatus.SELECTION, now)
        verb, notice = "council_objected", COUNCIL_OBJECTED
    else:
        before = cohort.status
        verb, notice = "council_consented", COUNCIL_CONSENTED
    audit.record(
        actor,
        f"cohort.{verb}",
        "cohort",
        cohort.id,
        from_state=before,
        to_state=cohort.status,
        reason=comment,
        details={"review_id": review.id, "decision": decision},
        now=now,
    )
    notify_council_decision(cohort, notice, comment, now)
    db.session.flush()
    return review


def send_decisions(actor: User, cohort: Cohort, now: datetime) -> list[CohortMember]:
    """After the council's consent: the proposed applications are accepted (each gets a
    cohort membership), the other submitted ones rejected, open nominations withdrawn;
    the cohort is running. Everyone with an account is told."""
    _require(actor, "programmes.manage")
    _require_status(cohort, CohortStatus.COUNCIL_REVIEW)
    review = latest_review(cohort)
    if review is None or review.decision != CouncilDecision.CONSENT:
        raise Conflict(N_("The staff council has not consented to the proposal yet."))
    consented = {entry.get("application_id") for entry in review.proposal}
    before = _move(cohort, CohortStatus.RUNNING, now)
    audit.record(
        actor,
        "cohort.started",
        "cohort",
        cohort.id,
        from_state=before,
        to_state=cohort.status,
        details={"review_id": review.id},
        now=now,
    )
    applications = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.cohort_id == cohort.id,
                Application.state.in_(
                    [ApplicationState.SUBMITTED.value, ApplicationState.NOMINATED.value]
                ),
            )
            .order_by(Application.id)
        )
    )
    existing = set(
        db.session.scalars(
            select(CohortMember.employee_id).where(CohortMember.cohort_id == cohort.id)
        )
    )
    members: list[CohortMember] = []
    outcome: dict[int, Notice] = {}
    for app in applications:
        was = app.state
        if was == ApplicationState.NOMINATED:
            app.state, app.withdrawn_at = ApplicationState.WITHDRAWN.value, now
            verb, notice = "nomination_lapsed", NOMINATION_LAPSED
        elif app.id in consented:
            app.state, app.decided_at = ApplicationState.ACCEPTED.value, now
            verb, notice = "accepted", ACCEPTED
            if app.employee_id not in existing:
                member = CohortMember(
                    cohort_id=cohort.id,
                    employee_id=app.employee_id,
                    application_id=app.id,
                    joined_at=now,
                )
                db.session.add(member)
                members.append(member)
        else:
            app.state, app.decided_at = ApplicationState.REJECTED.value, now
            verb, notice = "rejected", REJECTED
        outcome[app.employee_id] = notice
        audit.record(
            actor,
            f"application.{verb}",
            "application",
            app.id,
            from_state=was,
            to_state=app.state,
            details={"cohort_id": cohort.id, "review_id": review.id},
            now=now,
        )
    db.session.flush()  # member ids for the acceptance links
    notify_decisions(cohort, outcome, now, {m.employee_id: m.id for m in members})
    return members
