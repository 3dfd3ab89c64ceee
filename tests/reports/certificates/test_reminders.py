"""The ``reports.expiry_reminders`` tick step: one reminder per certificate, 60 days
before the end of validity, only for valid certificates whose holder has an account."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from academy.clock import to_berlin
from academy.notifications.models import Notification, OutboxMessage
from academy.scheduler import tick_steps
from reports.certificates import certificates as svc
from reports.certificates.models import Certificate
from reports.certificates.reminders import send_expiry_reminders
from tests import factories
from tests.courses.support import NOW, hr

TODAY = to_berlin(NOW).date()


def _cert(db: Any, emp: Any, valid_until: date | None, title: str = "ITIL 4") -> Certificate:
    return svc.issue_external(
        hr(), emp, title, 8, TODAY - timedelta(days=400), [], valid_until, NOW - timedelta(days=1)
    )


def _inbox(db: Any, user: Any) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "certificate_expiry"
            )
        )
    )


def test_step_is_registered(app):
    assert "reports.expiry_reminders" in [s.name for s in tick_steps()]


def test_reminder_sent_once(db):
    emp = factories.employee(email="anna.mueller@example.org")
    user = factories.user(emp=emp)
    due = _cert(db, emp, TODAY + timedelta(days=60), "Datenschutz für Führungskräfte")
    summary = send_expiry_reminders(NOW)
    assert "1 fällig, 1 Nachricht" in summary
    notes = _inbox(db, user)
    assert len(notes) == 1
    assert "Datenschutz für Führungskräfte" in notes[0].subject
    assert notes[0].link == f"/berichte/zertifikate/{due.id}"
    db.session.refresh(due)
    assert due.expiry_reminded_at == NOW
    assert db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.notification_id == notes[0].id)
    )
    # A second run (also a day later) sends nothing.
    assert "0 fällig, 0 Nachricht" in send_expiry_reminders(NOW)
    send_expiry_reminders(NOW + timedelta(days=1))
    assert len(_inbox(db, user)) == 1


def test_not_for_revoked_expired_far_away_or_no_expiry(db):
    emp = factories.employee()
    user = factories.user(emp=emp)
    revoked = _cert(db, emp, TODAY + timedelta(days=10))
    svc.revoke(hr(), revoked, "Fehler", NOW - timedelta(hours=1))
    expired = _cert(db, emp, TODAY - timedelta(days=1))
    far = _cert(db, emp, TODAY + timedelta(days=61))
    endless = _cert(db, emp, None)
    assert "0 fällig, 0 Nachricht" in send_expiry_reminders(NOW)
    assert _inbox(db, user) == []
    for cert in (revoked, expired, far, endless):
        db.session.refresh(cert)
        assert cert.expiry_reminded_at is None
    # The far one becomes due a day later.
    send_expiry_reminders(NOW + timedelta(days=1))
    assert len(_inbox(db, user)) == 1


def test_holder_without_account_is_reminded_by_email(db):
    emp = factories.employee()
    cert = _cert(db, emp, TODAY + timedelta(days=5))
    assert "1 fällig, 1 Nachricht" in send_expiry_reminders(NOW)
    db.session.refresh(cert)
    assert cert.expiry_reminded_at == NOW
    [note] = db.session.scalars(
        select(Notification).where(Notification.employee_id == emp.id)
    ).all()
    assert note.user_id is None and note.kind == "certificate_expiry"
    assert db.session.scalar(select(OutboxMessage.to_address)) == emp.email


def test_holder_who_left_is_claimed_but_not_notified(db):
    emp = factories.employee(active=False)
    cert = _cert(db, emp, TODAY + timedelta(days=5))
    assert "1 fällig, 0 Nachricht" in send_expiry_reminders(NOW)
    db.session.refresh(cert)
    assert cert.expiry_reminded_at == NOW


def test_already_claimed_elsewhere_is_skipped(db):
    emp = factories.employee()
    user = factories.user(emp=emp)
    cert = _cert(db, emp, TODAY + timedelta(days=5))
    cert.expiry_reminded_at = NOW - timedelta(minutes=1)  # another host was first
    db.session.flush()
    send_expiry_reminders(NOW)
    assert _inbox(db, user) == []
