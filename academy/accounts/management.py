"""Account services: create accounts, assign roles, (de)activate, reset passwords."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from academy.accounts.models import ASSIGNABLE_ROLES, Role, RoleAssignment, User
from academy.audit.log import record
from academy.auth.passwords import MIN_LENGTH, hash_password, own_names, password_problem
from academy.auth.sessions import end_all_sessions, normalise_email
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee


def _check_password(
    password: str, *, email: str, display_name: str | None, employee: Employee | None
) -> None:
    problem = password_problem(password, email=email, names=own_names(display_name, employee))
    if problem:
        raise ValidationFailed(problem, field="password", n=MIN_LENGTH)


def create_account(
    actor: User | None,
    *,
    email: str,
    display_name: str,
    password: str | None,
    employee: Employee | None = None,
    roles: Iterable[Role] = (),
) -> User:
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(N_("An account with this e-mail address already exists."), field="email")
    if employee is not None and db.session.scalar(
        select(User.id).where(User.employee_id == employee.id)
    ):
        raise Conflict(N_("This employee already has an account."), field="personnel_no")
    if password is not None:
        _check_password(password, email=email, display_name=display_name, employee=employee)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        employee=employee,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    set_roles(actor, user, roles, audit=False)
    record(actor, "account.created", "user", user.id, details={"email": email})
    return user


def set_roles(actor: User | None, user: User, roles: Iterable[Role], *, audit: bool = True) -> None:
    """Set the account's local roles; roles from directory groups stay (they are the
    directory's: ``academy.auth.signon.provisioning``), so the person keeps the union."""
    wanted = {Role(r) for r in roles} & set(ASSIGNABLE_ROLES)
    current = user.local_roles
    if actor is not None and actor.id == user.id and Role.ADMIN in current - wanted:
        raise ValidationFailed(N_("You cannot remove your own administrator role."), field="roles")
    by_role = {Role(a.role): a for a in user.role_assignments}
    for role, assignment in by_role.items():
        if role in wanted or not assignment.local:
            continue
        if assignment.directory:
            assignment.local = False
        else:
            user.role_assignments.remove(assignment)
    for role in sorted(wanted - current):
        granted_by = actor.id if actor else None
        if role in by_role:
            by_role[role].local, by_role[role].granted_by_id = True, granted_by
        else:
            user.role_assignments.append(
                RoleAssignment(role=role.value, granted_by_id=granted_by, local=True)
            )
    db.session.flush()
    if audit and wanted != current:
        record(
            actor,
            "account.roles_changed",
            "user",
            user.id,
            from_state=",".join(sorted(current)),
            to_state=",".join(sorted(wanted)),
        )


def set_active(actor: User | None, user: User, active: bool) -> None:
    if actor is not None and actor.id == user.id and not active:
        raise ValidationFailed(N_("You cannot deactivate your own account."), field="active")
    if user.active == active:
        return
    user.active = active
    if not active:
        end_all_sessions(user)
    record(
        actor,
        "account.activated" if active else "account.deactivated",
        "user",
        user.id,
        from_state="active" if not active else "inactive",
        to_state="active" if active else "inactive",
    )
    db.session.flush()


def reset_password(actor: User | None, user: User, password: str) -> None:
    _check_password(
        password, email=user.email, display_name=user.display_name, employee=user.employee
    )
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    record(actor, "account.password_reset", "user", user.id)
    db.session.flush()


def ensure_admin(*, email: str, name: str, password: str) -> User:
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        return create_account(
            None, email=email, display_name=name, password=password, roles=[Role.ADMIN]
        )
    reset_password(None, user, password)
    set_roles(None, user, user.assigned_roles | {Role.ADMIN})
    set_active(None, user, True)
    return user
