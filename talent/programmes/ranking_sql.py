"""The weighted ranking of a cohort's applications (``selection.ranking``) in set-based
SQL: the weighted score of every application (only when every criterion is scored), its
place in the order and its rank among the fully scored — computed by the database
(GROUP BY over the scores, a window function for the rank), so that a page of the
ranking reads its 50 applications and not every application of the cohort. The Python
``ranking`` stays the reference; ``tests/talent/programmes/test_ranking_sql.py``
compares both on random cohorts.

Weighted score = Σ weight·score / Σ weight, rounded half up to two places: in whole
cents as ``(200·Σ weight·score + Σ weight) div (2·Σ weight)`` — integers only, so
SQLite, PostgreSQL and Python's ``Decimal`` agree to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import Employee
from talent.programmes.cohort_models import Application, Score
from talent.programmes.models import ApplicationState, Cohort, Endorsement, SelectionCriterion
from talent.programmes.selection import RANKED_STATES, RankedApplication

CENT = Decimal("0.01")


def _ranked(cohort_id: int, states: Sequence[str]) -> Select[Any]:
    """(application id, weighted score in cents or NULL, rank or NULL), in ranking order."""
    criteria = (
        select(
            func.count(SelectionCriterion.id).label("number"),
            func.coalesce(func.sum(SelectionCriterion.weight), 0).label("weight"),
        )
        .where(SelectionCriterion.cohort_id == cohort_id)
        .subquery("criteria")
    )
    scored = (
        select(
            Score.application_id,
            func.count(Score.id).label("scored"),
            func.sum(Score.score * SelectionCriterion.weight).label("points"),
        )
        .join(SelectionCriterion, SelectionCriterion.id == Score.criterion_id)
        .where(SelectionCriterion.cohort_id == cohort_id)
        .group_by(Score.application_id)
        .subquery("scored")
    )
    fully = and_(criteria.c.number > 0, scored.c.scored == criteria.c.number)
    cents = case(
        (fully, (200 * scored.c.points + criteria.c.weight) // (2 * criteria.c.weight)),
        else_=None,
    )
    order = (
        case((fully, 0), else_=1),
        case((fully, cents), else_=0).desc(),
        case((Application.endorsement == Endorsement.ENDORSED.value, 0), else_=1),
        case((Application.submitted_at.is_(None), 1), else_=0),
        Application.submitted_at,
        Application.id,
    )
    rank = case(
        (fully, func.row_number().over(partition_by=case((fully, 0), else_=1), order_by=order)),
        else_=None,
    )
    return (
        select(Application.id, Application.state, cents.label("cents"), rank.label("rank"))
        .select_from(Application)
        .join(criteria, literal(True))
        .outerjoin(scored, scored.c.application_id == Application.id)
        .where(Application.cohort_id == cohort_id, Application.state.in_(list(states)))
        .order_by(*order)
    )


def ranked_rows(cohort: Cohort, *, states: Sequence[str] = RANKED_STATES) -> list[Any]:
    """Every ranked application as (id, cents, rank), best first (for tests and the
    scoring queue: one row per application, no objects)."""
    return list(db.session.execute(_ranked(cohort.id, states)))


def _load(cohort: Cohort, rows: Sequence[Any]) -> list[RankedApplication]:
    """The ranked applications of ``rows`` with employee, department, endorser and
    scores (three statements)."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    applications = {
        a.id: a
        for a in db.session.scalars(
            select(Application)
            .options(
                joinedload(Application.employee).joinedload(Employee.department),
                joinedload(Application.endorsed_by).lazyload(User.role_assignments),
            )
            .where(Application.id.in_(ids))
        ).unique()
    }
    scores: dict[int, dict[int, Score]] = {}
    for score in db.session.scalars(select(Score).where(Score.application_id.in_(ids))):
        scores.setdefault(score.application_id, {})[score.criterion_id] = score
    wanted = {c.id for c in cohort.criteria}
    items = []
    for row in rows:
        app = applications[row.id]
        items.append(
            RankedApplication(
                application=app,
                employee=app.employee,
                department_name=app.employee.department.name,
                scores={k: v for k, v in scores.get(row.id, {}).items() if k in wanted},
                weighted=None if row.cents is None else (Decimal(row.cents) / 100).quantize(CENT),
                rank=row.rank,
                endorsement=app.endorsement,
            )
        )
    return items


class RankingPage(Pagination):
    """A page of the ranking: the page's applications read, the rest counted."""

    def _query_items(self) -> list[RankedApplication]:
        cohort: Cohort = self._query_args["cohort"]
        states = self._query_args["states"]
        rows = db.session.execute(
            _ranked(cohort.id, states).limit(self.per_page).offset(self._query_offset)
        ).all()
        return _load(cohort, rows)

    def _query_count(self) -> int:
        cohort: Cohort = self._query_args["cohort"]
        return int(
            db.session.scalar(
                select(func.count())
                .select_from(Application)
                .where(
                    Application.cohort_id == cohort.id,
                    Application.state.in_(list(self._query_args["states"])),
                )
            )
            or 0
        )


def ranking_page(
    cohort: Cohort, page: int, per_page: int, *, states: Sequence[str] = RANKED_STATES
) -> RankingPage:
    return RankingPage(
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        cohort=cohort,
        states=tuple(states),
    )


def best_submitted(cohort: Cohort, limit: int) -> tuple[list[RankedApplication], int]:
    """The best ``limit`` fully scored submitted applications (the proposal's choices;
    ranks among every ranked application) and how many there are in all."""
    ranked = _ranked(cohort.id, RANKED_STATES).subquery("ranked")
    candidate = and_(
        ranked.c.state == ApplicationState.SUBMITTED.value, ranked.c.cents.is_not(None)
    )
    if limit <= 0:
        total = db.session.scalar(select(func.count()).select_from(ranked).where(candidate))
        return [], int(total or 0)
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.cents, ranked.c.rank, func.count().over().label("all"))
        .where(candidate)
        .order_by(ranked.c.rank)
        .limit(limit)
    ).all()
    return _load(cohort, rows), int(rows[0].all) if rows else 0
