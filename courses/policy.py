"""Permission rules of the courses package, registered when this module is imported.

| action              | who                                                            |
|---------------------|----------------------------------------------------------------|
| catalogue.view      | everyone logged in                                             |
| catalogue.manage    | HR                                                             |
| enrolment.request   | employees (target Employee: only themselves; HR: anyone)       |
| approvals.view      | department heads, HR                                           |
| enrolment.approve   | target Enrolment: HR; a head whose subtree holds the employee, |
|                     | unless it is their own request                                 |
| enrolment.cancel    | target Enrolment: the employee, their head, HR, the trainer    |
|                     | (the cancellation deadline is checked by the service)          |
| waitlist.manage     | HR                                                             |
| trainer.sessions    | trainers                                                       |
| session.roster      | target CourseSession: its trainer (lead or linked), HR         |
| attendance.mark     | target Enrolment or CourseSession: the session's trainer, HR   |
| learning.view       | employees (target Employee: only themselves)                   |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.org.models import Employee
from courses.enrolment.models import Enrolment
from courses.rooms.queries import trains
from courses.sessions.models import CourseSession


def _authenticated(user: User, target: Any) -> bool:
    return True


def _request(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if not has_role(user, Role.EMPLOYEE):
        return False
    if isinstance(target, Employee):
        return target.id == user.employee_id
    return True


def _approve(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    if not isinstance(target, Enrolment):
        return False
    employee = target.employee
    return employee.id != user.employee_id and scope_of(user).includes(employee)


def _is_trainer_of(user: User, session: CourseSession | None) -> bool:
    """The session's lead trainer (``trainer_id``) or an internal trainer linked to it
    (``SessionTrainer``) who holds the trainer role."""
    if session is None:
        return False
    if session.trainer_id is not None and session.trainer_id == user.id:
        return True
    return has_role(user, Role.TRAINER) and trains(user.id, session.id)


def _cancel(user: User, target: Any) -> bool:
    if target is None:
        return True
    if not isinstance(target, Enrolment):
        return False
    if user.employee_id is not None and target.employee_id == user.employee_id:
        return True
    if has_role(user, Role.HR) or _is_trainer_of(user, target.session):
        return True
    return has_role(user, Role.HEAD) and scope_of(user).includes(target.employee)


def _session_of(target: Any) -> CourseSession | None:
    if isinstance(target, CourseSession):
        return target
    if isinstance(target, Enrolment):
        return target.session
    return None


def _roster(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if target is None:
        return has_role(user, Role.TRAINER)
    return _is_trainer_of(user, _session_of(target))


def _learning(user: User, target: Any) -> bool:
    if isinstance(target, Employee):
        return target.id == user.employee_id
    return has_role(user, Role.EMPLOYEE)


register_rule("catalogue.view", _authenticated)
register_rule("catalogue.manage", roles_rule(Role.HR))
register_rule("enrolment.request", _request)
register_rule("approvals.view", roles_rule(Role.HEAD, Role.HR))
register_rule("enrolment.approve", _approve)
register_rule("enrolment.cancel", _cancel)
register_rule("waitlist.manage", roles_rule(Role.HR))
register_rule("trainer.sessions", roles_rule(Role.TRAINER))
register_rule("session.roster", _roster)
register_rule("attendance.mark", _roster)
register_rule("learning.view", _learning)
