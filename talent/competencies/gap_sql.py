"""The current-level rule (``talent.competencies.levels``) in set-based SQL, for figures
over a whole team: per competence how many members have a target, how many are below
it and by how much in total, and which members have a gap at all — computed by the
database (window functions, GROUP BY) for any number of people, returning one row per
competence. The per-person rule (``LevelData.level``) stays the reference; the
randomised test ``tests/talent/competencies/test_gap_sql.py`` compares both.

The rule, as SQL: a member's current level in a target competence is the highest of

- the latest head rating (``row_number()`` over the person's head ratings of that
  competence, newest ``rated_at`` and then ``id`` first),
- every still-valid external certificate (``valid_until`` missing or today or later),
- every completed course's outcome while the completion is valid
  (``course_valid_clause``),

each also through an ``equivalent`` mapping from another competence (one step); a
self-assessment never counts. Gap = target − current (no evidence: 0), never below 0.

Members are given as WHERE clauses on ``Employee`` (``members``), so that each
statement reads the team once instead of a list of ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)

from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import Enrolment, EnrolmentState
from talent.competencies.gaps import MemberFilter
from talent.competencies.level_evidence import EQUIVALENT, course_valid_clause
from talent.competencies.models import CompetenceMapping, Rating, RatingSource, RoleTarget

Members = Sequence[ColumnElement[bool]]


@dataclass(frozen=True)
class Figures:
    """One competence over the members: with a target, below it, the summed gap."""

    competence_id: int
    with_target: int
    below_target: int
    total_gap: int


class _Bound:
    """Marks a value given as a bind parameter when the statement runs (statements built
    once per shape and kept, see ``competence_figures``)."""


TODAY = _Bound()  #: today's date as parameters "today", "this_month", "today_day"
AREA = _Bound()  #: the area as parameter "area"


def _today(day: date | _Bound) -> Any:
    return bindparam("today", type_=Date) if day is TODAY else day


def _still_valid(day: date | _Bound) -> ColumnElement[bool]:
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


def _area(area_id: int | _Bound) -> Any:
    return bindparam("area", type_=Integer) if area_id is AREA else area_id


def day_params(today: date) -> dict[str, Any]:
    return {"today": today, "this_month": today.year * 12 + today.month, "today_day": today.day}


def member_ids(members: Members) -> Select[tuple[int]]:
    return select(Employee.id).where(*members)


def targets(members: Members, area_id: int | None = None) -> Subquery:
    """(employee_id, competence_id, target) of the members' current role targets."""
    query = (
        select(
            Employee.id.label("employee_id"),
            RoleTarget.competence_id.label("competence_id"),
            RoleTarget.level.label("target"),
        )
        .join(RoleTarget, RoleTarget.job_role_id == Employee.job_role_id)
        .where(*members, RoleTarget.ended_at.is_(None))
    )
    if area_id is not None:
        query = query.join(Competence, Competence.id == RoleTarget.competence_id).where(
            Competence.area_id == area_id
        )
    return query.subquery("targets")


def by_role() -> bool:
    """Whether the statements carry each member's job role with their evidence (see
    ``_evidence``): on PostgreSQL. Its planner cannot estimate how many rows the grouped
    evidence has (it assumes 200) and, joining the targets by competence first and the
    member afterwards, read 60,000 rows for a team of 1,850 (90 ms at 50,000 staff, now
    30 ms). SQLite's planner seeks each member's evidence through the id list and does
    best with the original shape (with the role carried it read all head ratings)."""
    return db.engine.dialect.name == "postgresql"


def _evidence(members: Members, today: date | _Bound, with_role: bool = False) -> Select[Any]:
    """(employee_id, competence_id, level): every piece of evidence of the members that
    counts. ``with_role``: (employee_id, job_role_id, competence_id, level), the members
    read by a join (their role) instead of an id list."""
    ids = member_ids(members)

    def chosen(owner: Any, *columns: Any) -> Select[Any]:
        """``columns`` of the members' rows of ``owner`` (ratings or enrolments)."""
        if not with_role:
            return select(owner.employee_id, *columns).where(owner.employee_id.in_(ids))
        return (
            select(owner.employee_id, Employee.job_role_id, *columns)
            .join(Employee, Employee.id == owner.employee_id)
            .where(*members)
        )

    position = (
        func.row_number()
        .over(
            partition_by=(Rating.employee_id, Rating.competence_id),
            order_by=(Rating.rated_at.desc(), Rating.id.desc()),
        )
        .label("position")
    )
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
    today: date | _Bound,
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


def _reached(
    members: Members,
    today: date | _Bound,
    area_id: int | _Bound | None,
    mapped: bool | None = None,
    with_role: bool = False,
) -> Subquery:
    """Targets met by evidence: (employee_id, competence_id, target, current) for every
    member × target competence where the member has some evidence — the only pairs
    whose gap is not simply the whole target."""
    current = current_levels(members, today, mapped, with_role)
    query = select(
        current.c.employee_id,
        current.c.competence_id,
        RoleTarget.level.label("target"),
        current.c.current,
    ).select_from(current)
    if with_role:
        role = current.c.job_role_id
    else:
        query = query.join(Employee, Employee.id == current.c.employee_id)
        role = Employee.job_role_id
    query = query.join(
        RoleTarget,
        and_(
            RoleTarget.job_role_id == role,
            RoleTarget.competence_id == current.c.competence_id,
            RoleTarget.ended_at.is_(None),
        ),
    )
    if area_id is not None:
        query = query.join(Competence, Competence.id == RoleTarget.competence_id).where(
            Competence.area_id == _area(area_id)
        )
    return query.subquery("reached")


def gap_pairs(members: Members, today: date, area_id: int | None = None) -> Subquery:
    """(employee_id, competence_id, target, current, gap) for every member × competence
    with a target (current 0 without evidence)."""
    wanted = targets(members, area_id)
    current = current_levels(members, today)
    level = func.coalesce(current.c.current, literal(0))
    return (
        select(
            wanted.c.employee_id,
            wanted.c.competence_id,
            wanted.c.target,
            level.label("current"),
            case((level < wanted.c.target, wanted.c.target - level), else_=0).label("gap"),
        )
        .select_from(wanted)
        .outerjoin(
            current,
            and_(
                current.c.employee_id == wanted.c.employee_id,
                current.c.competence_id == wanted.c.competence_id,
            ),
        )
        .subquery("pairs")
    )


def competence_figures(
    members: Members | MemberFilter, today: date, area_id: int | None = None
) -> dict[int, Figures]:
    """Per competence with a target for at least one member, in one statement: every
    member × target of their job role as if nobody had reached anything (read from an
    index), less what each member's evidence closes (``_reached``) — only the pairs
    with evidence are matched and compared."""
    if isinstance(members, MemberFilter):
        statement = _figures_statement(
            members.shape, area_id is not None, has_mappings(), by_role()
        )
        params = {**members.params(), **day_params(today)}
        if area_id is not None:
            params["area"] = area_id
        rows = db.session.execute(statement, params)
    else:
        rows = db.session.execute(_figures_query(members, today, area_id, None, by_role()))
    return {
        row[0]: Figures(row[0], int(row[1]), int(row[2] or 0), int(row[3] or 0)) for row in rows
    }


@lru_cache(maxsize=64)
def _figures_statement(
    shape: tuple[bool, bool], with_area: bool, mapped: bool, with_role: bool
) -> Select[Any]:
    """The figures' statement for members of this shape, built once (building it costs
    thousands of Python calls; running a kept one, a few hundred)."""
    members = MemberFilter.of_shape(shape).bound_clauses()
    return _figures_query(members, TODAY, AREA if with_area else None, mapped, with_role)


def _figures_query(
    members: Members,
    today: date | _Bound,
    area_id: int | _Bound | None,
    mapped: bool | None,
    with_role: bool = False,
) -> Select[Any]:
    base = (
        select(
            RoleTarget.competence_id.label("competence_id"),
            func.count().label("with_target"),
            func.sum(RoleTarget.level).label("whole"),
        )
        .join(Employee, Employee.job_role_id == RoleTarget.job_role_id)
        .where(*members, RoleTarget.ended_at.is_(None))
        .group_by(RoleTarget.competence_id)
    )
    if area_id is not None:
        base = base.join(Competence, Competence.id == RoleTarget.competence_id).where(
            Competence.area_id == _area(area_id)
        )
    whole = base.subquery("whole")
    reached = _reached(members, today, area_id, mapped, with_role)
    met = reached.c.current >= reached.c.target
    closing = (
        select(
            reached.c.competence_id,
            func.sum(case((met, 1), else_=0)).label("met"),
            func.sum(case((met, reached.c.target), else_=reached.c.current)).label("closed"),
        )
        .group_by(reached.c.competence_id)
        .subquery("closing")
    )
    return select(
        whole.c.competence_id,
        whole.c.with_target,
        whole.c.with_target - func.coalesce(closing.c.met, 0),
        whole.c.whole - func.coalesce(closing.c.closed, 0),
    ).outerjoin(closing, closing.c.competence_id == whole.c.competence_id)


def with_gaps(
    members: Members | MemberFilter,
    today: date,
    area_id: int | None = None,
    competence_ids: Sequence[int] | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause on ``Employee``: the member is below target in at least one
    competence (of ``competence_ids`` / the area, when given) — i.e. their job role has
    more such targets than their evidence meets."""
    if isinstance(members, MemberFilter):
        members = members.clauses()
    targets = select(RoleTarget.job_role_id, func.count().label("targets")).where(
        RoleTarget.ended_at.is_(None)
    )
    reached = _reached(members, today, area_id, with_role=by_role())
    met = select(reached.c.employee_id, func.count().label("met")).where(
        reached.c.current >= reached.c.target
    )
    if competence_ids is not None:
        wanted = sorted(competence_ids)
        targets = targets.where(RoleTarget.competence_id.in_(wanted))
        met = met.where(reached.c.competence_id.in_(wanted))
    if area_id is not None:
        targets = targets.join(Competence, Competence.id == RoleTarget.competence_id).where(
            Competence.area_id == area_id
        )
    per_role = targets.group_by(RoleTarget.job_role_id).subquery("role_targets_count")
    per_member = met.group_by(reached.c.employee_id).subquery("met_count")
    all_met = (
        select(per_member.c.employee_id)
        .join(Employee, Employee.id == per_member.c.employee_id)
        .join(per_role, per_role.c.job_role_id == Employee.job_role_id)
        .where(per_member.c.met >= per_role.c.targets)
    )
    return and_(
        Employee.job_role_id.in_(select(per_role.c.job_role_id)),
        Employee.id.not_in(all_met),
    )


def pair_rows(members: Members, today: date, area_id: int | None = None) -> Select[Any]:
    """Every member × target competence as rows (for exports and the training plan,
    which name each person): employee_id, competence_id, target, current, gap."""
    pairs = gap_pairs(members, today, area_id)
    return select(
        pairs.c.employee_id, pairs.c.competence_id, pairs.c.target, pairs.c.current, pairs.c.gap
    )
