"""Inviting staff without an account (services, no HTTP): who can be invited, the e-mail
in the outbox, the stored hash, re-invitations, permissions and bad input."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.invitations.queries import (
    STATUS_ALL,
    STATUS_EXPIRED,
    STATUS_NOT_INVITED,
    STATUS_OPEN,
    InvitationFilter,
    candidates_query,
    matching_ids,
    progress,
    rows_of,
)
from academy.accounts.invitations.sending import MAX_PEOPLE, invite
from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import PermissionDenied, ValidationFailed
from academy.notifications.models import OutboxMessage
from tests import factories

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
LINK = re.compile(r"https://akademie\.stadt\.example/einladung/([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://akademie.stadt.example")
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", True)


def hr():
    return factories.user(Role.HR, with_employee=False)


def token_of(mail: OutboxMessage) -> str:
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


def test_an_invitation_is_an_email_with_a_one_time_link_and_only_its_hash_is_stored(db):
    actor = hr()
    emp = factories.employee(first_name="Özlem", last_name="Demir", email="o.demir@stadt.example")

    result = invite(actor, [emp.id], NOW)

    assert (result.invited, result.replaced, dict(result.skipped)) == (1, 0, {})
    invitation = db.session.scalar(select(AccountInvitation))
    mail = db.session.get(OutboxMessage, invitation.outbox_id)
    assert mail.to_address == "o.demir@stadt.example" and mail.sent_at is None
    assert mail.subject == "Ihr Zugang zur Digitalakademie"
    assert "Hallo Özlem Demir" in mail.body and "o.demir@stadt.example" in mail.body
    token = token_of(mail)
    assert len(token) >= 43
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(db.session.execute(select(AccountInvitation.__table__)).all())
    assert invitation.expires_at == NOW + timedelta(days=14)
    assert "18.03.2030" in mail.body  # valid until, German
    [entry] = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "invitation.sent")
    ).all()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        actor.id,
        "employee",
        str(emp.id),
    )


def test_the_validity_comes_from_the_setting(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 3)
    emp = factories.employee()
    invite(hr(), [emp.id], NOW)
    assert db.session.scalar(select(AccountInvitation.expires_at)) == NOW + timedelta(days=3)


def test_who_cannot_be_invited_is_counted_by_reason_and_left_alone(db):
    with_account = factories.user(Role.EMPLOYEE).employee
    left = factories.employee(active=False)
    without_address = factories.employee(email=None)
    broken_address = factories.employee(email="keine adresse")
    taken = factories.employee(email="Geteilt@Stadt.example")
    factories.user(Role.HR, with_employee=False, email="geteilt@stadt.example")
    fine = factories.employee()

    ids = [with_account.id, left.id, without_address.id, broken_address.id, taken.id, fine.id]
    result = invite(hr(), [*ids, 999_999_999], NOW)

    assert result.invited == 1 and result.employee_ids == [fine.id]
    assert dict(result.skipped) == {
        "has_account": 1,
        "left": 1,
        "no_address": 2,
        "address_taken": 1,
        "unknown": 1,
    }
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_new_invitation_replaces_the_open_one(db):
    emp = factories.employee()
    actor = hr()
    invite(actor, [emp.id], NOW)
    result = invite(actor, [emp.id], NOW + timedelta(days=1))

    assert (result.invited, result.replaced) == (1, 1)
    first, second = db.session.scalars(
        select(AccountInvitation).order_by(AccountInvitation.id)
    ).all()
    assert first.replaced_at == NOW + timedelta(days=1) and first.status(NOW) == "replaced"
    assert second.status(NOW + timedelta(days=1)) == "open"
    sent = db.session.scalars(
        select(AuditLogEntry.from_state)
        .where(AuditLogEntry.action == "invitation.sent")
        .order_by(AuditLogEntry.id)
    ).all()
    assert sent == [None, "open"]


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HEAD, Role.TRAINER, Role.COUNCIL])
def test_only_hr_and_administrators_invite(db, role):
    emp = factories.employee()
    with pytest.raises(PermissionDenied):
        invite(factories.user(role), [emp.id], NOW)
    assert db.session.scalar(select(func.count()).select_from(AccountInvitation)) == 0
    assert invite(factories.user(Role.ADMIN, with_employee=False), [emp.id], NOW).invited == 1


def test_nobody_invites_where_the_password_login_is_off(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", False)
    with pytest.raises(PermissionDenied):
        invite(hr(), [factories.employee().id], NOW)


@pytest.mark.parametrize(
    "ids", [[], ["x", "", "1.5", "-3", "0", str(2**40), "\x00"], ["' OR 1=1 --"]]
)
def test_bad_selections_are_refused_at_the_field(db, ids):
    with pytest.raises(ValidationFailed) as caught:
        invite(hr(), ids, NOW)
    assert caught.value.field == "employee_ids"


def test_too_many_people_at_once_are_refused(db):
    with pytest.raises(ValidationFailed):
        invite(hr(), range(1, MAX_PEOPLE + 2), NOW)


def test_the_database_keeps_one_open_invitation_per_person(db):
    """Two HR people inviting the same person at the same moment: the partial unique
    index refuses the second open invitation (the service reports a ``Conflict``)."""
    emp = factories.employee()

    def open_invitation(n: int) -> AccountInvitation:
        return AccountInvitation(
            employee_id=emp.id,
            email=emp.email,
            token_hash=str(n) * 64,
            created_at=NOW,
            expires_at=NOW + timedelta(days=14),
        )

    db.session.add(open_invitation(1))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(open_invitation(2))
        db.session.flush()
    replaced = open_invitation(3)
    replaced.replaced_at = NOW
    db.session.add(replaced)
    db.session.flush()  # closed ones may be many


# ---------------------------------------------------------------------------
# The list HR sees and the progress
# ---------------------------------------------------------------------------


def test_the_list_filters_by_subtree_status_and_search(db):
    top = factories.department("Amt für Digitales")
    child = factories.department("Abteilung IT", parent=top)
    elsewhere = factories.department("Kämmerei")
    a = factories.employee(child, last_name="Albers")
    b = factories.employee(top, last_name="Brandt")
    c = factories.employee(elsewhere, last_name="Cordes")
    factories.user(Role.EMPLOYEE, emp=factories.employee(child, last_name="Dahl"))
    factories.employee(child, last_name="Ebert", active=False)
    actor = hr()
    invite(actor, [b.id], NOW - timedelta(days=20))  # expired by NOW
    invite(actor, [c.id], NOW)

    def names(**fields):
        rows = rows_of(db.session.scalars(candidates_query(InvitationFilter(**fields), NOW)))
        return [r.employee.last_name for r in rows]

    assert names(status=STATUS_ALL) == ["Albers", "Brandt", "Cordes"]
    assert names(department=top, status=STATUS_ALL) == ["Albers", "Brandt"]
    assert names(department=child, status=STATUS_ALL) == ["Albers"]
    assert names(status=STATUS_NOT_INVITED) == ["Albers"]
    assert names(status=STATUS_OPEN) == ["Cordes"]
    assert names(status=STATUS_EXPIRED) == ["Brandt"]
    assert names(status=STATUS_ALL, search="RAND") == ["Brandt"]
    assert names(status=STATUS_ALL, search="%") == []  # a wildcard is a character
    assert matching_ids(InvitationFilter(department=top, status=STATUS_ALL), NOW) == [a.id, b.id]


def test_progress_counts_accounts_invitations_and_sent_mail(db):
    factories.user(Role.EMPLOYEE)
    people = [factories.employee() for _ in range(4)]
    actor = hr()
    invite(actor, [people[0].id], NOW - timedelta(days=30))
    invite(actor, [people[1].id, people[2].id], NOW)
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    mail.sent_at = NOW

    figures = progress(NOW)
    assert (figures.in_service, figures.with_account, figures.without_account) == (5, 1, 4)
    assert (figures.open, figures.expired, figures.not_invited) == (2, 1, 1)
    assert (figures.sent, figures.waiting) == (1, 1)
    assert figures.percent(figures.with_account, figures.in_service) == 20
