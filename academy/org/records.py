"""Read side of the staff pages: the staff list with its filters, a department's members
and head count, and what a personnel record page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.auth.scope import in_subtree, subtree_statement
from academy.clock import years_between
from academy.extensions import db
from academy.org.heads import account_of, departments_headed_by
from academy.org.models import Department, Employee
from academy.org.tree import employees_query


def staff_list(
    listable: set[int] | None,
    departments: Iterable[Department],
    chosen: Department | None,
    *,
    with_subtree: bool,
    search: str | None,
    include_inactive: bool,
) -> Select[tuple[Employee]]:
    """Employees of the listable departments, narrowed to ``chosen`` (and, with
    ``with_subtree``, the ``departments`` below it — the listable ones, already loaded)."""
    department_ids = listable
    if chosen is not None:
        if with_subtree:
            department_ids = {d.id for d in departments if in_subtree(d, chosen)}
        else:
            department_ids = {chosen.id}
    return employees_query(department_ids, search, include_inactive=include_inactive).options(
        joinedload(Employee.department), joinedload(Employee.job_role)
    )


def department_members(dept: Department) -> Select[tuple[Employee]]:
    return (
        select(Employee)
        .options(joinedload(Employee.job_role))
        .where(Employee.department_id == dept.id, Employee.active.is_(True))
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
    )


def subtree_headcount(dept: Department) -> int:
    """Active employees in the department and every department below it."""
    count = db.session.scalar(
        select(func.count())
        .select_from(Employee)
        .where(
            Employee.active.is_(True),
            Employee.department_id.in_(subtree_statement(dept.path)),
        )
    )
    return int(count or 0)


def employee_with_place(employee_id: int) -> Employee | None:
    return db.session.scalar(
        select(Employee)
        .options(joinedload(Employee.department), joinedload(Employee.job_role))
        .where(Employee.id == employee_id)
    )


@dataclass(frozen=True)
class RecordFacts:
    """What the personnel record page shows beside the record itself."""

    account: User | None
    account_roles: list[Role]
    headed: list[Department]
    years: int | None


def record_facts(emp: Employee, today: date) -> RecordFacts:
    account = account_of(emp)
    headed = departments_headed_by(emp.id)
    roles: list[Role] = []
    if account is not None:
        held = account.assigned_roles | {Role.EMPLOYEE} | ({Role.HEAD} if headed else set())
        roles = [r for r in Role if r in held]
    years = years_between(emp.entry_date, emp.left_on or today) if emp.entry_date else None
    return RecordFacts(account, roles, headed, years)
