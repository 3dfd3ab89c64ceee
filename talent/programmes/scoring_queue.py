"""Where HR stands when scoring a cohort's applications one after another: the position of
an application among the submitted ones, how many still lack a score, and which one to
open next ("Speichern und nächste Bewerbung"). Two grouped queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from academy.extensions import db
from talent.programmes.cohort_models import Application, Score
from talent.programmes.models import ApplicationState, SelectionCriterion


@dataclass(frozen=True)
class ScoringQueue:
    position: int  # 1-based among the submitted applications (0 when not submitted)
    total: int  # submitted applications of the cohort
    incomplete: int  # of those, how many lack a score on at least one criterion
    next_id: int | None  # the next incomplete application after this one (wrapping round)


def scoring_queue(application: Application) -> ScoringQueue:
    """The queue around ``application`` in its cohort, ordered by submission."""
    criteria = db.session.scalar(
        select(func.count())
        .select_from(SelectionCriterion)
        .where(SelectionCriterion.cohort_id == application.cohort_id)
    )
    scored = (
        select(Score.application_id, func.count().label("n"))
        .join(Application, Application.id == Score.application_id)
        .where(Application.cohort_id == application.cohort_id)
        .group_by(Score.application_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Application.id, func.coalesce(scored.c.n, 0))
        .outerjoin(scored, scored.c.application_id == Application.id)
        .where(Application.cohort_id == application.cohort_id)
        .where(Application.state == ApplicationState.SUBMITTED)
        .order_by(Application.submitted_at, Application.id)
    ).all()
    ids = [row[0] for row in rows]
    incomplete = [index for index, (_id, n) in enumerate(rows) if n < (criteria or 0)]
    here = ids.index(application.id) if application.id in ids else -1
    # the first incomplete one after this application, else the first one before it
    upcoming = [i for i in incomplete if i > here] + [i for i in incomplete if i < here]
    return ScoringQueue(
        position=here + 1,
        total=len(ids),
        incomplete=len(incomplete),
        next_id=ids[upcoming[0]] if upcoming else None,
    )
