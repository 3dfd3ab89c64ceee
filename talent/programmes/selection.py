"""Selection of a fast-track cohort: HR scores every application per criterion and the
weighted ranking orders them. The proposal, the staff council's review and the
decisions are in ``talent.programmes.council``.

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import LazyString, gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit import log as audit
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from talent.programmes.cohort_models import Application, Score
from talent.programmes.models import (
    COHORT_STATUS_LABELS,
    ApplicationState,
    Cohort,
    CohortStatus,
    Endorsement,
    SelectionCriterion,
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


def require_action(actor: User, action: str) -> None:
    if not can(actor, action):
        raise PermissionDenied(N_("You are not allowed to do this."))


def require_status(cohort: Cohort, *statuses: CohortStatus) -> None:
    if cohort.status not in {s.value for s in statuses}:
        label = COHORT_STATUS_LABELS.get(CohortStatus(cohort.status), cohort.status)
        raise Conflict(
            N_("This is not possible while the cohort is in the status “%(status)s”."),
            status=LazyString(lambda: gettext(label)),
        )


def may_score(application: Application) -> bool:
    """Whether HR may (still) score the application: submitted, cohort in selection."""
    return (
        application.cohort.status == CohortStatus.SELECTION
        and application.state == ApplicationState.SUBMITTED
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
    require_action(actor, "programmes.manage")
    if criterion.cohort_id != application.cohort_id:
        raise ValidationFailed(N_("This criterion does not belong to the cohort."))
    require_status(application.cohort, CohortStatus.SELECTION)
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
