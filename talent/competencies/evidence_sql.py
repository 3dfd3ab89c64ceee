"""The members' current levels in set-based SQL — the evidence part of the team figures
(``talent.competencies.gap_sql``): every piece of evidence that counts (the latest head
rating, still-valid external certificates, completed courses while valid), each also
through an ``equivalent`` mapping, and the best of them per member and competence.

Statements are built once per shape and kept; values that change from run to run are
given as bind parameters (``TODAY``, ``AREA``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    extract,
    func,
    or_,
    select,
    union_all,
)

from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from talent.competencies.level_evidence import (
    EQUIVALENT,
    course_valid_clause,
    latest_head_position,
)
from talent.competencies.models import CompetenceMapping, Rating, RatingSource

Members = Sequence[ColumnElement[bool]]


class Bound:
    """Marks a value given as a bind parameter when the statement runs (statements built
    once per shape and kept, see ``competence_figures``)."""


TODAY = Bound()  #: today's date as parameters "today", "this_month", "today_day"
AREA = Bound()  #: the area as parameter "area"


def _today(day: date | Bound) -> Any:
    return bindparam("today", type_=Date) if day is TODAY else day


def _still_valid(day: date | Bound) -> ColumnElement[bool]:
    """``course_valid_clause``, with today as parameters when ``day`` is ``TODAY``."""
    if isinstance(day, date):
        return course_valid_clause(day)
    done_month = extract("year", Enrolment.completed_on) * 12 + extract(
        "month", Enrolment.completed_on
    )
    until_month = done_month + Course.validity_months
    this_month = bindparam("this_month", type_=Integer)
    return or_(
        Course.validity_months.is_(None),
        until_month > this_month,
        and_(
            until_month == this_month,
            extract("day", Enrolment.completed_on) >= bindparam("today_day", type_=Integer),
        ),
    )


def day_params(today: date) -> dict[str, Any]:
    return {"today": today, "this_month": today.year * 12 + today.month, "today_day": today.day}


def member_ids(members: Members) -> Select[tuple[int]]:
    return select(Employee.id).where(*members)


def by_role() -> bool:
    """Whether the statements carry each member's job role with their evidence (see
    ``_evidence``): on PostgreSQL. Its planner cannot estimate how many rows the grouped
    evidence has (it assumes 200) and, joining the targets by competence first and the
    member afterwards, read 60,000 rows for a team of 1,850 (90 ms at 50,000 staff, now
    30 ms). SQLite's planner seeks each member's evidence through the id list and does
    best with the original shape (with the role carried it read all head ratings)."""
    return db.engine.dialect.name == "postgresql"


def _evidence(members: Members, today: date | Bound, with_role: bool = False) -> Select[Any]:
    """(employee_id, competence_id, level): every piece of evidence of the members that
    counts. ``with_role``: (employee_id, job_role_id, competence_id, level), the members
    read by a join (their role) instead of an id list."""
    ids = None if with_role else member_ids(members)

    def chosen(owner: Any, *columns: Any) -> Select[Any]:
        """``columns`` of the members' rows of ``owner`` (ratings or enrolments)."""
        if not with_role:
            return select(owner.employee_id, *columns).where(owner.employee_id.in_(ids))
        return (
            select(owner.employee_id, Employee.job_role_id, *columns)
            .join(Employee, Employee.id == owner.employee_id)
            .where(*members)
        )

    position = latest_head_position()
    head = (
        chosen(Rating, Rating.competence_id, Rating.level, position)
        .where(Rating.source == RatingSource.HEAD.value)
        .subquery("head")
    )
    latest_head = select(*[c for c in head.c if c.name != "position"]).where(head.c.position == 1)
    external = chosen(Rating, Rating.competence_id, Rating.level).where(
        Rating.source == RatingSource.EXTERNAL.value,
        or_(Rating.valid_until.is_(None), Rating.valid_until >= _today(today)),
    )
    course = (
        chosen(Enrolment, CourseOutcome.competence_id, CourseOutcome.level)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseOutcome, CourseOutcome.course_id == Enrolment.course_id)
        .where(
            Enrolment.state == EnrolmentState.COMPLETED.value,
            Enrolment.completed_on.is_not(None),
            _still_valid(today),
        )
    )
    return union_all(latest_head, external, course)


def has_mappings() -> bool:
    """Whether any equivalent mapping exists (without one, evidence counts only for its
    own competence and the statements skip the mapping part)."""
    return (
        db.session.scalar(
            select(CompetenceMapping.id)
            .where(
                CompetenceMapping.relation == EQUIVALENT,
                CompetenceMapping.source_id != CompetenceMapping.target_id,
            )
            .limit(1)
        )
        is not None
    )


def current_levels(
    members: Members,
    today: date | Bound,
    mapped: bool | None = None,
    with_role: bool = False,
) -> Subquery:
    """(employee_id, competence_id, current): the best evidence per person and
    competence, own or through an equivalent mapping (one statement part; the evidence
    is read once). ``mapped``: whether mappings exist (asked when not given).
    ``with_role``: with the member's ``job_role_id`` too (see ``by_role``)."""
    own = _evidence(members, today, with_role)
    if has_mappings() if mapped is None else mapped:
        evidence = own.cte("evidence")
        person = [evidence.c.employee_id] + ([evidence.c.job_role_id] if with_role else [])
        mapped = (
            select(*person, CompetenceMapping.target_id, evidence.c.level)
            .join(CompetenceMapping, CompetenceMapping.source_id == evidence.c.competence_id)
            .where(
                CompetenceMapping.relation == EQUIVALENT,
                CompetenceMapping.source_id != CompetenceMapping.target_id,
            )
        )
        counted = union_all(
            select(*person, evidence.c.competence_id, evidence.c.level), mapped
        ).subquery("counted")
    else:
        counted = own.subquery("counted")
    keys = [counted.c.employee_id] + ([counted.c.job_role_id] if with_role else [])
    return (
        select(*keys, counted.c.competence_id, func.max(counted.c.level).label("current"))
        .group_by(*keys, counted.c.competence_id)
        .subquery("current")
    )
