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
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
)

from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from talent.competencies.evidence_sql import (
    AREA,
    TODAY,
    Bound,
    Members,
    by_role,
    current_levels,
    day_params,
    has_mappings,
)
from talent.competencies.gaps import MemberFilter
from talent.competencies.models import RoleTarget


@dataclass(frozen=True)
class Figures:
    """One competence over the members: with a target, below it, the summed gap."""

    competence_id: int
    with_target: int
    below_target: int
    total_gap: int


def _area(area_id: int | Bound) -> Any:
    return bindparam("area", type_=Integer) if area_id is AREA else area_id


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


def _reached(
    members: Members,
    today: date | Bound,
    area_id: int | Bound | None,
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
    today: date | Bound,
    area_id: int | Bound | None,
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
