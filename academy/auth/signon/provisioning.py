"""Accounts for everyone who signs in through the directory (OpenID Connect or LDAP).

``sign_on(identity, now=…, role_mapping=…)`` answers the account of a person the directory
vouched for, or refuses with a ``SignOnRefused`` (the view shows its German page):

- An account already linked to the identity (provider and subject) is the one.
- Else the personnel record: by the personnel number when the directory gives one (a
  number that is not in the personnel data is refused, never guessed around), else by the
  e-mail address (a verified one only; two records with the same address are refused).
- The record's account is linked to the identity; without one, an account that has the
  address and no record yet is taken and linked; else a new account is created. A person
  who is neither in the personnel data nor has an account gets none.
- A link to another identity of the same provider is a conflict (an administrator
  resolves it); a link to a provider that is no longer configured moves to the new one.
- Inactive accounts and people who left (inactive personnel record) are refused.
- Roles: ``sync_directory_roles`` sets the roles the directory groups grant
  (``ROLE_GROUPS``) at every sign-in; the roles an administrator assigned stay, the person
  holds the union. A department head's scope comes from the organisation, never from here.

Every change is audited. ``close_accounts_of`` is the staff import's step for people who
left: their accounts are deactivated and their login sessions end at once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, select, update

from academy.accounts.models import Role, RoleAssignment, User, UserSession
from academy.audit.log import record
from academy.auth.signon.settings import roles_for_groups
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee

_MAX = {"subject": 255, "personnel_no": 32, "email": 254, "display_name": 200}
_CHUNK = 500


@dataclass(frozen=True)
class DirectoryIdentity:
    """What the directory says about the person signing in."""

    provider: str
    subject: str
    personnel_no: str | None = None
    email: str | None = None
    display_name: str | None = None
    groups: tuple[str, ...] = ()
    #: False when an OpenID Connect provider says the address is not verified.
    email_verified: bool = True


class SignOnRefused(DomainError):
    """The directory knows the person, but the academy gives them no session. ``reason``
    is a short code for the audit log."""

    status_code = 403
    reason = "refused"
    #: The reason as the audit log keeps it (stored text, German like every stored reason).
    audit_reason = "abgelehnt"


class UnknownPerson(SignOnRefused):
    reason = "unknown_person"
    audit_reason = "nicht in den Personaldaten"


class AccountClosed(SignOnRefused):
    reason = "account_inactive"
    audit_reason = "Konto deaktiviert oder Person ausgeschieden"


class IdentityConflict(SignOnRefused):
    reason = "identity_conflict"
    audit_reason = "Zuordnung nicht eindeutig"


def _clean(value: object, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text[:limit] or None


def cleaned(identity: DirectoryIdentity) -> DirectoryIdentity:
    """The identity with its texts trimmed to what the database holds (no NUL bytes)."""
    subject = _clean(identity.subject, _MAX["subject"])
    if subject is None:
        raise UnknownPerson(N_("The directory did not say who you are. Please try again."))
    email = _clean(identity.email, _MAX["email"])
    return replace(
        identity,
        subject=subject,
        personnel_no=_clean(identity.personnel_no, _MAX["personnel_no"]),
        email=email.lower() if email and "@" in email else None,
        display_name=_clean(identity.display_name, _MAX["display_name"]),
        groups=tuple(g for g in (_clean(x, 1000) for x in identity.groups) if g),
    )


def sign_on(
    identity: DirectoryIdentity,
    *,
    now: datetime,
    role_mapping: Mapping[str, frozenset[Role]],
    configured_providers: Collection[str] = (),
) -> User:
    """The account for ``identity`` (created or linked on the way), its directory roles
    synchronised; raises ``SignOnRefused``. ``configured_providers``: the provider keys in
    use now (a link to any other provider may move)."""
    identity = cleaned(identity)
    user = db.session.scalar(
        select(User).where(
            User.identity_provider == identity.provider,
            User.external_subject == identity.subject,
        )
    )
    if user is None:
        employee = _employee_of(identity)
        if employee is not None and not employee.active:
            raise _left()
        user = _account_for(identity, employee, now=now, providers=configured_providers)
    if not user.active:
        raise AccountClosed(N_("Your account is deactivated. Please contact the administration."))
    if user.employee is not None and not user.employee.active:
        raise _left()
    sync_directory_roles(user, roles_for_groups(identity.groups, role_mapping), now=now)
    db.session.flush()
    return user


def _left() -> AccountClosed:
    return AccountClosed(
        N_("According to the personnel data you no longer work here, so you cannot sign in.")
    )


def _employee_of(identity: DirectoryIdentity) -> Employee | None:
    if identity.personnel_no:
        employee = db.session.scalar(
            select(Employee).where(Employee.personnel_no == identity.personnel_no)
        )
        if employee is None:
            raise UnknownPerson(
                N_(
                    "The personnel number %(no)s that your directory account carries is not in "
                    "the personnel data of the Digital Academy. Please contact HR development."
                ),
                no=identity.personnel_no,
            )
        return employee
    if not identity.email or not identity.email_verified:
        return None
    matches = db.session.scalars(
        select(Employee).where(func.lower(Employee.email) == identity.email).limit(2)
    ).all()
    if len(matches) > 1:
        raise IdentityConflict(
            N_(
                "Several personnel records have your e-mail address, so your account cannot be "
                "assigned. Please contact HR development."
            )
        )
    return matches[0] if matches else None


def _account_for(
    identity: DirectoryIdentity,
    employee: Employee | None,
    *,
    now: datetime,
    providers: Collection[str],
) -> User:
    """Link the record's account (or the address's) to the identity, or create one."""
    user = None
    if employee is not None:
        user = db.session.scalar(select(User).where(User.employee_id == employee.id))
    address = (employee.email.strip().lower() if employee and employee.email else None) or (
        identity.email if identity.email_verified else None
    )
    if user is None and address:
        by_address = db.session.scalar(select(User).where(User.email == address))
        if by_address is not None and employee is not None and by_address.employee_id is not None:
            raise IdentityConflict(
                N_(
                    "Your e-mail address belongs to another person's account in the Digital "
                    "Academy. Please contact the administration."
                )
            )
        user = by_address
    if user is None:
        if employee is None:
            raise UnknownPerson(
                N_(
                    "You are not in the personnel data of the Digital Academy, so no account "
                    "can be created for you. If you work here, please contact HR development."
                )
            )
        return _create_account(identity, employee, address, now=now)
    _link(user, identity, employee, providers=providers, now=now)
    return user


def _link(
    user: User,
    identity: DirectoryIdentity,
    employee: Employee | None,
    *,
    providers: Collection[str],
    now: datetime,
) -> None:
    linked_elsewhere = user.identity_provider is not None and (
        user.identity_provider,
        user.external_subject,
    ) != (identity.provider, identity.subject)
    if linked_elsewhere and user.identity_provider == identity.provider:
        raise IdentityConflict(
            N_(
                "Your account in the Digital Academy is linked to another directory account. "
                "Please contact the administration."
            )
        )
    if linked_elsewhere and user.identity_provider in providers:
        return  # linked to the other configured provider: it keeps that link
    details: dict[str, object] = {"provider": identity.provider}
    if user.identity_provider is not None:
        details["previous_provider"] = user.identity_provider
    user.identity_provider, user.external_subject = identity.provider, identity.subject
    if employee is not None and user.employee_id is None:
        user.employee = employee
        details["personnel_no"] = employee.personnel_no
    db.session.flush()
    record(None, "account.identity_linked", "user", user.id, details=details, now=now)


def _create_account(
    identity: DirectoryIdentity, employee: Employee, address: str | None, *, now: datetime
) -> User:
    email = address or f"personalnummer-{employee.personnel_no.lower()}@konto.invalid"
    user = User(
        email=email[: _MAX["email"]],
        display_name=employee.full_name[: _MAX["display_name"]],
        password_hash=None,
        employee=employee,
        active=True,
        created_at=now,
        identity_provider=identity.provider,
        external_subject=identity.subject,
    )
    db.session.add(user)
    db.session.flush()
    record(
        None,
        "account.created_at_sign_on",
        "user",
        user.id,
        details={"provider": identity.provider, "personnel_no": employee.personnel_no},
        now=now,
    )
    return user


def sync_directory_roles(user: User, wanted: Iterable[Role], *, now: datetime) -> None:
    """Make the account's directory roles ``wanted``; local assignments stay untouched."""
    wanted = set(wanted)
    before = user.directory_roles
    if wanted == before:
        return
    by_role = {Role(a.role): a for a in user.role_assignments}
    for role, assignment in by_role.items():
        if assignment.directory and role not in wanted:
            if assignment.local:
                assignment.directory = False
            else:
                user.role_assignments.remove(assignment)
    for role in sorted(wanted - before):
        if role in by_role:
            by_role[role].directory = True
        else:
            user.role_assignments.append(
                RoleAssignment(role=role.value, granted_at=now, local=False, directory=True)
            )
    db.session.flush()
    record(
        None,
        "account.directory_roles_changed",
        "user",
        user.id,
        from_state=",".join(sorted(before)),
        to_state=",".join(sorted(wanted)),
        now=now,
    )


def refusal_details(identity: DirectoryIdentity, error: SignOnRefused) -> dict[str, object]:
    """What the audit log keeps of a refused sign-in (for the administration's support)."""
    return {
        "provider": identity.provider,
        "code": error.reason,
        "personnel_no": _clean(identity.personnel_no, _MAX["personnel_no"]),
        "email": _clean(identity.email, _MAX["email"]),
    }


def record_refusal(identity: DirectoryIdentity, error: SignOnRefused, *, now: datetime) -> None:
    record(
        None,
        "auth.sign_on_refused",
        "user",
        None,
        reason=error.audit_reason,
        details=refusal_details(identity, error),
        now=now,
    )
    db.session.flush()


def unlink_identity(actor: User, user: User, *, now: datetime) -> None:
    """Remove the account's link to its directory account (the next sign-in links anew)."""
    if user.identity_provider is None:
        return
    provider = user.identity_provider
    user.identity_provider = user.external_subject = None
    db.session.flush()
    record(
        actor, "account.identity_unlinked", "user", user.id, details={"provider": provider}, now=now
    )
    db.session.flush()


def close_accounts_of(actor: User | None, employee_ids: Iterable[int], *, now: datetime) -> int:
    """The staff import's step for people who left: their active accounts are deactivated
    and every login session of them ends at once. Returns the number of accounts."""
    ids = sorted(set(employee_ids))
    closed: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        closed += db.session.scalars(
            select(User.id).where(User.employee_id.in_(chunk), User.active.is_(True))
        ).all()
    for start in range(0, len(closed), _CHUNK):
        chunk = closed[start : start + _CHUNK]
        db.session.execute(
            update(User)
            .where(User.id.in_(chunk))
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(UserSession)
            .where(UserSession.user_id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
    for user_id in closed:
        record(
            actor,
            "account.deactivated",
            "user",
            user_id,
            from_state="active",
            to_state="inactive",
            reason="Personaldatenimport: nicht mehr beschäftigt",
            now=now,
        )
    db.session.flush()
    return len(closed)
