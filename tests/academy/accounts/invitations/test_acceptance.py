"""Using an invitation link (services): the account is created and linked, the link works
once and not after it expired or was replaced, wrong tokens, the password rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.invitations.acceptance import (
    EXPIRED,
    REPLACED,
    SWITCHED_OFF,
    UNKNOWN,
    USED,
    InvitationUnusable,
    accept,
    open_invitation,
)
from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.invitations.sending import invite
from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.auth.passwords import verify_password
from academy.errors import Conflict, ValidationFailed
from academy.notifications.models import OutboxMessage
from tests import factories

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
GOOD = "Kaffeetasse Fahrrad Wolke"
LINK = re.compile(r"/einladung/([A-Za-z0-9_-]+)")


def invited(email: str = "k.brandt@stadt.example", at: datetime = NOW):
    """An employee without an account, invited at ``at``; (employee, token)."""
    emp = factories.employee(first_name="Karin", last_name="Brandt", email=email)
    invite(factories.user(Role.HR, with_employee=False), [emp.id], at)
    return emp, latest_token()


def latest_token() -> str:
    from academy.extensions import db

    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return LINK.search(mail.body).group(1)


def test_the_link_creates_the_account_linked_to_the_personnel_record(db):
    emp, token = invited()

    user = accept(token, GOOD, GOOD, NOW + timedelta(days=1))

    assert (user.employee_id, user.email, user.display_name) == (
        emp.id,
        "k.brandt@stadt.example",
        "Karin Brandt",
    )
    assert user.active and user.assigned_roles == set()
    assert verify_password(user.password_hash, GOOD)
    invitation = db.session.scalar(select(AccountInvitation))
    assert invitation.used_at == NOW + timedelta(days=1) and invitation.user_id == user.id
    actions = set(db.session.scalars(select(AuditLogEntry.action)))
    assert {"invitation.sent", "account.created", "invitation.accepted"} <= actions


def test_the_link_works_once(db):
    _emp, token = invited()
    accept(token, GOOD, GOOD, NOW)
    with pytest.raises(InvitationUnusable) as caught:
        accept(token, GOOD, GOOD, NOW)
    assert caught.value.message == USED and caught.value.status_code == 410
    assert db.session.scalar(select(func.count()).select_from(User)) == 2  # HR + the person


def test_an_expired_link_is_refused(db):
    _emp, token = invited(at=NOW - timedelta(days=14))
    with pytest.raises(InvitationUnusable) as caught:
        open_invitation(token, NOW)
    assert caught.value.message == EXPIRED
    assert open_invitation(token, NOW - timedelta(seconds=1)).employee.last_name == "Brandt"


def test_a_replaced_link_is_refused_and_the_new_one_works(db):
    emp, old = invited()
    invite(factories.user(Role.HR, with_employee=False), [emp.id], NOW + timedelta(hours=1))
    new = latest_token()
    with pytest.raises(InvitationUnusable) as caught:
        accept(old, GOOD, GOOD, NOW + timedelta(hours=2))
    assert caught.value.message == REPLACED
    assert accept(new, GOOD, GOOD, NOW + timedelta(hours=2)).employee_id == emp.id


@pytest.mark.parametrize(
    "token",
    ["", "x", "A" * 43, "A" * 101, "ä" * 20, "../../etc/passwd", "\x00abc", "%00"],
)
def test_wrong_tokens_are_unknown(db, token):
    invited()
    with pytest.raises(InvitationUnusable) as caught:
        open_invitation(token, NOW)
    assert caught.value.message == UNKNOWN and caught.value.status_code == 404


def test_links_do_not_work_where_the_password_login_is_off(db, app, monkeypatch):
    _emp, token = invited()
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", False)
    with pytest.raises(InvitationUnusable) as caught:
        accept(token, GOOD, GOOD, NOW)
    assert caught.value.message == SWITCHED_OFF


@pytest.mark.parametrize(
    ("password", "repeat", "field"),
    [
        ("kurz", "kurz", "password"),
        ("Passwort2024!", "Passwort2024!", "password"),
        ("Karin-Brandt-Sommer", "Karin-Brandt-Sommer", "password"),
        ("aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa", "password"),
        (GOOD, GOOD + "x", "repeat"),
    ],
)
def test_a_refused_password_leaves_the_link_usable(db, password, repeat, field):
    _emp, token = invited()
    with pytest.raises(ValidationFailed) as caught:
        accept(token, password, repeat, NOW)
    assert caught.value.field == field
    assert db.session.scalar(select(AccountInvitation.used_at)) is None
    assert accept(token, GOOD, GOOD, NOW).email == "k.brandt@stadt.example"


def test_someone_who_meanwhile_has_an_account_is_sent_to_the_sign_in(db):
    emp, token = invited()
    factories.user(Role.EMPLOYEE, emp=emp, email="anders@stadt.example")
    with pytest.raises(Conflict):
        accept(token, GOOD, GOOD, NOW)
    assert db.session.scalar(select(AccountInvitation.used_at)) is None
