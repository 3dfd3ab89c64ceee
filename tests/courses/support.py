"""Shared helpers of the enrolment tests: a fixed clock, people with accounts, and
reading back audit entries and notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.extensions import db
from academy.notifications.models import Notification
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf

#: The tests' "now": Monday 4 March 2030, 10:00 in Berlin.
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def upcoming(
    course: Course | None = None,
    *,
    days: int = 30,
    starts_at: datetime | None = None,
    **fields: object,
) -> CourseSession:
    """A session starting ``days`` after NOW at 09:00 Berlin (or at ``starts_at``),
    deadlines 7 and 3 days before."""
    if starts_at is None:
        starts_at = (NOW + timedelta(days=days)).replace(hour=8, minute=0)
    return cf.session(course, starts_at=starts_at, **fields)  # type: ignore[arg-type]


def person(dept: Department | None = None, *roles: Role) -> tuple[Employee, User]:
    """An employee with an account."""
    emp = factories.employee(dept)
    return emp, factories.user(*roles, emp=emp)


def head_of(dept: Department) -> User:
    """Make a new employee of ``dept`` its head and give them an account."""
    emp = factories.employee(dept)
    dept.head = emp
    db.session.flush()
    return factories.user(emp=emp)


def hr() -> User:
    return factories.user(Role.HR, with_employee=False)


def audit(enrolment: Enrolment, action: str | None = None) -> list[AuditLogEntry]:
    query = select(AuditLogEntry).where(
        AuditLogEntry.object_type == "enrolment",
        AuditLogEntry.object_id == str(enrolment.id),
    )
    if action is not None:
        query = query.where(AuditLogEntry.action == action)
    return list(db.session.scalars(query.order_by(AuditLogEntry.id)))


def inbox(user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))
