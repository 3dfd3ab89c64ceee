"""Account administration beyond the core services in ``academy.accounts.management``: changing an
account's name and employee link, and the read-side queries of the accounts pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from academy.accounts.management import set_active, set_roles
from academy.accounts.models import Role, RoleAssignment, User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee


def find_employee(personnel_no: str) -> Employee | None:
    return db.session.scalar(select(Employee).where(Employee.personnel_no == personnel_no.strip()))


def update_account_details(
    actor: User, user: User, *, display_name: str, employee: Employee | None, now: datetime
) -> None:
    """Change the display name and the linked personnel record (None: unlink)."""
    changes: dict[str, list[str | None]] = {}
    display_name = display_name.strip()
    if display_name != user.display_name:
        changes["display_name"] = [user.display_name, display_name]
        user.display_name = display_name
    new_id = employee.id if employee is not None else None
    if new_id != user.employee_id:
        if employee is not None and db.session.scalar(
            select(User.id).where(User.employee_id == employee.id, User.id != user.id)
        ):
            raise Conflict(N_("This employee already has an account."), field="personnel_no")
        old = user.employee
        changes["employee"] = [
            old.personnel_no if old is not None else None,
            employee.personnel_no if employee is not None else None,
        ]
        user.employee = employee
    if changes:
        db.session.flush()
        record(actor, "account.updated", "user", user.id, details=changes, now=now)
        db.session.flush()


def head_employee_ids(employee_ids: set[int]) -> set[int]:
    """Which of these employees head at least one department."""
    if not employee_ids:
        return set()
    return set(
        db.session.scalars(
            select(Department.head_id).where(Department.head_id.in_(employee_ids)).distinct()
        )
    )


def accounts_query(
    search: str | None = None, role: str | None = None, status: str | None = None
) -> Select[tuple[User]]:
    """Accounts by name, optionally filtered by text, role (derived ones too) and state."""
    query = (
        select(User)
        .options(joinedload(User.employee))
        .order_by(func.lower(User.display_name), User.id)
    )
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.display_name).like(like), func.lower(User.email).like(like))
        )
    if role == Role.EMPLOYEE:
        query = query.where(User.employee_id.is_not(None))
    elif role == Role.HEAD:
        query = query.where(
            User.employee_id.in_(select(Department.head_id).where(Department.head_id.is_not(None)))
        )
    elif role:
        query = query.where(
            User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == role))
        )
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    return query


def employee_by_personnel_no(personnel_no: str | None) -> Employee | None:
    """The employee to link an account to: None for an empty number, else it must exist."""
    if not personnel_no or not personnel_no.strip():
        return None
    employee = find_employee(personnel_no)
    if employee is None:
        raise ValidationFailed(
            N_("There is no employee with the personnel number %(no)s."),
            field="personnel_no",
            no=personnel_no.strip(),
        )
    return employee


def save_account(
    actor: User,
    user: User,
    *,
    display_name: str,
    personnel_no: str | None,
    roles: list[Role],
    active: bool,
    now: datetime,
) -> None:
    """Everything the account form changes, in one go: details, roles and status."""
    update_account_details(
        actor,
        user,
        display_name=display_name,
        employee=employee_by_personnel_no(personnel_no),
        now=now,
    )
    set_roles(actor, user, roles)
    set_active(actor, user, active)
