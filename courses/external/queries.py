"""Lists of external training requests: an employee's own, and a decider's — a head's
for their subtree (never their own), HR's for everyone. Pages of rows with the person
and their department loaded in the same statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.auth.policy import has_role
from academy.auth.scope import scope_of
from academy.extensions import db
from academy.org.models import Employee
from courses.external.models import OPEN_STATES, ExternalRequest, RequestState

#: The decider's tabs.
TABS = ("offen", "alle")


def own_requests(employee_id: int) -> Select[Any]:
    return (
        select(ExternalRequest)
        .where(ExternalRequest.employee_id == employee_id)
        .order_by(ExternalRequest.submitted_at.desc(), ExternalRequest.id.desc())
    )


def _waiting(user: User) -> Any:
    """The condition of the requests waiting for this user's decision."""
    conditions = []
    if has_role(user, Role.HEAD):
        conditions.append(
            (ExternalRequest.state == RequestState.PENDING_HEAD.value)
            & scope_of(user).where(Employee.department_id)
        )
    if has_role(user, Role.HR):
        conditions.append(ExternalRequest.state == RequestState.PENDING_HR.value)
        conditions.append(
            (ExternalRequest.state == RequestState.PENDING_SECOND.value)
            & (ExternalRequest.hr_id != user.id)
        )
    return or_(*conditions) if conditions else false()


def decider_requests(user: User, tab: str) -> Select[Any]:
    """The requests a decider sees: ``offen`` those waiting for their decision (a
    second approval not for the one who gave the first), ``alle`` every request they
    may see. Oldest open request first; all: latest first."""
    query = (
        select(ExternalRequest)
        .join(Employee, Employee.id == ExternalRequest.employee_id)
        .options(joinedload(ExternalRequest.employee).joinedload(Employee.department))
    )
    if user.employee_id is not None:
        query = query.where(ExternalRequest.employee_id != user.employee_id)
    if not has_role(user, Role.HR):
        scope = scope_of(user)
        query = query.where(scope.where(Employee.department_id) if scope.is_head else false())
    if tab == "offen":
        query = query.where(_waiting(user))
        return query.order_by(ExternalRequest.submitted_at, ExternalRequest.id)
    return query.order_by(ExternalRequest.submitted_at.desc(), ExternalRequest.id.desc())


def open_count(user: User) -> int:
    statement = decider_requests(user, "offen")
    return int(
        db.session.scalar(
            select(func.count()).select_from(
                statement.with_only_columns(ExternalRequest.id).subquery()
            )
        )
        or 0
    )


def is_open_state(state: str) -> bool:
    return state in {s.value for s in OPEN_STATES}
