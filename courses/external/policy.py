"""Permission rules of external training requests, registered when this module is
imported.

| action            | who                                                               |
|-------------------|-------------------------------------------------------------------|
| external.request  | employees (their own requests)                                    |
| external.view     | target ExternalRequest: the employee, a head whose subtree holds  |
|                   | them, HR                                                          |
| external.inbox    | department heads, HR                                              |
| external.decide   | target ExternalRequest: awaiting the head — a head whose subtree  |
|                   | holds the employee (never their own); awaiting HR — HR (not their |
|                   | own; the second approval by another HR person than the first)     |
| external.record   | HR: attendance and result of an approved external training        |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.i18n import N_
from courses.external.models import ExternalRequest, RequestState

#: Access-log code and purpose of viewing another person's request.
ACCESS_REQUEST = "external.request"


def _request(user: User, target: Any) -> bool:
    return user.employee_id is not None and has_role(user, Role.EMPLOYEE)


def _own(user: User, request: ExternalRequest) -> bool:
    return user.employee_id is not None and request.employee_id == user.employee_id


def _view(user: User, target: Any) -> bool:
    if not isinstance(target, ExternalRequest):
        return False
    if _own(user, target) or has_role(user, Role.HR):
        return True
    return has_role(user, Role.HEAD) and scope_of(user).includes(target.employee)


def _decide(user: User, target: Any) -> bool:
    if target is None:
        return has_role(user, Role.HEAD, Role.HR)
    if not isinstance(target, ExternalRequest) or _own(user, target):
        return False
    if target.state == RequestState.PENDING_HEAD:
        return has_role(user, Role.HEAD) and scope_of(user).includes(target.employee)
    if target.state == RequestState.PENDING_HR:
        return has_role(user, Role.HR)
    if target.state == RequestState.PENDING_SECOND:
        return has_role(user, Role.HR) and target.hr_id != user.id
    return False


register_rule("external.request", _request)
register_rule("external.view", _view)
register_rule("external.inbox", roles_rule(Role.HEAD, Role.HR))
register_rule("external.decide", _decide)
register_rule("external.record", roles_rule(Role.HR))
register_access_label(ACCESS_REQUEST, N_("Request for external training"))
register_access_purpose(ACCESS_REQUEST, "Antrag auf externe Fortbildung geprüft (Genehmigung)")
