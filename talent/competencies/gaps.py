"""The team view of skill gaps: people × competences of a head's subtree (HR: any part of
the organisation), with per-competence figures that respect the minimum group size.

Data protection (DOMAIN.md): a head may see their own team's individual cells (the
subtree they head), HR everyone; aggregate figures over fewer than ``MIN_GROUP_SIZE``
people (members with a target for that competence) are withheld: ``None`` and
``withheld=True``, shown with ``WITHHELD_MESSAGE``. Logging who looked at whose profile
(``academy.audit.log.record_access``) is the view's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.auth.policy import has_role
from academy.auth.scope import Scope, scope_of, subtree_statement
from academy.errors import NotFound, PermissionDenied
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea
from academy.i18n import N_
from academy.org.models import Department, Employee, JobRole
from academy.org.names import fold_name
from talent.competencies.level_evidence import employee_targets
from talent.competencies.levels import Level, load_levels

#: Shown where a figure is withheld.
WITHHELD_MESSAGE = N_(
    "Not shown: fewer than %(minimum)s people have a target for this competence (data protection)."
)


def sort_key(last_name: str, first_name: str) -> tuple[str, str]:
    """Names in German dictionary order (DIN 5007-1: ä as a, ß as ss), the same on
    every database engine (``academy.org.names``; SQL orders by ``Employee.name_key``)."""
    return fold_name(last_name), fold_name(first_name)


@dataclass(frozen=True)
class Member:
    id: int
    first_name: str
    last_name: str
    department_id: int
    department_name: str
    job_role_id: int | None
    job_role_title: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


@dataclass(frozen=True)
class CompetenceSummary:
    competence_id: int
    members_with_target: int
    #: ``None`` when withheld (fewer than the minimum group size).
    below_target: int | None
    total_gap: int | None
    withheld: bool


@dataclass
class TeamMatrix:
    members: list[Member]
    competences: list[Competence]
    cells: dict[tuple[int, int], Level]
    summaries: dict[int, CompetenceSummary]
    min_group_size: int
    today: date
    department_id: int | None = None
    area_id: int | None = None
    job_role_id: int | None = None
    #: The members as a subquery of employee ids (for further set-based queries).
    member_query: Select[Any] | None = field(default=None, repr=False)

    def level(self, employee_id: int, competence_id: int) -> Level:
        return self.cells[(employee_id, competence_id)]

    def row(self, member: Member) -> list[Level]:
        return [self.cells[(member.id, c.id)] for c in self.competences]

    @property
    def any_withheld(self) -> bool:
        return any(s.withheld for s in self.summaries.values())


# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------


def member_rows(conditions: Any) -> Select[Any]:
    """The members matching ``conditions`` as the columns of ``Member``, in German
    name order (the page, the grid and the figures read them alike)."""
    return (
        select(
            Employee.id,
            Employee.first_name,
            Employee.last_name,
            Employee.department_id,
            Department.name,
            Employee.job_role_id,
            JobRole.title,
        )
        .join(Department, Department.id == Employee.department_id)
        .outerjoin(JobRole, JobRole.id == Employee.job_role_id)
        .where(*conditions)
        .order_by(Employee.name_key, Employee.id)
    )


@dataclass(frozen=True)
class MemberFilter:
    """The active members of a team view: of these departments (``None``: the whole
    organisation) and, when given, of one job role. As WHERE clauses on ``Employee``
    with the values written in (``clauses``) or as bind parameters (``bound_clauses``
    and ``params``), for statements that are built once and run again and again."""

    department_ids: tuple[int, ...] | None
    job_role_id: int | None = None

    @property
    def shape(self) -> tuple[bool, bool]:
        return self.department_ids is not None, self.job_role_id is not None

    @classmethod
    def of_shape(cls, shape: tuple[bool, bool]) -> MemberFilter:
        """A filter of this shape (for ``bound_clauses``; the values come as parameters)."""
        return cls((0,) if shape[0] else None, 0 if shape[1] else None)

    def clauses(self) -> list[Any]:
        conditions: list[Any] = [Employee.active.is_(True)]
        if self.department_ids is not None:
            conditions.append(Employee.department_id.in_(self.department_ids))
        if self.job_role_id is not None:
            conditions.append(Employee.job_role_id == self.job_role_id)
        return conditions

    def bound_clauses(self) -> list[Any]:
        conditions: list[Any] = [Employee.active.is_(True)]
        if self.department_ids is not None:
            conditions.append(Employee.department_id.in_(bindparam("departments", expanding=True)))
        if self.job_role_id is not None:
            conditions.append(Employee.job_role_id == bindparam("job_role"))
        return conditions

    def params(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.department_ids is not None:
            values["departments"] = list(self.department_ids)
        if self.job_role_id is not None:
            values["job_role"] = self.job_role_id
        return values


def member_filter(
    user: User, department_id: int | None = None, job_role_id: int | None = None
) -> MemberFilter:
    """The members a head (their subtree) or HR (everyone) may see in a team view,
    narrowed to a department and a job role; raises ``PermissionDenied`` outside the
    user's scope and ``NotFound`` for an unknown department."""
    is_hr = has_role(user, Role.HR)
    if not is_hr and not has_role(user, Role.HEAD):
        raise PermissionDenied(N_("Only department heads and HR can view team competencies."))
    scope = Scope.whole_organisation() if is_hr else scope_of(user)
    if department_id is None:
        ids = None if is_hr else tuple(scope.sorted_ids)
        return MemberFilter(ids, job_role_id)
    if not scope.includes_department(department_id):
        raise PermissionDenied(N_("This department is not part of your team."))
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound(N_("Department not found."))
    subtree = tuple(sorted(db.session.scalars(subtree_statement(department.path))))
    return MemberFilter(subtree, job_role_id)


def member_conditions(
    user: User, department_id: int | None = None, job_role_id: int | None = None
) -> list[Any]:
    """Where clauses on ``Employee`` for the active members of a team view: the head's
    subtree (HR: everyone), narrowed to a department and a job role when given."""
    return member_filter(user, department_id, job_role_id).clauses()


# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------


def team_matrix(
    head_or_hr: User,
    *,
    department_id: int | None = None,
    area_id: int | None = None,
    job_role_id: int | None = None,
    today: date,
) -> TeamMatrix:
    """Active members of the head's subtree (HR: the whole organisation, or the subtree
    of ``department_id``), the competences that are a target for at least one of them
    (optionally only of ``area_id``), a ``Level`` per cell and per-competence figures.

    A fixed number of statements however many members and competences: six (plus the
    scope check of a head's department filter, once per user).
    """
    conditions = member_conditions(head_or_hr, department_id, job_role_id)
    member_query = select(Employee.id).where(*conditions)

    members = [Member(*row) for row in db.session.execute(member_rows(conditions))]
    minimum = int(current_app.config.get("MIN_GROUP_SIZE", 5))
    matrix = TeamMatrix(
        members=members,
        competences=[],
        cells={},
        summaries={},
        min_group_size=minimum,
        today=today,
        department_id=department_id,
        area_id=area_id,
        job_role_id=job_role_id,
        member_query=member_query,
    )
    if not members:
        return matrix

    targets = employee_targets(member_query, None, area_id=area_id)
    competence_ids = {competence_id for _, competence_id in targets}
    if not competence_ids:
        return matrix
    matrix.competences = list(
        db.session.scalars(
            select(Competence)
            .join(CompetenceArea, CompetenceArea.id == Competence.area_id)
            .options(joinedload(Competence.area), joinedload(Competence.framework))
            .where(Competence.id.in_(sorted(competence_ids)))
            .order_by(
                Competence.framework_id,
                CompetenceArea.position,
                Competence.position,
                Competence.code,
            )
        ).unique()
    )
    data = load_levels(member_query, competence_ids, today, targets=targets)
    for member in members:
        for competence in matrix.competences:
            matrix.cells[(member.id, competence.id)] = data.level(member.id, competence.id)

    for competence in matrix.competences:
        levels = [
            matrix.cells[(m.id, competence.id)]
            for m in members
            if matrix.cells[(m.id, competence.id)].target is not None
        ]
        withheld = len(levels) < minimum
        matrix.summaries[competence.id] = CompetenceSummary(
            competence_id=competence.id,
            members_with_target=len(levels),
            below_target=None if withheld else sum(1 for lv in levels if lv.gap > 0),
            total_gap=None if withheld else sum(lv.gap for lv in levels),
            withheld=withheld,
        )
    return matrix
