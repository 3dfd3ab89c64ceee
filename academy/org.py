"""Organisation services and queries: the department tree and who is in whose scope."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update

from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.models import Department, Employee


def place_department(dept: Department, parent: Department | None) -> None:
    """Put ``dept`` (already flushed, so it has an id) under ``parent`` and fix the paths
    of its whole subtree."""
    if parent is not None and (
        parent.id == dept.id or (dept.path != "/" and parent.path.startswith(dept.path))
    ):
        raise ValidationFailed(N_("A department cannot be placed below itself."), field="parent")
    old_path = dept.path
    new_path = (parent.path if parent is not None else "/") + f"{dept.id}/"
    dept.parent_id = parent.id if parent is not None else None
    dept.path = new_path
    if old_path and old_path != "/" and old_path != new_path:
        db.session.flush()
        db.session.execute(
            update(Department)
            .where(Department.path.startswith(old_path), Department.id != dept.id)
            .values(path=func.replace(Department.path, old_path, new_path))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()


def subtree_ids(root: Department) -> list[int]:
    return list(
        db.session.scalars(select(Department.id).where(Department.path.startswith(root.path)))
    )


def departments_in_order() -> list[Department]:
    """All departments, depth-first by path order of names (for trees and selects)."""
    depts = list(db.session.scalars(select(Department)))
    by_parent: dict[int | None, list[Department]] = {}
    for d in depts:
        by_parent.setdefault(d.parent_id, []).append(d)
    for children in by_parent.values():
        children.sort(key=lambda d: d.name)
    ordered: list[Department] = []

    def walk(parent_id: int | None) -> None:
        for child in by_parent.get(parent_id, []):
            ordered.append(child)
            walk(child.id)

    walk(None)
    return ordered


def member_counts() -> dict[int, int]:
    """Active employees per department (direct members)."""
    rows = db.session.execute(
        select(Employee.department_id, func.count())
        .where(Employee.active.is_(True))
        .group_by(Employee.department_id)
    )
    return {dept_id: count for dept_id, count in rows}


def employees_query(
    department_ids: set[int] | None, search: str | None = None, include_inactive: bool = False
) -> Select[tuple[Employee]]:
    """Employees, optionally limited to ``department_ids`` and a name/number search."""
    query = select(Employee).order_by(Employee.last_name, Employee.first_name, Employee.id)
    if department_ids is not None:
        query = query.where(Employee.department_id.in_(department_ids))
    if not include_inactive:
        query = query.where(Employee.active.is_(True))
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Employee.last_name).like(like)
            | func.lower(Employee.first_name).like(like)
            | func.lower(Employee.personnel_no).like(like)
            | func.lower(func.coalesce(Employee.email, "")).like(like)
        )
    return query
