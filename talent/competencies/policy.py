"""Permission rules of the talent package, registered when this module is imported.

| action            | who                                                               |
|-------------------|-------------------------------------------------------------------|
| profiles.manage   | HR (role profiles / target levels)                                |
| competencies.own  | employees (target Employee: only themselves)                      |
| team.view         | department heads and HR; target Department or Employee: HR, or a  |
|                   | head whose subtree holds it                                       |
| member.rate       | target Employee: a head whose subtree holds them, or HR — never   |
|                   | oneself                                                           |
| evidence.record   | HR (external certificates)                                        |
| mappings.manage   | HR, admin (framework mappings)                                    |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import can, has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.i18n import N_
from academy.org.models import Department, Employee


def _own(user: User, target: Any) -> bool:
    if not has_role(user, Role.EMPLOYEE):
        return False
    if isinstance(target, Employee):
        return target.id == user.employee_id
    return target is None


def _team(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    if isinstance(target, Department):
        return scope_of(user).includes_department(target.id)
    if isinstance(target, Employee):
        return scope_of(user).includes(target)
    return False


def _rate(user: User, target: Any) -> bool:
    if target is None:
        return has_role(user, Role.HR, Role.HEAD)
    if not isinstance(target, Employee):
        return False
    if user.employee_id is not None and target.id == user.employee_id:
        return False
    if has_role(user, Role.HR):
        return True
    return has_role(user, Role.HEAD) and scope_of(user).includes(target)


def _view_profile(user: User, target: Any) -> bool:
    """A competency profile: the person themselves, their head (subtree), HR."""
    if target is None:
        return has_role(user, Role.EMPLOYEE, Role.HEAD, Role.HR)
    if not isinstance(target, Employee):
        return False
    if user.employee_id is not None and target.id == user.employee_id:
        return True
    return can(user, "team.view", target)


register_rule("profiles.manage", roles_rule(Role.HR))
register_rule("competencies.own", _own)
register_rule("competencies.view", _view_profile)
register_rule("team.view", _team)
register_rule("member.rate", _rate)
register_rule("evidence.record", roles_rule(Role.HR))
register_rule("mappings.manage", roles_rule(Role.HR, Role.ADMIN))


register_access_label("competencies.profile", N_("Competency profile"))
register_access_label("team.matrix", N_("Team competency matrix"))
register_access_label("team.export", N_("Export of the team competency matrix"))
register_access_label("team.plan", N_("Team training plan"))
register_access_label("talent.external_evidence", N_("External evidence"))
register_access_purpose("competencies.profile", "Kompetenzprofil angesehen (Personalentwicklung)")
register_access_purpose("team.matrix", "Team-Kompetenzen (Qualifizierungsplanung)")
register_access_purpose(
    "team.export", "Team-Kompetenzen exportiert: {format} (Qualifizierungsplanung)"
)
register_access_purpose("team.plan", "Team-Schulungsplan (Qualifizierungsplanung)")
register_access_purpose("talent.external_evidence", "Externe Nachweise erfasst (Kompetenzpflege)")
