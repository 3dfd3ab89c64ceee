"""Permission rules of mandatory training, registered when this module is imported.

| action             | who                                                             |
|--------------------|-----------------------------------------------------------------|
| mandatory.manage   | HR: assignments, the organisation's compliance, evidence        |
| mandatory.team     | department heads: their subtree's compliance                    |
| mandatory.person   | target Employee: the person, a head whose subtree holds them,   |
|                    | HR; without a target: employees, heads, HR                      |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.i18n import N_
from academy.org.models import Employee


def _person(user: User, target: Any) -> bool:
    if target is None:
        return has_role(user, Role.EMPLOYEE, Role.HEAD, Role.HR)
    if not isinstance(target, Employee):
        return False
    if user.employee_id is not None and target.id == user.employee_id:
        return True
    if has_role(user, Role.HR):
        return True
    return has_role(user, Role.HEAD) and scope_of(user).includes(target)


register_rule("mandatory.manage", roles_rule(Role.HR))
register_rule("mandatory.team", roles_rule(Role.HEAD))
register_rule("mandatory.person", _person)

#: Access-log codes of the pages and exports that show other people's status.
ACCESS_COMPLIANCE = "mandatory.compliance"
ACCESS_PERSON = "mandatory.person"
ACCESS_EXPORT = "mandatory.export"

register_access_label(ACCESS_COMPLIANCE, N_("Mandatory training of a team"))
register_access_label(ACCESS_PERSON, N_("Mandatory training of a person"))
register_access_label(ACCESS_EXPORT, N_("Export of mandatory training"))
register_access_purpose(ACCESS_COMPLIANCE, "Pflichtschulungen im Überblick ({audience})")
register_access_purpose(ACCESS_PERSON, "Pflichtschulungen einer Person angesehen ({audience})")
register_access_purpose(ACCESS_EXPORT, "Pflichtschulungen exportiert ({format})")
