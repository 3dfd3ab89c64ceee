"""The current-level rule of ``talent.competencies.levels``, set-based, for the
competency reports (docs/talent-contract.md): applied to everyone in scope at once
instead of per person, one SQL statement finds, per person × competence, the best of

- the latest department-head rating,
- still-valid course evidence (completed enrolments × ``CourseOutcome``, valid while
  ``completed_on + Course.validity_months`` has not passed — ``course_valid_clause``),
- the best still-valid external certificate (``valid_until`` today or later, or none),

each also counting one step through an ``equivalent`` ``CompetenceMapping`` (source →
target). Self-assessments never count. ``tests/reports/analytics/test_levels.py``
compares the result with ``talent.competencies.levels.levels_for`` on random data so the
two cannot drift apart. Also the frames both competency reports share: role targets,
competence and department labels.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, func, or_, select, union_all

from academy.frameworks.models import Competence, CompetenceArea
from academy.org.models import Department
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from reports.analytics.common import (
    People,
    department_label,
    language,
    path_order,
    read_frame,
)
from talent.competencies.level_evidence import (
    EQUIVALENT,
    course_valid_clause,
    latest_head_position,
)
from talent.competencies.models import CompetenceMapping, Rating, RatingSource, RoleTarget

# ---------------------------------------------------------------------------
# The current-level rule, set-based
# ---------------------------------------------------------------------------


def evidence_competences(competence_ids: list[int]) -> Any:
    """Competences whose evidence can count for ``competence_ids``: themselves and the
    sources of equivalent mappings onto them (a subquery, no extra statement)."""
    sources = select(CompetenceMapping.source_id).where(
        CompetenceMapping.relation == EQUIVALENT,
        CompetenceMapping.target_id.in_(competence_ids),
    )
    return lambda column: or_(column.in_(competence_ids), column.in_(sources))


def best_levels(people: Select[Any] | None, competence_ids: list[int], today: date) -> Select[Any]:
    """``(employee_id, competence_id, current)``: the current level of each person in
    ``people`` (a subquery of employee ids; ``None``: everyone — the caller filters) in
    each of ``competence_ids`` where they have any evidence — one statement."""
    counts_for = evidence_competences(competence_ids)

    def person(column: Any) -> list[Any]:
        return [] if people is None else [column.in_(people)]

    position = latest_head_position()
    heads = (
        select(
            Rating.employee_id.label("employee_id"),
            Rating.competence_id.label("competence_id"),
            Rating.level.label("level"),
            position,
        )
        .where(
            Rating.source == RatingSource.HEAD.value,
            *person(Rating.employee_id),
            counts_for(Rating.competence_id),
        )
        .subquery("heads")
    )
    latest_head = select(heads.c.employee_id, heads.c.competence_id, heads.c.level).where(
        heads.c.position == 1
    )
    courses = (
        select(
            Enrolment.employee_id.label("employee_id"),
            CourseOutcome.competence_id.label("competence_id"),
            CourseOutcome.level.label("level"),
        )
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseOutcome, CourseOutcome.course_id == Enrolment.course_id)
        .where(
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Enrolment.completed_on.is_not(None),
            *person(Enrolment.employee_id),
            course_valid_clause(today),
            counts_for(CourseOutcome.competence_id),
        )
    )
    external = select(
        Rating.employee_id.label("employee_id"),
        Rating.competence_id.label("competence_id"),
        Rating.level.label("level"),
    ).where(
        Rating.source == RatingSource.EXTERNAL.value,
        or_(Rating.valid_until.is_(None), Rating.valid_until >= today),
        *person(Rating.employee_id),
        counts_for(Rating.competence_id),
    )
    own = union_all(latest_head, courses, external).cte("own_evidence")
    mapped = select(
        own.c.employee_id,
        CompetenceMapping.target_id.label("competence_id"),
        own.c.level,
    ).join(
        CompetenceMapping,
        and_(
            CompetenceMapping.source_id == own.c.competence_id,
            CompetenceMapping.relation == EQUIVALENT,
            CompetenceMapping.source_id != CompetenceMapping.target_id,
            CompetenceMapping.target_id.in_(competence_ids),
        ),
    )
    direct = select(own.c.employee_id, own.c.competence_id, own.c.level).where(
        own.c.competence_id.in_(competence_ids)
    )
    evidence = union_all(direct, mapped).subquery("evidence")
    return select(
        evidence.c.employee_id,
        evidence.c.competence_id,
        func.max(evidence.c.level).label("current"),
    ).group_by(evidence.c.employee_id, evidence.c.competence_id)


def current_levels(people: People, competence_ids: list[int], today: date) -> pd.DataFrame:
    """Frame ``employee_id, competence_id, current`` of the people in ``people`` (pairs
    with evidence only; one statement)."""
    if people.empty or not competence_ids:
        return pd.DataFrame({"employee_id": [], "competence_id": [], "current": []})
    statement = best_levels(
        None if people.broad else people.ids(), sorted(set(competence_ids)), today
    )
    if people.broad:
        best = statement.subquery("best")
        statement = select(best.c.employee_id, best.c.competence_id, best.c.current).where(
            best.c.employee_id.in_(people.ids())
        )
    return read_frame(statement, ["employee_id", "competence_id", "current"])


def role_targets(area_id: int | None) -> pd.DataFrame:
    """Current role profiles: ``job_role_id, competence_id, target`` (one statement)."""
    query = select(RoleTarget.job_role_id, RoleTarget.competence_id, RoleTarget.level).where(
        RoleTarget.ended_at.is_(None)
    )
    if area_id is not None:
        query = query.join(Competence, Competence.id == RoleTarget.competence_id).where(
            Competence.area_id == area_id
        )
    return read_frame(query, ["job_role_id", "competence_id", "target"])


def competences_frame(competence_ids: list[int]) -> pd.DataFrame:
    """``competence_id, label`` in framework, area and position order (one statement)."""
    rows = read_frame(
        select(Competence.id, Competence.code, Competence.name_de, Competence.name_en)
        .join(CompetenceArea, CompetenceArea.id == Competence.area_id)
        .where(Competence.id.in_(sorted(set(competence_ids))))
        .order_by(
            Competence.framework_id, CompetenceArea.position, Competence.position, Competence.code
        ),
        ["competence_id", "code", "name_de", "name_en"],
    )
    names = rows["name_en"] if language() == "en" else rows["name_de"]
    names = names.where(names.notna() & (names != ""), rows["name_de"])
    rows["label"] = rows["code"] + " " + names
    return rows[["competence_id", "label"]]


def department_frame(department_ids: list[int]) -> pd.DataFrame:
    """``department_id, label, order`` in tree order."""
    rows = read_frame(
        select(Department.id, Department.code, Department.name, Department.path).where(
            Department.id.in_(sorted(set(department_ids)))
        ),
        ["department_id", "code", "name", "path"],
    )
    rows["label"] = [
        department_label(c, n) for c, n in zip(rows["code"], rows["name"], strict=True)
    ]
    rows["order"] = rows["path"].map(path_order)
    return rows.sort_values("order")[["department_id", "label"]]
