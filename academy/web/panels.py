"""Start-page panels of the core roles: employee, department head, HR, staff council and
administrator. Each ``context`` function runs a small, fixed number of queries.

Imported once by ``academy.web.app``; registering twice is harmless (``add_panel`` skips
a template it already has).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, RoleAssignment, User, UserSession
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.auth.scope import headed_department_ids, scope_of
from academy.clock import to_berlin, utcnow, years_between
from academy.extensions import db
from academy.i18n import N_
from academy.org.heads import department_path, department_tree
from academy.org.models import Department, Employee, JobRole
from academy.web.navigation import Panel, add_panel

#: The period the staff council's panel counts.
COUNCIL_PERIOD_DAYS = 30


def _count(model: Any, *conditions: Any) -> Any:
    """A scalar subquery counting rows (several are fetched in one statement)."""
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def employee_context(user: User) -> dict[str, Any]:
    if user.employee_id is None:
        return {"employee": None}
    emp = db.session.scalar(
        select(Employee)
        .options(joinedload(Employee.department), joinedload(Employee.job_role))
        .where(Employee.id == user.employee_id)
    )
    if emp is None:
        return {"employee": None}
    today = to_berlin(utcnow()).date()
    return {
        "employee": emp,
        "path": department_path(emp.department),
        "years": years_between(emp.entry_date, today) if emp.entry_date else None,
    }


def head_context(user: User) -> dict[str, Any]:
    rows = department_tree(scope_of(user).department_ids)
    headed = set(headed_department_ids(user))
    return {
        "rows": rows,
        "headed": [r.department for r in rows if r.department.id in headed],
        "total": sum(r.direct for r in rows),
    }


def hr_context(user: User) -> dict[str, Any]:
    active, inactive, departments, job_roles = db.session.execute(
        select(
            _count(Employee, Employee.active.is_(True)),
            _count(Employee, Employee.active.is_(False)),
            _count(Department, Department.active.is_(True)),
            _count(JobRole),
        )
    ).one()
    last_import = db.session.scalar(
        select(AuditLogEntry)
        .options(joinedload(AuditLogEntry.actor).lazyload(User.role_assignments))
        .where(AuditLogEntry.action == "staff.import")
        .order_by(AuditLogEntry.at.desc(), AuditLogEntry.id.desc())
        .limit(1)
    )
    return {
        "active": active,
        "inactive": inactive,
        "departments": departments,
        "job_roles": job_roles,
        "last_import": last_import,
    }


def council_context(user: User) -> dict[str, Any]:
    since = utcnow() - timedelta(days=COUNCIL_PERIOD_DAYS)
    accesses, viewers, changes = db.session.execute(
        select(
            _count(AccessLogEntry, AccessLogEntry.at >= since),
            select(func.count(distinct(AccessLogEntry.actor_id)))
            .where(AccessLogEntry.at >= since)
            .scalar_subquery(),
            _count(AuditLogEntry, AuditLogEntry.at >= since),
        )
    ).one()
    return {
        "days": COUNCIL_PERIOD_DAYS,
        "accesses": accesses,
        "viewers": viewers,
        "changes": changes,
    }


def admin_context(user: User) -> dict[str, Any]:
    now = utcnow()
    heads = select(Department.head_id).where(Department.head_id.is_not(None))
    total, inactive, employees, head_accounts, sessions = db.session.execute(
        select(
            _count(User),
            _count(User, User.active.is_(False)),
            _count(User, User.active.is_(True), User.employee_id.is_not(None)),
            _count(User, User.active.is_(True), User.employee_id.in_(heads)),
            _count(UserSession, UserSession.expires_at > now),
        )
    ).one()
    assigned = dict(
        db.session.execute(
            select(RoleAssignment.role, func.count())
            .join(User, User.id == RoleAssignment.user_id)
            .where(User.active.is_(True))
            .group_by(RoleAssignment.role)
        ).all()
    )
    per_role = {Role.EMPLOYEE: employees, Role.HEAD: head_accounts}
    per_role.update({Role(role): count for role, count in assigned.items()})
    return {
        "total": total,
        "inactive": inactive,
        "sessions": sessions,
        "per_role": [(role, per_role.get(role, 0)) for role in Role],
    }


add_panel(
    Panel(
        Role.EMPLOYEE,
        N_("My personnel record"),
        "academy/panels/employee.html",
        employee_context,
        order=10,
    )
)
add_panel(Panel(Role.HEAD, N_("My team"), "academy/panels/head.html", head_context, order=20))
add_panel(Panel(Role.HR, N_("Staff overview"), "academy/panels/hr.html", hr_context, order=30))
add_panel(
    Panel(
        Role.COUNCIL,
        N_("Data protection"),
        "academy/panels/council.html",
        council_context,
        order=40,
    )
)
add_panel(Panel(Role.ADMIN, N_("Accounts"), "academy/panels/admin.html", admin_context, order=50))
