"""Permission rules of the budgets, registered when this module is imported.

| action          | who                                                                 |
|-----------------|---------------------------------------------------------------------|
| budgets.view    | HR; department heads (target Department: one of their subtree)      |
| budgets.manage  | HR: set budgets and cost centres, the organisation, export, forecast |
"""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.audit.log import register_access_label, register_access_purpose
from academy.auth.policy import has_role, register_rule, roles_rule
from academy.auth.scope import scope_of
from academy.i18n import N_
from academy.org.models import Department

#: Access-log code and purpose of a unit's bookings (names of the people booked).
ACCESS_BOOKINGS = "budgets.bookings"


def _view(user: User, target: Any) -> bool:
    if has_role(user, Role.HR):
        return True
    if not has_role(user, Role.HEAD):
        return False
    if target is None:
        return True
    return isinstance(target, Department) and scope_of(user).includes_department(target.id)


register_rule("budgets.view", _view)
register_rule("budgets.manage", roles_rule(Role.HR))
register_access_label(ACCESS_BOOKINGS, N_("Training costs of a unit"))
register_access_purpose(ACCESS_BOOKINGS, "Fortbildungskosten im Bereich „{unit}“ (Budget)")
