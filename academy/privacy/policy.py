"""Who may download what: every signed-in person their own data; HR anyone's, on request."""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.auth.policy import register_rule, roles_rule


def _own_data(user: User, target: Any) -> bool:
    """Everyone signed in, for their own data only (the views take no id)."""
    return True


register_rule("privacy.self", _own_data)
register_rule("privacy.export_for", roles_rule(Role.HR))
