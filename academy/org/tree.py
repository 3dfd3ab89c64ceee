"""Organisation services and queries: the department tree and who is in whose scope."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update

from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee


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
