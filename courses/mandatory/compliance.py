"""What the compliance pages show, built on ``courses.mandatory.status``: a person's
items, the figures per unit (a root department and its children, each with its
subtree), and a page of people. A fixed number of statements each, whatever the number
of people; per-person dates are worked out only for the rows of the page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from academy.extensions import db
from academy.org.heads import path_ids
from academy.org.models import Department, Employee
from courses.enrolment.models import ACTIVE_STATES, Enrolment
from courses.mandatory.dates import PersonStatus
from courses.mandatory.models import Assignment, AssignmentCourse, Evidence, Status
from courses.mandatory.status import (
    Who,
    active_assignments,
    empty_counts,
    pairs,
    rows,
    status_of,
)
from courses.sessions.models import CourseSession


class RowPagination(Pagination):
    """A page of a ``select()`` of columns (rows, not objects), same interface as
    ``db.paginate``."""

    def _query_items(self) -> list[Any]:
        statement: Select[Any] | None = self._query_args["statement"]
        if statement is None:
            return []
        offset = (self.page - 1) * self.per_page
        return list(db.session.execute(statement.limit(self.per_page).offset(offset)).all())

    def _query_count(self) -> int:
        statement: Select[Any] | None = self._query_args["statement"]
        if statement is None:
            return 0
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        return int(db.session.scalar(counted) or 0)


# ---------------------------------------------------------------------------
# One person
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One assignment of a person, with its status and dates."""

    assignment: Assignment
    state: PersonStatus
    #: The person's active enrolment in one of its courses (the next session), if any.
    enrolment: Enrolment | None = None
    evidence: tuple[Evidence, ...] = ()


def person_items(employee_id: int, today: date, *, details: bool = False) -> list[Item]:
    """Every active assignment that applies to the person, what needs attention first
    (overdue, then not started by due date, enrolled, done). Three statements; with
    ``details`` two more (active enrolments and external evidence)."""
    assignments = active_assignments()
    if not assignments:
        return []
    shape = tuple(Shape(a.id, a.target_kind, a.recurrence_months) for a in assignments)
    by_id = {a.id: a for a in assignments}
    found = [
        (by_id[r.assignment_id], status_of(r, today))
        for r in db.session.execute(_person_rows(shape, today), {"person": employee_id})
    ]
    enrolments: dict[int, Enrolment] = {}
    evidence: dict[int, list[Evidence]] = {}
    if details and found:
        ids = [a.id for a, _ in found]
        enrolments = _active_enrolments(employee_id, ids)
        evidence = _evidence_of(employee_id, ids)
    items = [
        Item(a, state, enrolments.get(a.id), tuple(evidence.get(a.id, ()))) for a, state in found
    ]
    order = {Status.OVERDUE: 0, Status.OPEN: 1, Status.ENROLLED: 2, Status.DONE: 3}
    return sorted(
        items,
        key=lambda i: (order[i.state.status], i.state.due_on or date.max, i.assignment.title),
    )


@dataclass(frozen=True)
class Shape:
    """What the statement of ``pairs`` depends on of an assignment (hashable)."""

    id: int
    target_kind: str
    recurrence_months: int | None


@lru_cache(maxsize=64)
def _person_rows(shape: tuple[Shape, ...], today: date) -> Select[Any]:
    """The rows of ``pairs`` for one person (bound parameter ``person``), built once per
    set of assignments and day: building the statement costs more than running it."""
    subquery = pairs(shape, Who((Employee.id == bindparam("person"),)), today)  # type: ignore[arg-type]
    assert subquery is not None  # assignments given, nobody excluded
    return rows(subquery)


@cache
def _active_enrolments_statement() -> Select[Any]:
    return (
        select(AssignmentCourse.assignment_id, Enrolment)
        .join(Enrolment, Enrolment.course_id == AssignmentCourse.course_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .options(joinedload(Enrolment.session).joinedload(CourseSession.course))
        .where(
            AssignmentCourse.assignment_id.in_(bindparam("assignments", expanding=True)),
            Enrolment.employee_id == bindparam("person"),
            Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
        )
        .order_by(CourseSession.starts_at.desc())
    )


def _active_enrolments(employee_id: int, assignment_ids: list[int]) -> dict[int, Enrolment]:
    rows_ = db.session.execute(
        _active_enrolments_statement(), {"assignments": assignment_ids, "person": employee_id}
    ).all()
    return {assignment_id: enrolment for assignment_id, enrolment in rows_}


@cache
def _evidence_statement() -> Select[Any]:
    return (
        select(Evidence)
        .where(
            Evidence.employee_id == bindparam("person"),
            Evidence.assignment_id.in_(bindparam("assignments", expanding=True)),
        )
        .order_by(Evidence.completed_on.desc(), Evidence.id.desc())
    )


def _evidence_of(employee_id: int, assignment_ids: list[int]) -> dict[int, list[Evidence]]:
    found: dict[int, list[Evidence]] = {}
    for evidence in db.session.scalars(
        _evidence_statement(), {"assignments": assignment_ids, "person": employee_id}
    ):
        found.setdefault(evidence.assignment_id, []).append(evidence)
    return found


# ---------------------------------------------------------------------------
# Figures per unit
# ---------------------------------------------------------------------------


@dataclass
class UnitRow:
    """A unit's figures: pairs per status and people with something overdue. ``own``:
    the root's own staff only (not its children)."""

    department: Department | None
    counts: dict[Status, int] = field(default_factory=empty_counts)
    overdue_people: int = 0
    own: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_share(self) -> float | None:
        return self.counts[Status.DONE] / self.total if self.total else None


def figures_by_department(subquery: Any) -> dict[int, tuple[dict[Status, int], int]]:
    """Per own department: pairs per status and the people with something overdue —
    one statement (grouped by department and status)."""
    found: dict[int, tuple[dict[Status, int], int]] = {}
    if subquery is None:
        return found
    rows_ = db.session.execute(
        select(
            subquery.c.department_id,
            subquery.c.status,
            func.count(),
            func.count(func.distinct(subquery.c.employee_id)),
        ).group_by(subquery.c.department_id, subquery.c.status)
    )
    for department_id, status, pairs_, people in rows_:
        counts, overdue = found.get(department_id, (empty_counts(), 0))
        counts[Status(status)] = pairs_
        if status == Status.OVERDUE.value:
            overdue = people
        found[department_id] = (counts, overdue)
    return found


def unit_rows(
    subquery: Any, units: Sequence[Department], root: Department | None
) -> tuple[list[UnitRow], UnitRow]:
    """Figures of ``units`` (each with its subtree; ``root``'s row: its own staff) and
    the total. Two statements."""
    by_department = figures_by_department(subquery)
    paths = (
        dict(
            db.session.execute(
                select(Department.id, Department.path).where(
                    Department.id.in_(sorted(by_department))
                )
            ).all()
        )
        if by_department
        else {}
    )
    shown = {u.id: UnitRow(u, own=root is not None and u.id == root.id) for u in units}
    total = UnitRow(None)
    for department_id, (figures, people) in by_department.items():
        target = None
        for ancestor in reversed(_ids(paths.get(department_id, ""))):
            if ancestor in shown:
                target = shown[ancestor]
                break
        for row in (total, target):
            if row is None:
                continue
            for status, number in figures.items():
                row.counts[status] += number
            row.overdue_people += people
    return [shown[u.id] for u in units], total


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def display_units(root: Department | None, roots: Iterable[Department] = ()) -> list[Department]:
    """The units shown: ``root`` and its children (by name), or the given ``roots``,
    or (neither) the top departments. One statement."""
    if root is not None:
        children = list(
            db.session.scalars(
                select(Department)
                .where(Department.parent_id == root.id, Department.active.is_(True))
                .order_by(func.lower(Department.name), Department.code)
            )
        )
        return [root, *children]
    given = list(roots)
    if given:
        return sorted(given, key=lambda d: (d.name.lower(), d.code))
    return list(
        db.session.scalars(
            select(Department)
            .where(Department.parent_id.is_(None), Department.active.is_(True))
            .order_by(func.lower(Department.name), Department.code)
        )
    )


def top_roots(departments: Iterable[Department]) -> list[Department]:
    """The departments of which no other given one is an ancestor (no query)."""
    given = list(departments)
    ids = {d.id for d in given}
    return [d for d in given if not any(a in ids for a in path_ids(d)[:-1])]


# ---------------------------------------------------------------------------
# A page of people
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    employee_id: int
    sort_name: str
    personnel_no: str
    department_id: int
    assignment_id: int
    title: str
    state: PersonStatus


def person_row(row: Any, today: date) -> PersonRow:
    return PersonRow(
        employee_id=row.employee_id,
        sort_name=f"{row.last_name}, {row.first_name}",
        personnel_no=row.personnel_no,
        department_id=row.department_id,
        assignment_id=row.assignment_id,
        title=row.title,
        state=status_of(row, today),
    )


def people_page(
    subquery: Any,
    statuses: Iterable[Status],
    page: int,
    per_page: int,
    today: date,
    *,
    total: int | None = None,
) -> RowPagination:
    """A page of (person, assignment) rows, what needs attention first; ``items`` are
    ``PersonRow``s. Two statements, one when the caller knows the ``total``."""
    if subquery is None:
        return RowPagination(page=1, per_page=per_page, error_out=False, statement=None)
    result = RowPagination(
        page=page,
        per_page=per_page,
        error_out=False,
        count=total is None,
        statement=rows(subquery, statuses),
    )
    if total is not None:
        result.total = total
    result.items = [person_row(r, today) for r in result.items]
    return result


def department_names(ids: Iterable[int]) -> dict[int, Department]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        d.id: d for d in db.session.scalars(select(Department).where(Department.id.in_(wanted)))
    }
