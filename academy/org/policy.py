"""Permission rules of the organisation pages, registered when this module is imported."""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of


def _view_department(user: User, target: Any) -> bool:
    """HR and administrators: every department; a head: the departments of their subtrees."""
    if has_role(user, Role.HR, Role.ADMIN):
        return True
    if not has_role(user, Role.HEAD):
        return False
    return target is None or scope_of(user).includes_department(target.id)


def _any_account(user: User, target: Any) -> bool:
    """Opening a personnel record page; whose record is checked with ``employee.view``."""
    return True


def listable_departments(user: User) -> set[int] | None:
    """The departments this user may list on the organisation pages: None means all."""
    if has_role(user, Role.HR, Role.ADMIN):
        return None
    return set(scope_of(user).department_ids)


register_rule("department.view", _view_department)
register_rule("department.set_head", roles_rule(Role.HR))
register_rule("employee.open", _any_account)
