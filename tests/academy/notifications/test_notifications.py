"""Notifications, the e-mail outbox (against a real SMTP server on loopback), the
scheduled-work command and the notification pages."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask_babel import lazy_gettext
from flask_login import login_user
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from academy import scheduler
from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.database import _configure_sqlite
from academy.extensions import db as _db
from academy.notifications.models import Notification, OutboxMessage
from academy.notifications.notices import ALL, mark_read, notify, unread_count
from academy.notifications.outbox import MAX_ATTEMPTS, backoff, retry, send_outbox, status_of
from academy.scheduler import register_tick_step
from tests import factories
from tests.scratch_databases import drop_scratch_database
from tests.smtp import (  # noqa: F401 - the fixtures
    SMTPServer,
    free_port,
    mail_port_fixture,
    smtp_fixture,
)

# Messages from the catalogue (with German translations) used as test content.
SUBJECT = "The message will be sent at the next run."
SUBJECT_DE = "Die Nachricht wird beim nächsten Lauf versandt."
BODY = "The session is full: %(name)s is number %(n)s on the waiting list."
BODY_DE = "Der Termin ist ausgebucht: Eva Groß steht an Position 3 der Warteliste."
BODY_EN = "The session is full: Eva Groß is number 3 on the waiting list."
PARAMS = {"name": "Eva Groß", "n": 3}
FOOTER_DE = "Diese Nachricht wurde automatisch von der Digitalakademie versandt."
FOOTER_EN = "This message was sent automatically by the Digital Academy."


@pytest.fixture(autouse=True, scope="module")
def _blueprint(app: Flask) -> None:
    """Until ``academy/web.py`` registers the blueprint (the lead does), register it here;
    this must happen before the app's first request, so run this module first."""
    if "notifications" not in app.blueprints:
        from academy.notifications.views import bp

        app.register_blueprint(bp)


# ---------------------------------------------------------------------------
# A real SMTP server on loopback (tests/smtp.py)
# ---------------------------------------------------------------------------


def outbox_rows(db: Any) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# ---------------------------------------------------------------------------
# notify, mark_read, unread_count
# ---------------------------------------------------------------------------


def test_notify_renders_german_by_default_and_queues_the_email(db, make, mail_port):
    user = make.user(Role.EMPLOYEE)
    now = utcnow()
    n = notify(user, "test", SUBJECT, BODY, params=PARAMS, link="/kurse/7", now=now)

    assert (n.subject, n.body, n.link, n.read_at) == (SUBJECT_DE, BODY_DE, "/kurse/7", None)
    assert n.user_id == user.id and n.created_at == now
    [mail] = outbox_rows(db)
    assert mail.to_address == user.email
    assert mail.subject == SUBJECT_DE
    assert mail.body.startswith(BODY_DE + "\n\n")
    assert "https://akademie.stadt.example/kurse/7" in mail.body
    assert "https://akademie.stadt.example/benachrichtigungen" in mail.body
    assert FOOTER_DE in mail.body
    assert mail.notification_id == n.id
    assert (mail.attempts, mail.sent_at, mail.send_after) == (0, None, now)


def test_notify_renders_english_for_a_user_who_chose_english(db, make):
    user = make.user(Role.EMPLOYEE)
    user.locale = "en"
    n = notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow())

    assert (n.subject, n.body) == (SUBJECT, BODY_EN)
    [mail] = outbox_rows(db)
    assert mail.subject == SUBJECT and FOOTER_EN in mail.body and FOOTER_DE not in mail.body


def test_no_outbox_message_without_address_when_asked_not_to_or_for_people_who_left(db, make):
    without = make.user(Role.EMPLOYEE)
    without.email = ""
    without.employee.email = None
    left = make.user(Role.EMPLOYEE)
    left.active = False
    left.employee.active = False
    quiet = make.user(Role.EMPLOYEE)
    admin_off = make.user(Role.ADMIN, with_employee=False)
    admin_off.active = False
    db.session.flush()
    now = utcnow()
    notify(without, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)
    notify(left, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)
    notify(quiet, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now, email=False)
    notify(admin_off, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)

    assert outbox_rows(db) == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 4


def test_a_locked_account_does_not_silence_the_person_in_service(db, make):
    """The personnel record decides: a person in service whose account an administrator
    deactivated still gets their notices by e-mail, at the personnel record's address."""
    user = make.user(Role.EMPLOYEE)
    user.active = False
    user.employee.email = "dienst@stadt.example"
    notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow())
    [mail] = outbox_rows(db)
    assert mail.to_address == "dienst@stadt.example"


def test_dates_and_lazy_strings_are_rendered_for_the_recipient(db, make):
    german, english = make.user(Role.EMPLOYEE), make.user(Role.EMPLOYEE)
    english.locale = "en"
    when = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)  # 5 March, 00:30 in Berlin
    params = {"name": lazy_gettext("Failed"), "n": when}
    de = notify(german, "t", BODY, BODY, params=params, link=None, now=utcnow())
    en = notify(english, "t", BODY, BODY, params=params, link=None, now=utcnow())
    assert de.body.startswith(
        "Der Termin ist ausgebucht: Fehlgeschlagen steht an Position 05.03.2025"
    )
    assert "00:30" in de.body
    assert en.body.startswith("The session is full: Failed is number Mar 5, 2025")


def test_subject_is_one_line(db, make):
    user = make.user(Role.EMPLOYEE)
    n = notify(user, "test", "Line one\nline two", "Body", params={}, link=None, now=utcnow())
    assert n.subject == "Line one line two"


def test_mark_read_touches_only_the_users_own_notifications(db, make):
    me, other = make.user(Role.EMPLOYEE), make.user(Role.EMPLOYEE)
    now = utcnow()
    mine = [notify(me, "t", SUBJECT, BODY, params=PARAMS, link=None, now=now) for _ in range(3)]
    theirs = notify(other, "t", SUBJECT, BODY, params=PARAMS, link=None, now=now)
    assert unread_count(me) == 3

    assert mark_read(me, [mine[0].id, theirs.id], now) == 1
    assert unread_count(me) == 2 and unread_count(other) == 1
    assert mark_read(me, ALL, now) == 2
    assert mark_read(me, ALL, now) == 0
    assert unread_count(me) == 0 and unread_count(other) == 1
    db.session.refresh(mine[2])
    assert mine[2].read_at == now


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------


def test_backoff_grows_then_stays_at_twelve_hours():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 8)]
    assert minutes == [1, 5, 30, 120, 720, 720, 720]


def test_send_outbox_delivers_proper_utf8_mail(db, make, smtp):
    user = make.user(Role.EMPLOYEE)
    now = utcnow()
    notify(user, "test", SUBJECT, BODY, params=PARAMS, link="/kurse/7", now=now)

    result = send_outbox(now)

    assert (result.sent, result.failed, result.stopped) == (1, 0, None)
    [envelope] = smtp.inbox.envelopes
    assert envelope.mail_from == "akademie@stadt.example"
    assert envelope.rcpt_tos == [user.email]
    [msg] = smtp.inbox.messages
    assert msg["Subject"] == SUBJECT_DE
    assert b"=?utf-8?" in envelope.content  # the umlaut subject is encoded, not raw 8 bit
    assert msg["From"] == "Digitalakademie <akademie@stadt.example>"
    assert msg["To"] == user.email
    assert msg["Date"] and msg["Message-ID"].endswith("@stadt.example>")
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    content = msg.get_content()
    assert BODY_DE in content and FOOTER_DE in content
    assert "https://akademie.stadt.example/kurse/7" in content
    assert all(byte < 128 for byte in envelope.content)  # quoted-printable: 7-bit safe
    [row] = outbox_rows(db)
    assert row.sent_at is not None and row.claimed_until is None and row.attempts == 0
    assert status_of(row) == "sent"

    again = send_outbox(now + timedelta(hours=1))
    assert again.sent == 0 and len(smtp.inbox.envelopes) == 1
    assert "1 versandt" in result.summary()


def test_without_mail_server_nothing_is_sent_and_the_summary_says_so(db, make, monkeypatch, app):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    user = make.user(Role.EMPLOYEE)
    notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow())

    result = send_outbox(utcnow())

    assert result.disabled and result.waiting == 1
    assert "nicht eingerichtet" in result.summary() and "1 Nachricht" in result.summary()
    [row] = outbox_rows(db)
    assert (row.attempts, row.sent_at, row.last_error) == (0, None, None)


def test_server_down_keeps_the_message_and_sends_it_later(db, make, mail_port):
    user = make.user(Role.EMPLOYEE)
    now = utcnow()
    notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)

    down = send_outbox(now)  # nothing listens on the port

    assert (down.sent, down.failed) == (0, 1) and down.stopped
    [row] = outbox_rows(db)
    assert row.attempts == 1 and row.last_error and row.sent_at is None
    assert row.claimed_until is None
    assert now + timedelta(minutes=1) <= row.send_after < now + timedelta(minutes=2)
    assert status_of(row) == "waiting"

    # Within the back-off nothing is tried (not even a connection).
    assert send_outbox(now + timedelta(seconds=30)).failed == 0
    assert outbox_rows(db)[0].attempts == 1

    server = SMTPServer(mail_port)
    server.start()
    try:
        later = send_outbox(now + timedelta(minutes=2))
    finally:
        server.stop()
    assert later.sent == 1
    [msg] = server.inbox.messages
    assert msg["Subject"] == SUBJECT_DE
    [row] = outbox_rows(db)
    assert row.sent_at is not None and row.attempts == 1


def test_an_unreachable_server_stops_the_batch_after_one_attempt(db, make, mail_port):
    now = utcnow()
    for _ in range(3):
        notify(make.user(Role.EMPLOYEE), "t", SUBJECT, BODY, params=PARAMS, link=None, now=now)

    result = send_outbox(now)

    assert result.failed == 1
    assert sorted(r.attempts for r in outbox_rows(db)) == [0, 0, 1]


def test_after_ten_failures_the_message_waits_for_an_administrator(db, make, mail_port):
    admin = make.user(Role.ADMIN)
    user = make.user(Role.EMPLOYEE)
    now = utcnow()
    notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)
    [row] = outbox_rows(db)
    row.attempts = MAX_ATTEMPTS - 1
    db.session.commit()

    assert send_outbox(now).failed == 1
    [row] = outbox_rows(db)
    assert row.attempts == MAX_ATTEMPTS and status_of(row) == "failed"
    assert send_outbox(now + timedelta(days=30)).failed == 0  # no longer tried

    retry(admin, row, now + timedelta(days=30))
    assert (row.attempts, row.send_after) == (0, now + timedelta(days=30))
    server = SMTPServer(mail_port)
    server.start()
    try:
        assert send_outbox(now + timedelta(days=30)).sent == 1
    finally:
        server.stop()
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "outbox.retry"))
    assert entry.object_id == str(row.id) and entry.from_state == "failed"


def test_a_message_claimed_by_another_sender_is_left_alone(db, make, smtp):
    user = make.user(Role.EMPLOYEE)
    now = utcnow()
    notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)
    [row] = outbox_rows(db)
    row.claimed_until = now + timedelta(minutes=5)
    db.session.commit()

    assert send_outbox(now).sent == 0
    assert smtp.inbox.envelopes == []
    # A claim that ran out (its sender died) is taken over.
    assert send_outbox(now + timedelta(minutes=6)).sent == 1


# ---------------------------------------------------------------------------
# Several senders at once, on a real database of their own (committed, not rolled back)
# ---------------------------------------------------------------------------


@pytest.fixture()
def private_database(app: Flask, tmp_path: Any) -> Iterator[None]:
    """Point the app at a fresh, migrated database for the duration of the test: a new
    SQLite file, or a new PostgreSQL database beside the test database."""
    from flask_migrate import upgrade

    with app.app_context():
        engines = _db._app_engines[app]
        original = engines[None]
    url = original.url
    admin_engine = None
    if url.get_backend_name() == "postgresql":
        name = f"{url.database}_senders_{os.getpid()}"[:63]
        admin_engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(url.set(database=name))
    else:
        engine = create_engine(make_url(f"sqlite:///{tmp_path / 'senders.sqlite'}"))
        _configure_sqlite(engine)
    engines[None] = engine
    try:
        with app.app_context():
            upgrade()
        yield
    finally:
        engines[None] = original
        engine.dispose()
        if admin_engine is not None:
            drop_scratch_database(admin_engine, name)
            admin_engine.dispose()


def test_concurrent_senders_never_send_a_message_twice(app, private_database, smtp):
    count, senders = 40, 4
    now = utcnow()
    with app.app_context():
        for _ in range(count):
            user = factories.user(Role.EMPLOYEE)
            notify(user, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)
        _db.session.commit()

    barrier = threading.Barrier(senders)
    results: list[Any] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            with app.app_context():
                barrier.wait()
                results.append(send_outbox(now, batch=count))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(r.sent for r in results) == count
    assert sum(r.failed for r in results) == 0
    delivered = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(delivered) == count and len(set(delivered)) == count
    with app.app_context():
        unsent = _db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
        assert unsent == 0


# ---------------------------------------------------------------------------
# flask academy tick
# ---------------------------------------------------------------------------


@pytest.fixture()
def steps() -> Iterator[list[str]]:
    """Only the outbox sender and this test's steps are registered (the packages' own steps
    are put back afterwards); yields the call log."""
    import academy.notifications.outbox  # noqa: F401 - registers the sender

    before = dict(scheduler._STEPS)
    scheduler._STEPS.clear()
    scheduler._STEPS["outbox"] = before["outbox"]
    calls: list[str] = []
    try:
        yield calls
    finally:
        scheduler._STEPS.clear()
        scheduler._STEPS.update(before)


def test_tick_runs_every_step_and_reports_a_failing_one(app, steps, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")

    def ok(now: Any) -> str:
        steps.append("ok")
        return "Fristen geprüft: 0 abgelaufen."

    def broken(now: Any) -> str:
        steps.append("broken")
        raise RuntimeError("kaputt")

    def later(now: Any) -> str:
        steps.append("later")
        return "Erinnerungen: 2 vorgemerkt."

    register_tick_step("test-later", later, order=30)
    register_tick_step("test-ok", ok, order=10)
    register_tick_step("test-broken", broken, order=20)

    result = app.test_cli_runner().invoke(args=["academy", "tick"])

    assert result.exit_code == 1
    assert steps == ["ok", "broken", "later"]
    out, err = result.stdout, result.stderr
    assert "test-ok: Fristen geprüft: 0 abgelaufen." in out
    assert "test-later: Erinnerungen: 2 vorgemerkt." in out
    assert "test-broken: FEHLER – RuntimeError: kaputt" in err
    assert "1 Schritt(e) fehlgeschlagen: test-broken" in err
    lines = out.strip().splitlines()
    assert lines[-1].startswith("outbox: E-Mail-Versand ist nicht eingerichtet")


def test_tick_exits_zero_when_every_step_succeeds(app, steps, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    register_tick_step("test-ok", lambda now: steps.append(now) or "gut", order=10)

    result = app.test_cli_runner().invoke(args=["academy", "tick", "--step", "test-ok"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "test-ok: gut"
    assert len(steps) == 1 and steps[0].tzinfo is not None


def test_registering_a_step_again_replaces_it(steps):
    register_tick_step("test-twice", lambda now: "first", order=10)
    register_tick_step("test-twice", lambda now: "second", order=5)

    named = [s for s in scheduler.tick_steps() if s.name == "test-twice"]
    assert len(named) == 1 and named[0].order == 5 and named[0].fn(utcnow()) == "second"


def test_the_outbox_sender_is_the_last_step():
    import academy.notifications.outbox  # noqa: F401

    ordered = scheduler.tick_steps()
    assert ordered[-1].name == "outbox" and ordered[-1].order == 900


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


@pytest.fixture()
def english(client):
    client.set_cookie("da_lang", "en")


def test_list_shows_only_own_notifications_newest_first(client, login_as, make, english):
    me = login_as(Role.EMPLOYEE)
    me.locale = "en"
    other = make.user(Role.EMPLOYEE)
    now = utcnow()
    notify(
        me,
        "t",
        "Older subject",
        "One\n\nTwo\nthree",
        params={},
        link=None,
        now=now - timedelta(hours=1),
    )
    notify(me, "t", "Newer subject", "Body two", params={}, link="/kurse/1", now=now)
    read = notify(me, "t", "Read subject", "Body three", params={}, link=None, now=now)
    mark_read(me, [read.id], now)
    notify(other, "t", "Someone else's subject", "Secret", params={}, link=None, now=now)

    html = client.get("/benachrichtigungen").get_data(as_text=True)

    assert "Older subject" in html and "Newer subject" in html
    assert "Someone else" not in html and "Secret" not in html
    assert html.index("Newer subject") < html.index("Older subject")
    assert html.count(">new</span>") == 2  # unread marked with text, not only colour
    assert "2 unread" in html
    assert "<p>One</p>" in html and "<p>Two<br>three</p>" in html


def test_list_in_german_marks_unread_as_neu(client, login_as):
    me = login_as(Role.EMPLOYEE)
    notify(me, "t", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow())

    html = client.get("/benachrichtigungen").get_data(as_text=True)

    assert SUBJECT_DE in html and ">neu</span>" in html and "1 ungelesen" in html
    assert "Alle als gelesen markieren" in html


def test_another_users_notification_cannot_be_opened_or_marked(client, login_as, make, db):
    login_as(Role.EMPLOYEE)
    other = make.user(Role.EMPLOYEE)
    theirs = notify(other, "t", "Theirs", "Body", params={}, link="/x", now=utcnow())
    db.session.commit()

    response = client.post(f"/benachrichtigungen/{theirs.id}")

    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_only_local_links(client, login_as, db):
    me = login_as(Role.EMPLOYEE)
    now = utcnow()
    local = notify(me, "t", "Local", "Body", params={}, link="/kurse/3?x=1", now=now)
    evil = notify(me, "t", "Evil", "Body", params={}, link="https://evil.example/", now=now)
    plain = notify(me, "t", "Plain", "Body", params={}, link=None, now=now)
    db.session.commit()

    response = client.post(f"/benachrichtigungen/{local.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/kurse/3?x=1"
    response = client.post(f"/benachrichtigungen/{evil.id}")
    assert response.headers["Location"] == "/benachrichtigungen"
    response = client.post(f"/benachrichtigungen/{plain.id}")
    assert response.headers["Location"] == "/benachrichtigungen"
    for n in (local, evil, plain):
        db.session.refresh(n)
        assert n.read_at is not None


def test_mark_all_read(client, login_as, make, db, english):
    me = login_as(Role.EMPLOYEE)
    other = make.user(Role.EMPLOYEE)
    now = utcnow()
    for _ in range(3):
        notify(me, "t", "Mine", "Body", params={}, link=None, now=now)
    notify(other, "t", "Theirs", "Body", params={}, link=None, now=now)
    db.session.commit()

    response = client.post("/benachrichtigungen/alle-gelesen", follow_redirects=True)

    assert "3 notifications marked as read." in response.get_data(as_text=True)
    assert unread_count(me) == 0 and unread_count(other) == 1


def test_unread_count_for_the_navigation(app, db, make):
    user = make.user(Role.EMPLOYEE)
    for _ in range(2):
        notify(user, "t", "S", "B", params={}, link=None, now=utcnow())
    with app.test_request_context("/"):
        login_user(user)
        assert render_template_string("{{ unread_notifications() }}") == "2"


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HR, Role.COUNCIL, Role.TRAINER])
def test_outbox_page_is_for_administrators_only(client, login_as, role, db, make):
    login_as(role)
    user = make.user(Role.EMPLOYEE)
    notify(user, "t", "S", "B", params={}, link=None, now=utcnow())
    [row] = outbox_rows(db)
    db.session.commit()

    assert client.get("/verwaltung/postausgang").status_code == 403
    assert client.post(f"/verwaltung/postausgang/{row.id}/erneut").status_code == 403


def test_outbox_page_shows_status_and_retries(client, login_as, make, db, english):
    login_as(Role.ADMIN)
    user = make.user(Role.EMPLOYEE)
    now = utcnow()
    notify(user, "t", "Failed one", "B", params={}, link=None, now=now)
    notify(user, "t", "Sent one", "B", params={}, link=None, now=now)
    failed, sent = outbox_rows(db)
    failed.attempts, failed.last_error = MAX_ATTEMPTS, "ConnectionRefusedError: nope"
    sent.sent_at = now
    db.session.commit()

    html = client.get("/verwaltung/postausgang").get_data(as_text=True)
    assert "Failed after 10 attempts" in html and "ConnectionRefusedError: nope" in html
    assert "Sent one" in html
    only_failed = client.get("/verwaltung/postausgang?status=failed").get_data(as_text=True)
    assert "Failed one" in only_failed and "Sent one" not in only_failed

    response = client.post(f"/verwaltung/postausgang/{failed.id}/erneut", data={"status": "failed"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verwaltung/postausgang?status=failed")
    db.session.refresh(failed)
    assert failed.attempts == 0 and status_of(failed) == "waiting"

    response = client.post(f"/verwaltung/postausgang/{sent.id}/erneut", follow_redirects=True)
    assert "has been sent or is being sent" in response.get_data(as_text=True)
    db.session.refresh(sent)
    assert sent.sent_at is not None
