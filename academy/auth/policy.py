"""The permission policy: one place that answers ``can(actor, action, target)``.

Views declare their permission with ``@requires(action)`` (or ``@public``) and, for a
particular object, call ``authorize(action, target)``. Templates receive the answers.
A department head's scope (``academy.auth.scope``) is the subtree of every department
they head.

Feature packages add their own actions with ``register_rule`` in their ``init_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, has_request_context
from flask_login import current_user

from academy.accounts.models import Role, User
from academy.auth.scope import scope_of

F = TypeVar("F", bound=Callable[..., Any])
Rule = Callable[[User, Any], bool]

# ---------------------------------------------------------------------------
# Roles and scope
# ---------------------------------------------------------------------------


def roles_of(user: User | None) -> set[Role]:
    """The account's roles: assigned ones, ``employee`` with a personnel record, ``head``
    when heading a department. Worked out once per request and account (every rule the
    navigation and the views ask starts here)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    known: dict[int, tuple[User, frozenset[Role]]] | None = None
    if has_request_context():
        known = g.setdefault("_roles_of", {})
        found = known.get(id(user))
        if found is not None and found[0] is user:
            return set(found[1])
    roles = set(user.assigned_roles)
    if user.employee_id is not None:
        roles.add(Role.EMPLOYEE)
        if scope_of(user).is_head:
            roles.add(Role.HEAD)
    if known is not None:
        known[id(user)] = (user, frozenset(roles))
    return roles


def has_role(user: User | None, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------

_RULES: dict[str, Rule] = {}


def register_rule(action: str, rule: Rule) -> None:
    if action in _RULES and _RULES[action] is not rule:
        raise ValueError(f"permission rule {action!r} registered twice")
    _RULES[action] = rule


def roles_rule(*roles: Role) -> Rule:
    """A rule that allows anyone holding one of ``roles``."""
    allowed = set(roles)

    def rule(user: User, target: Any) -> bool:
        return bool(roles_of(user) & allowed)

    rule.roles = allowed  # type: ignore[attr-defined]
    return rule


def _authenticated(user: User, target: Any) -> bool:
    return True


_authenticated.everyone = True  # type: ignore[attr-defined]


def _view_employee(user: User, target: Any) -> bool:
    """A person's record: the person, their head (subtree) and HR."""
    if target is None:
        return has_role(user, Role.HR, Role.HEAD)
    if user.employee_id is not None and target.id == user.employee_id:
        return True
    if has_role(user, Role.HR):
        return True
    return has_role(user, Role.HEAD) and scope_of(user).includes(target)


register_rule("home.view", _authenticated)
register_rule("account.self", _authenticated)
register_rule("frameworks.view", _authenticated)
register_rule("frameworks.import", roles_rule(Role.ADMIN, Role.HR))
register_rule("org.view", roles_rule(Role.HR, Role.ADMIN, Role.HEAD))
register_rule("employee.view", _view_employee)
register_rule("staff.import", roles_rule(Role.HR))
register_rule("accounts.manage", roles_rule(Role.ADMIN))
register_rule("audit.view", roles_rule(Role.ADMIN, Role.HR, Role.COUNCIL))
register_rule("access_log.view", roles_rule(Role.COUNCIL, Role.ADMIN))


def can(actor: User | None, action: str, target: Any = None) -> bool:
    """May ``actor`` do ``action`` (on ``target``)? Unknown actions are denied."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if not getattr(actor, "active", False):
        return False
    rule = _RULES.get(action)
    if rule is None:
        return False
    return bool(rule(actor, target))


def known_actions() -> list[str]:
    return sorted(_RULES)


def decided_by_roles(action: str, roles: frozenset[Role]) -> bool | None:
    """``can`` for an active account holding ``roles`` when the rule of ``action`` looks
    at nothing but the roles (``roles_rule``, or any logged-in account); ``None`` when it
    looks at more (the target, the account's data) and must be asked each time. What
    the navigation may remember per set of roles."""
    rule = _RULES.get(action)
    if rule is None:
        return False
    if getattr(rule, "everyone", False):
        return True
    allowed = getattr(rule, "roles", None)
    return bool(roles & allowed) if allowed is not None else None


# ---------------------------------------------------------------------------
# View decorators
# ---------------------------------------------------------------------------

PUBLIC = "public"


def requires(action: str) -> Callable[[F], F]:
    """Declare a view's permission: anonymous → login, lacking it → 403."""
    if action != PUBLIC and action not in _RULES:
        raise ValueError(f"unknown permission {action!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user._get_current_object()
            if user is None or not user.is_authenticated:
                from academy.extensions import login_manager

                return login_manager.unauthorized()
            if not can(user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Declare a view open to everyone (login page, health check, verification)."""
    view.permission = PUBLIC  # type: ignore[attr-defined]
    return view


def authorize(action: str, target: Any = None) -> None:
    """Abort with 403 unless the current user may do ``action`` on ``target``."""
    if not can(current_user, action, target):
        abort(403)


def current_roles() -> set[Role]:
    if "roles" not in g:
        g.roles = roles_of(current_user)
    return g.roles
