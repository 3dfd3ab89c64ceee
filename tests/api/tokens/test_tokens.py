"""Service tokens: made with a hash only, scopes and purpose checked, revoked and
expired tokens refused, last use remembered with one conditional UPDATE."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import to_berlin, utcnow
from academy.errors import Conflict, ValidationFailed
from api.tokens.models import ApiToken
from api.tokens.tokens import (
    SECRET_PREFIX,
    create_token,
    hash_secret,
    note_use,
    revoke_token,
    token_for_secret,
)
from tests import factories
from tests.api.support import api_token


@pytest.fixture()
def admin(db):
    return factories.user(Role.ADMIN, with_employee=False)


def make(admin, **fields):
    values = {
        "name": "SAP HCM Personalakte",
        "scopes": ["learning:read"],
        "purpose": "Übernahme der Nachweise in die Personalakte",
        "expires_on": None,
        "now": utcnow(),
    }
    values.update(fields)
    return create_token(admin, **values)


def test_only_a_hash_of_the_secret_is_stored(db, admin):
    token, secret = make(admin)
    assert secret.startswith(SECRET_PREFIX) and len(secret) >= 40
    assert token.secret_hash == hash_secret(secret) != secret
    stored = db.session.execute(select(ApiToken.__table__)).mappings().one()
    assert secret not in {str(v) for v in stored.values()}
    assert secret.startswith(token.prefix) and len(token.prefix) < 12
    assert token_for_secret(secret) is token


def test_each_token_has_a_technical_account_that_cannot_sign_in(db, admin):
    token, _secret = make(admin)
    account = token.account
    assert account.display_name == "Schnittstelle „SAP HCM Personalakte“"
    assert account.active is False and account.password_hash is None
    assert account.email.endswith("@schnittstelle.invalid") and account.employee_id is None


def test_creation_is_audited(db, admin):
    token, _secret = make(admin, scopes=["catalogue:read", "learning:read"])
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "api_token.created")
    ).one()
    assert entry.actor_id == admin.id and entry.object_id == str(token.id)
    assert entry.details["scopes"] == "catalogue:read, learning:read"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  x "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["learning:read", "admin:write"]}, "scopes"),
        ({"purpose": "   "}, "purpose"),
        ({"purpose": "x" * 151}, "purpose"),
        ({"expires_on": date(2000, 1, 1)}, "expires_on"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(db, admin, fields, field):
    with pytest.raises(ValidationFailed) as raised:
        make(admin, **fields)
    assert raised.value.field == field
    assert db.session.scalars(select(ApiToken)).all() == []


def test_catalogue_only_needs_no_purpose(db, admin):
    token, _secret = make(admin, scopes=["catalogue:read"], purpose="")
    assert token.purpose is None


def test_a_name_in_force_is_not_given_twice_but_may_follow_a_revoked_one(db, admin):
    first, _secret = make(admin)
    with pytest.raises(Conflict) as raised:
        make(admin, name="sap hcm personalakte")
    assert raised.value.field == "name"
    revoke_token(admin, first, reason="ersetzt", now=utcnow())
    second, _secret = make(admin)
    assert second.id != first.id


def test_revocation_is_at_once_audited_and_not_repeated(db, admin):
    token, secret = make(admin)
    now = utcnow()
    revoke_token(admin, token, reason="  Vertrag  beendet ", now=now)
    assert token.status(now) == "revoked" and token.revoke_reason == "Vertrag beendet"
    assert token_for_secret(secret) is token  # found, so the API can say "revoked"
    entry = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "api_token.revoked")
    ).one()
    assert (entry.reason, entry.to_state) == ("Vertrag beendet", "revoked")
    with pytest.raises(Conflict):
        revoke_token(admin, token, reason=None, now=now)


def test_expiry_is_the_end_of_the_chosen_berlin_day(db, admin):
    today = to_berlin(utcnow()).date()
    token, _secret = make(admin, expires_on=today + timedelta(days=1))
    assert token.valid_through == today + timedelta(days=1)
    assert to_berlin(token.expires_at).date() == today + timedelta(days=2)
    assert to_berlin(token.expires_at).hour == 0
    assert token.status(token.expires_at - timedelta(seconds=1)) == "active"
    assert token.status(token.expires_at) == "expired"


def test_unknown_and_foreign_secrets_find_nothing(db, admin):
    make(admin)
    assert token_for_secret("dak_" + "x" * 43) is None
    assert token_for_secret("ghp_something") is None
    assert token_for_secret("dak_" + "x" * 200) is None


def test_last_use_is_one_conditional_update_per_minute_and_address(db, admin):
    token = api_token(admin)
    now = utcnow()
    assert note_use(token, "10.1.2.3", now) is True
    assert note_use(token, "10.1.2.3", now + timedelta(seconds=30)) is False
    assert note_use(token, "10.9.9.9", now + timedelta(seconds=31)) is True
    assert note_use(token, "10.9.9.9", now + timedelta(minutes=2)) is True
    db.session.refresh(token)
    assert token.last_used_address == "10.9.9.9"
    assert token.last_used_at == now + timedelta(minutes=2)
