"""Permission rules of the reports package, registered when this module is imported.

| action               | who                                                            |
|----------------------|----------------------------------------------------------------|
| certificates.own     | employees; target Certificate: only their own                  |
| certificates.team    | department heads and HR; target Certificate: HR, or a head     |
|                      | whose subtree holds the certificate's holder                   |
| certificates.manage  | HR (issue external, revoke, reissue, see all)                  |
| certificates.view    | a certificate: its holder, a head of their subtree, HR         |
| reports.view         | HR, department heads, the staff council (HR reports)           |
| reports.view_hr …    | one per audience (HR, council, head), for the menu entries     |

Rows about single people shown or exported by a report are logged in the access log
under ``ACCESS_REPORT``.
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from reports.certificates.models import Certificate


def _own(user: User, target: Any) -> bool:
    if not has_role(user, Role.EMPLOYEE):
        return False
    if isinstance(target, Certificate):
        return target.employee_id is not None and target.employee_id == user.employee_id
    return target is None


def _team(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    if isinstance(target, Certificate):
        if target.employee_id is None:
            return False
        employee = db.session.get(Employee, target.employee_id)
        return employee is not None and scope_of(user).includes(employee)
    return False


def _view(user: User, target: Any) -> bool:
    return _own(user, target) or _team(user, target)


register_rule("certificates.own", _own)
register_rule("certificates.team", _team)
register_rule("certificates.manage", roles_rule(Role.HR))
register_rule("certificates.view", _view)

register_rule("reports.view", roles_rule(Role.HR, Role.HEAD, Role.COUNCIL))
register_rule("reports.view_hr", roles_rule(Role.HR))
register_rule("reports.view_council", roles_rule(Role.COUNCIL))
register_rule("reports.view_head", roles_rule(Role.HEAD))

ACCESS_REPORT = "report"
register_access_label(ACCESS_REPORT, N_("HR report"))
register_access_purpose("report.viewed", "Bericht angesehen: {report}")
register_access_purpose("report.exported", "Bericht exportiert: {report} ({format})")
