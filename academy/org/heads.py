"""Organisation administration: setting a department's head, and the read-side queries
that the organisation pages and the start-page panels share (tree rows with subtree
counts, the path of a department). Every query here runs a fixed number of statements,
however many departments or employees there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee


@dataclass(frozen=True)
class TreeRow:
    """One department in a displayed tree: ``depth`` counts from the shown roots."""

    department: Department
    depth: int
    direct: int
    total: int


def path_ids(dept: Department) -> list[int]:
    """The ids on the materialised path, root first, the department itself last."""
    return [int(part) for part in dept.path.strip("/").split("/") if part]


def order_as_tree(depts: Iterable[Department]) -> list[tuple[Department, int]]:
    """Depth-first order, siblings by name; a department whose parent is not among
    ``depts`` is a root of the shown forest. Returns ``(department, depth)`` pairs."""
    depts = list(depts)
    ids = {d.id for d in depts}
    by_parent: dict[int | None, list[Department]] = {}
    for d in depts:
        key = d.parent_id if d.parent_id in ids else None
        by_parent.setdefault(key, []).append(d)
    for children in by_parent.values():
        children.sort(key=lambda d: (d.name.lower(), d.code))
    ordered: list[tuple[Department, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in by_parent.get(parent_id, []):
            ordered.append((child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    return ordered


def active_member_counts(department_ids: set[int] | None) -> dict[int, int]:
    """Active employees per department (direct members), optionally only for some."""
    query = (
        select(Employee.department_id, func.count())
        .where(Employee.active.is_(True))
        .group_by(Employee.department_id)
    )
    if department_ids is not None:
        if not department_ids:
            return {}
        query = query.where(Employee.department_id.in_(department_ids))
    return {dept_id: count for dept_id, count in db.session.execute(query)}


def department_tree(scope_ids: set[int] | None) -> list[TreeRow]:
    """The departments in ``scope_ids`` (all when None) in tree order, each with its head
    loaded, its direct active members and the active members of its whole subtree."""
    if scope_ids is not None and not scope_ids:
        return []
    query = select(Department).options(joinedload(Department.head))
    if scope_ids is not None:
        query = query.where(Department.id.in_(scope_ids))
    depts = list(db.session.scalars(query))
    direct = active_member_counts(scope_ids)
    totals: dict[int, int] = {}
    for dept in depts:
        count = direct.get(dept.id, 0)
        for ancestor in path_ids(dept):
            totals[ancestor] = totals.get(ancestor, 0) + count
    return [
        TreeRow(dept, depth, direct.get(dept.id, 0), totals.get(dept.id, 0))
        for dept, depth in order_as_tree(depts)
    ]


def department_path(dept: Department) -> list[Department]:
    """The department's ancestors, root first, without the department itself."""
    ids = path_ids(dept)[:-1]
    if not ids:
        return []
    by_id = {d.id: d for d in db.session.scalars(select(Department).where(Department.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def children_of(dept: Department) -> list[Department]:
    return list(
        db.session.scalars(
            select(Department)
            .options(joinedload(Department.head))
            .where(Department.parent_id == dept.id)
            .order_by(func.lower(Department.name), Department.code)
        )
    )


def departments_headed_by(employee_id: int | None) -> list[Department]:
    if employee_id is None:
        return []
    return list(
        db.session.scalars(
            select(Department)
            .where(Department.head_id == employee_id)
            .order_by(func.lower(Department.name), Department.code)
        )
    )


def account_of(employee: Employee) -> User | None:
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


def set_department_head(
    actor: User, dept: Department, employee: Employee | None, *, now: datetime
) -> None:
    """Make ``employee`` (an active member of ``dept``) its head, or clear the head."""
    if employee is not None and (employee.department_id != dept.id or not employee.active):
        raise ValidationFailed(
            N_("The head must be an active member of the department."), field="head"
        )
    old = dept.head
    if (old.id if old else None) == (employee.id if employee else None):
        return
    dept.head = employee
    db.session.flush()
    record(
        actor,
        "department.head_changed",
        "department",
        dept.id,
        from_state=old.personnel_no if old else None,
        to_state=employee.personnel_no if employee else None,
        details={"department": dept.code},
        now=now,
    )
    db.session.flush()
