"""The evidence the current-level rule (``talent.competencies.levels``) weighs, loaded
in a fixed number of statements: the targets through the job role, the latest head
rating and self-assessment, the best still-valid external certificate, the best
still-valid course outcome, and which competences count for which through an
``equivalent`` mapping.

Employees are given either as a ``Select`` of employee ids (used as a subquery, one
statement) or as a list of ids (sent in chunks of ``CHUNK``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, and_, case, extract, func, or_, select

from academy.clock import to_berlin
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from talent.competencies.models import CompetenceMapping, Rating, RatingSource, RoleTarget

#: Ids per ``IN (…)`` list when employees are given as ids.
CHUNK = 500

#: Mapping relation whose evidence counts for the target competence.
EQUIVALENT = "equivalent"

#: Employees: a ``Select`` of employee ids (a subquery) or the ids themselves.
Employees: TypeAlias = Select[Any] | Sequence[int]

Key = tuple[int, int]  # (employee_id, competence_id)

_SOURCE_RANK = {"external": 0, "course": 1, RatingSource.HEAD.value: 2}


@dataclass(frozen=True)
class Evidence:
    level: int
    source: str
    since: date | None
    competence_id: int

    def rank(self, own: bool) -> tuple[int, date, int, int]:
        return (self.level, self.since or date.min, _SOURCE_RANK[self.source], int(own))


# ---------------------------------------------------------------------------
# Where clauses for employees and competences
# ---------------------------------------------------------------------------


def employee_clauses(column: Any, employees: Employees) -> list[ColumnElement[bool]]:
    """One clause per statement to run: the subquery, or one ``IN`` list per chunk."""
    if isinstance(employees, Select):
        return [column.in_(employees)]
    ids = sorted(set(employees))
    return [column.in_(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]


def _competence_clause(column: Any, competence_ids: Iterable[int] | None) -> list[Any]:
    if competence_ids is None:
        return []
    return [column.in_(sorted(set(competence_ids)))]


# ---------------------------------------------------------------------------
# The statements
# ---------------------------------------------------------------------------


def equivalent_sources(competence_ids: Iterable[int] | None) -> dict[int, set[int]]:
    """Target competence → the competences whose evidence counts for it (one query)."""
    query = select(CompetenceMapping.source_id, CompetenceMapping.target_id).where(
        CompetenceMapping.relation == EQUIVALENT,
        CompetenceMapping.source_id != CompetenceMapping.target_id,
        *_competence_clause(CompetenceMapping.target_id, competence_ids),
    )
    sources: dict[int, set[int]] = defaultdict(set)
    for source_id, target_id in db.session.execute(query):
        sources[target_id].add(source_id)
    return dict(sources)


def targets_for_job_roles(job_role_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """Job role → competence → current target level (one query per CHUNK roles)."""
    result: dict[int, dict[int, int]] = {}
    ids = sorted(set(job_role_ids))
    for i in range(0, len(ids), CHUNK):
        query = select(RoleTarget.job_role_id, RoleTarget.competence_id, RoleTarget.level).where(
            RoleTarget.ended_at.is_(None), RoleTarget.job_role_id.in_(ids[i : i + CHUNK])
        )
        for role_id, competence_id, level in db.session.execute(query):
            result.setdefault(role_id, {})[competence_id] = level
    return result


def employee_targets(
    employees: Employees, competence_ids: Iterable[int] | None, *, area_id: int | None = None
) -> dict[Key, int]:
    """(employee, competence) → target level through the employee's job role."""
    comp = list(competence_ids) if competence_ids is not None else None
    result: dict[Key, int] = {}
    for clause in employee_clauses(Employee.id, employees):
        query = (
            select(Employee.id, RoleTarget.competence_id, RoleTarget.level)
            .join(RoleTarget, RoleTarget.job_role_id == Employee.job_role_id)
            .where(
                clause,
                RoleTarget.ended_at.is_(None),
                *_competence_clause(RoleTarget.competence_id, comp),
            )
        )
        if area_id is not None:
            query = query.join(Competence, Competence.id == RoleTarget.competence_id).where(
                Competence.area_id == area_id
            )
        for employee_id, competence_id, level in db.session.execute(query):
            result[(employee_id, competence_id)] = level
    return result


@dataclass
class RatingData:
    head: dict[Key, Evidence] = field(default_factory=dict)
    self_assessed: dict[Key, int] = field(default_factory=dict)
    external: dict[Key, Evidence] = field(default_factory=dict)


def load_ratings(
    employees: Employees, competence_ids: Iterable[int] | None, today: date
) -> RatingData:
    """Latest head rating, latest self-assessment and best still-valid external
    certificate per (employee, competence): one statement (a window function)."""
    external = Rating.source == RatingSource.EXTERNAL.value
    comp = list(competence_ids) if competence_ids is not None else None
    data = RatingData()
    for clause in employee_clauses(Rating.employee_id, employees):
        position = (
            func.row_number()
            .over(
                partition_by=(Rating.employee_id, Rating.competence_id, Rating.source),
                # head/self: the latest; external: the highest valid, then the latest
                order_by=(
                    case((external, Rating.level), else_=0).desc(),
                    Rating.rated_at.desc(),
                    Rating.id.desc(),
                ),
            )
            .label("position")
        )
        inner = (
            select(
                Rating.employee_id,
                Rating.competence_id,
                Rating.source,
                Rating.level,
                Rating.rated_at,
                position,
            )
            .where(
                clause,
                *_competence_clause(Rating.competence_id, comp),
                or_(
                    Rating.source.in_([RatingSource.HEAD.value, RatingSource.SELF.value]),
                    and_(
                        external,
                        or_(Rating.valid_until.is_(None), Rating.valid_until >= today),
                    ),
                ),
            )
            .subquery()
        )
        query = select(
            inner.c.employee_id,
            inner.c.competence_id,
            inner.c.source,
            inner.c.level,
            inner.c.rated_at,
        ).where(inner.c.position == 1)
        for employee_id, competence_id, source, level, rated_at in db.session.execute(query):
            key = (employee_id, competence_id)
            if source == RatingSource.SELF.value:
                data.self_assessed[key] = level
                continue
            evidence = Evidence(level, source, to_berlin(rated_at).date(), competence_id)
            if source == RatingSource.HEAD.value:
                data.head[key] = evidence
            else:
                data.external[key] = evidence
    return data


def latest_head_position() -> Any:
    """``row_number()`` over a person's head ratings of a competence, newest first
    (``rated_at``, then ``id``): the rating at position 1 is the one that counts."""
    return (
        func.row_number()
        .over(
            partition_by=(Rating.employee_id, Rating.competence_id),
            order_by=(Rating.rated_at.desc(), Rating.id.desc()),
        )
        .label("position")
    )


def course_valid_clause(today: date) -> ColumnElement[bool]:
    """SQL (SQLite and PostgreSQL alike): the completion still counts on ``today``,
    i.e. ``expires_on(completed_on, validity_months) >= today`` in whole months and days."""
    done_month = extract("year", Enrolment.completed_on) * 12 + extract(
        "month", Enrolment.completed_on
    )
    until_month = done_month + Course.validity_months
    this_month = today.year * 12 + today.month
    return or_(
        Course.validity_months.is_(None),
        until_month > this_month,
        and_(until_month == this_month, extract("day", Enrolment.completed_on) >= today.day),
    )


def load_course_evidence(
    employees: Employees, competence_ids: Iterable[int] | None, today: date
) -> dict[Key, Evidence]:
    """Best still-valid course outcome per (employee, competence), one statement."""
    comp = list(competence_ids) if competence_ids is not None else None
    result: dict[Key, Evidence] = {}
    for clause in employee_clauses(Enrolment.employee_id, employees):
        position = (
            func.row_number()
            .over(
                partition_by=(Enrolment.employee_id, CourseOutcome.competence_id),
                order_by=(CourseOutcome.level.desc(), Enrolment.completed_on.desc()),
            )
            .label("position")
        )
        inner = (
            select(
                Enrolment.employee_id,
                CourseOutcome.competence_id,
                CourseOutcome.level,
                Enrolment.completed_on,
                position,
            )
            .join(Course, Course.id == Enrolment.course_id)
            .join(CourseOutcome, CourseOutcome.course_id == Enrolment.course_id)
            .where(
                clause,
                Enrolment.state == EnrolmentState.COMPLETED.value,
                Enrolment.completed_on.is_not(None),
                course_valid_clause(today),
                *_competence_clause(CourseOutcome.competence_id, comp),
            )
            .subquery()
        )
        query = select(
            inner.c.employee_id, inner.c.competence_id, inner.c.level, inner.c.completed_on
        ).where(inner.c.position == 1)
        for employee_id, competence_id, level, completed_on in db.session.execute(query):
            result[(employee_id, competence_id)] = Evidence(
                level, "course", completed_on, competence_id
            )
    return result
