"""Accounts for everyone who signs in through the directory: linking by personnel number,
else by e-mail; unknown people refused; roles from directory groups united with local ones;
accounts of people who left closed. Service tests, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from academy.accounts.management import set_roles
from academy.accounts.models import ASSIGNABLE_ROLES, Role, User, UserSession
from academy.audit.models import AuditLogEntry
from academy.audit.sentences import sentences
from academy.auth.sessions import start_session
from academy.auth.signon.provisioning import (
    AccountClosed,
    DirectoryIdentity,
    IdentityConflict,
    UnknownPerson,
    close_accounts_of,
    sign_on,
    sync_directory_roles,
)
from academy.auth.signon.settings import role_groups, roles_for_groups
from academy.config import ConfigurationError
from academy.extensions import db as _db
from tests import factories

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PROVIDER = "oidc:https://login.stadt.example/realms/stadt"
MAPPING = role_groups({"ROLE_GROUPS": {"hr": ["CN=PE, OU=Groups, DC=Stadt"], "admin": "it"}})


def identity(**fields: object) -> DirectoryIdentity:
    values: dict[str, object] = {"provider": PROVIDER, "subject": "sub-1"}
    values.update(fields)
    return DirectoryIdentity(**values)  # type: ignore[arg-type]


def accounts() -> int:
    return _db.session.scalar(select(func.count(User.id))) or 0


def actions(user_id: int | None = None) -> list[str]:
    query = select(AuditLogEntry.action).order_by(AuditLogEntry.id)
    if user_id is not None:
        query = query.where(AuditLogEntry.object_id == str(user_id))
    return list(_db.session.scalars(query))


def test_first_sign_in_creates_the_account_linked_by_personnel_number(db):
    emp = factories.employee(personnel_no="P4711", email="Anna.Schmidt@Stadt.example")
    user = sign_on(
        identity(personnel_no="P4711", email="other@stadt.example"),
        now=NOW,
        role_mapping=MAPPING,
    )
    assert user.employee_id == emp.id
    assert user.email == "anna.schmidt@stadt.example"  # the personnel record's address
    assert user.password_hash is None
    assert (user.identity_provider, user.external_subject) == (PROVIDER, "sub-1")
    assert user.assigned_roles == set()
    assert actions(user.id) == ["account.created_at_sign_on"]
    entry = _db.session.scalars(select(AuditLogEntry)).one()
    assert "P4711" in sentences([entry])[entry.id]
    # The next sign-in finds the same account by its identity, whatever the claims say.
    again = sign_on(identity(personnel_no=None, email=None), now=NOW, role_mapping=MAPPING)
    assert again.id == user.id


def test_without_a_personnel_number_the_e_mail_links(db):
    emp = factories.employee(email="bernd.klein@stadt.example")
    user = sign_on(identity(email="Bernd.Klein@stadt.example"), now=NOW, role_mapping=MAPPING)
    assert user.employee_id == emp.id


def test_an_unverified_e_mail_links_nobody(db):
    factories.employee(email="bernd.klein@stadt.example")
    before = accounts()
    with pytest.raises(UnknownPerson):
        sign_on(
            identity(email="bernd.klein@stadt.example", email_verified=False),
            now=NOW,
            role_mapping=MAPPING,
        )
    assert accounts() == before


def test_a_personnel_number_not_in_the_personnel_data_is_refused(db):
    factories.employee(email="carla@stadt.example")  # same address: not guessed around
    before = accounts()
    with pytest.raises(UnknownPerson) as refused:
        sign_on(
            identity(personnel_no="P9999", email="carla@stadt.example"),
            now=NOW,
            role_mapping=MAPPING,
        )
    assert refused.value.params == {"no": "P9999"}
    assert accounts() == before


def test_a_stranger_gets_no_account(db):
    before = accounts()
    with pytest.raises(UnknownPerson):
        sign_on(identity(email="fremd@example.org"), now=NOW, role_mapping=MAPPING)
    with pytest.raises(UnknownPerson):
        sign_on(identity(subject="\x00 "), now=NOW, role_mapping=MAPPING)
    assert accounts() == before


def test_two_records_with_the_address_are_refused(db):
    factories.employee(email="doppelt@stadt.example")
    factories.employee(email="DOPPELT@stadt.example")
    with pytest.raises(IdentityConflict):
        sign_on(identity(email="doppelt@stadt.example"), now=NOW, role_mapping=MAPPING)


def test_the_existing_account_of_the_record_is_linked_not_duplicated(db):
    account = factories.user(Role.TRAINER)
    before = accounts()
    user = sign_on(
        identity(personnel_no=account.employee.personnel_no), now=NOW, role_mapping=MAPPING
    )
    assert user.id == account.id
    assert accounts() == before
    assert user.assigned_roles == {Role.TRAINER}  # local roles stay
    assert actions(user.id)[-1] == "account.identity_linked"


def test_an_account_with_the_address_and_no_record_is_linked_to_the_record(db):
    emp = factories.employee(personnel_no="P5000", email="admin@stadt.example")
    admin = factories.user(Role.ADMIN, email="admin@stadt.example", with_employee=False)
    user = sign_on(identity(personnel_no="P5000"), now=NOW, role_mapping=MAPPING)
    assert user.id == admin.id
    assert user.employee_id == emp.id


def test_an_address_of_another_persons_account_is_a_conflict(db):
    factories.employee(personnel_no="P5001", email="geteilt@stadt.example")
    other = factories.user(email="geteilt@stadt.example")  # linked to another record
    with pytest.raises(IdentityConflict):
        sign_on(identity(personnel_no="P5001"), now=NOW, role_mapping=MAPPING)
    assert other.identity_provider is None


def test_another_identity_of_the_same_provider_is_a_conflict(db):
    emp = factories.employee(personnel_no="P6000")
    sign_on(identity(personnel_no="P6000"), now=NOW, role_mapping=MAPPING)
    with pytest.raises(IdentityConflict):
        sign_on(identity(subject="sub-2", personnel_no="P6000"), now=NOW, role_mapping=MAPPING)
    # After a change of provider (issuer no longer configured) the link moves.
    moved = sign_on(
        identity(provider="ldap", subject="uuid-9", personnel_no="P6000"),
        now=NOW,
        role_mapping=MAPPING,
        configured_providers={"ldap"},
    )
    assert moved.employee_id == emp.id
    assert (moved.identity_provider, moved.external_subject) == ("ldap", "uuid-9")
    # With both configured, a sign-in through the other one keeps the link.
    both = sign_on(
        identity(personnel_no="P6000"),
        now=NOW,
        role_mapping=MAPPING,
        configured_providers={"ldap", PROVIDER},
    )
    assert both.identity_provider == "ldap"


def test_people_who_left_and_closed_accounts_are_refused(db):
    left = factories.employee(personnel_no="P7000", active=False)
    with pytest.raises(AccountClosed):
        sign_on(identity(personnel_no="P7000"), now=NOW, role_mapping=MAPPING)
    assert _db.session.scalar(select(User.id).where(User.employee_id == left.id)) is None
    closed = factories.user()
    closed.active = False
    with pytest.raises(AccountClosed):
        sign_on(
            identity(subject="s-9", personnel_no=closed.employee.personnel_no),
            now=NOW,
            role_mapping=MAPPING,
        )


def test_directory_groups_give_roles_synchronised_at_every_sign_in(db):
    factories.employee(personnel_no="P8000")
    groups = ("cn=pe,ou=groups,dc=stadt", "cn=alle,ou=groups,dc=stadt")
    user = sign_on(identity(personnel_no="P8000", groups=groups), now=NOW, role_mapping=MAPPING)
    assert user.assigned_roles == {Role.HR}
    assert user.directory_roles == {Role.HR} and user.local_roles == set()
    # An administrator grants HR locally as well, and admin.
    set_roles(None, user, [Role.HR, Role.ADMIN])
    assert user.local_roles == {Role.HR, Role.ADMIN}
    # Out of the directory group: the local grant is the stronger and stays.
    later = NOW + timedelta(days=1)
    sign_on(identity(personnel_no="P8000", groups=()), now=later, role_mapping=MAPPING)
    assert user.assigned_roles == {Role.HR, Role.ADMIN}
    assert user.directory_roles == set()
    # The administrator takes both back; the directory grants admin: the person is admin.
    set_roles(None, user, [])
    sign_on(identity(personnel_no="P8000", groups=("IT",)), now=later, role_mapping=MAPPING)
    assert user.assigned_roles == {Role.ADMIN} and user.local_roles == set()
    set_roles(None, user, [])  # removing local roles leaves the directory's
    assert user.assigned_roles == {Role.ADMIN}
    changes = _db.session.scalars(
        select(AuditLogEntry)
        .where(AuditLogEntry.action == "account.directory_roles_changed")
        .order_by(AuditLogEntry.id)
    ).all()
    assert [(c.from_state, c.to_state) for c in changes] == [("", "hr"), ("hr", ""), ("", "admin")]
    texts = sentences(changes)
    assert all("Verzeichnisgruppen" in t or "directory groups" in t for t in texts.values())


def test_role_groups_setting_is_checked():
    assert roles_for_groups(("cn=pe,ou=groups,dc=stadt",), MAPPING) == {Role.HR}
    with pytest.raises(ConfigurationError, match="unbekannte Rolle"):
        role_groups({"ROLE_GROUPS": {"head": ["cn=leitungen"]}})
    with pytest.raises(ConfigurationError):
        role_groups({"ROLE_GROUPS": {"hr": [1]}})
    with pytest.raises(ConfigurationError):
        role_groups({"ROLE_GROUPS": ["hr"]})


roles = st.sets(st.sampled_from(ASSIGNABLE_ROLES))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.booleans(), roles), min_size=1, max_size=6))
def test_held_roles_are_the_union_of_local_and_directory_ones(db, steps):
    user = factories.user(with_employee=False)
    local: set[Role] = set()
    directory: set[Role] = set()
    for is_local, wanted in steps:
        if is_local:
            set_roles(None, user, wanted)
            local = set(wanted)
        else:
            sync_directory_roles(user, wanted, now=NOW)
            directory = set(wanted)
        assert user.local_roles == local
        assert user.directory_roles == directory
        assert user.assigned_roles == local | directory
        rows = _db.session.scalar(
            select(func.count())
            .select_from(User)
            .join(User.role_assignments)
            .where(User.id == user.id)
        )
        assert rows == len(local | directory)  # one row per role


def test_accounts_of_people_who_left_are_closed_and_their_sessions_end(db):
    staying, leaving = factories.user(), factories.user()
    for account in (staying, leaving, leaving):
        start_session(
            account, now=NOW, lifetime=timedelta(hours=1), remote_addr="127.0.0.1", user_agent="t"
        )
    closed = close_accounts_of(None, [leaving.employee_id, staying.employee_id + 10_000], now=NOW)
    assert closed == 1
    _db.session.expire_all()
    assert not _db.session.get(User, leaving.id).active
    assert _db.session.get(User, staying.id).active
    sessions = _db.session.scalars(select(UserSession.user_id)).all()
    assert leaving.id not in sessions and staying.id in sessions
    assert "account.deactivated" in actions(leaving.id)
