"""Permission rules of team bookings, registered when this module is imported.

| action                 | who                                                         |
|------------------------|-------------------------------------------------------------|
| teambooking.book       | department heads; target Employee: a member of their        |
|                        | subtree other than themselves; target Department: in their  |
|                        | subtree (where they reserve seats)                          |
| teambooking.reservation| target Reservation: HR, or a head whose subtree holds the   |
|                        | reservation's unit (fill, release)                          |
| reservations.manage    | HR: every open reservation, releasing it                    |
| proposal.answer        | target Proposal: the person it was made to                  |
| proposal.withdraw      | target Proposal: who made it, a head of the person, HR      |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.org.models import Department, Employee
from courses.teambooking.models import Proposal, Reservation


def _book(user: User, target: Any) -> bool:
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    if isinstance(target, Employee):
        return target.id != user.employee_id and target.active and scope_of(user).includes(target)
    if isinstance(target, Department):
        return scope_of(user).includes_department(target.id)
    return False


def _reservation(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    return isinstance(target, Reservation) and scope_of(user).includes_department(
        target.department_id
    )


def _answer(user: User, target: Any) -> bool:
    if target is None:
        return has_role(user, Role.EMPLOYEE)
    return isinstance(target, Proposal) and target.employee_id == user.employee_id


def _withdraw(user: User, target: Any) -> bool:
    if target is None:
        return has_role(user, Role.HEAD, Role.HR)
    if not isinstance(target, Proposal):
        return False
    if target.proposed_by_id == user.id or has_role(user, Role.HR):
        return True
    return has_role(user, Role.HEAD) and scope_of(user).includes(target.employee)


register_rule("teambooking.book", _book)
register_rule("teambooking.reservation", _reservation)
register_rule("reservations.manage", roles_rule(Role.HR))
register_rule("proposal.answer", _answer)
register_rule("proposal.withdraw", _withdraw)
