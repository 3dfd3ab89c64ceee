"""Notices reach every person: addressed to an employee with or without an account, the
e-mail goes to the personnel record's address (German unless the account chose another
language) and the in-app notice waits for the first sign-in; people who left get none.
Delivered by a real SMTP server on loopback."""

from __future__ import annotations

from sqlalchemy import func, select

from academy.accounts.management import create_account
from academy.accounts.models import Role
from academy.clock import utcnow
from academy.notifications.models import Notification, OutboxAttachment, OutboxMessage
from academy.notifications.notices import Attachment, mark_read, notify, unread_count
from academy.notifications.outbox import send_outbox
from academy.notifications.recipients import recipient_of, recipients_for
from tests import factories
from tests.conftest import log_in
from tests.smtp import mail_port_fixture, part, smtp_fixture  # noqa: F401 - the fixtures

SUBJECT = "The message will be sent at the next run."
SUBJECT_DE = "Die Nachricht wird beim nächsten Lauf versandt."
BODY = "The session is full: %(name)s is number %(n)s on the waiting list."
PARAMS = {"name": "Eva Groß", "n": 3}
#: what the body says in German
SAID = "Eva Groß steht an Position 3 der Warteliste"


def test_a_notice_to_a_person_without_an_account_arrives_by_email(db, smtp):
    emp = factories.employee(first_name="Ida", last_name="Ohnekonto", email="ida@stadt.example")
    now = utcnow()

    note = notify(emp, "test", SUBJECT, BODY, params=PARAMS, link="/kurse/7", now=now)

    assert (note.employee_id, note.user_id, note.subject) == (emp.id, None, SUBJECT_DE)
    assert send_outbox(now).sent == 1
    [envelope] = smtp.inbox.envelopes
    assert envelope.rcpt_tos == ["ida@stadt.example"]
    [message] = smtp.inbox.messages
    assert message["Subject"] == SUBJECT_DE
    assert SAID in message.get_content()
    assert "https://akademie.stadt.example/kurse/7" in message.get_content()


def test_the_personnel_record_address_wins_and_the_account_chooses_the_language(db, smtp):
    emp = factories.employee(email="dienst@stadt.example")
    user = factories.user(Role.EMPLOYEE, emp=emp, email="privat@example.org")
    user.locale = "en"
    now = utcnow()

    note = notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)

    assert (note.employee_id, note.user_id, note.subject) == (emp.id, user.id, SUBJECT)
    send_outbox(now)
    [envelope] = smtp.inbox.envelopes
    assert envelope.rcpt_tos == ["dienst@stadt.example"]
    assert smtp.inbox.messages[0]["Subject"] == SUBJECT


def test_without_an_address_in_the_record_the_accounts_address_is_used(db):
    emp = factories.employee(email=None)
    factories.user(Role.EMPLOYEE, emp=emp, email="konto@stadt.example")
    notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow())
    assert db.session.scalar(select(OutboxMessage.to_address)) == "konto@stadt.example"


def test_the_in_app_notice_waits_for_the_first_sign_in(client, db):
    emp = factories.employee()
    now = utcnow()
    first = notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)
    notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now)

    account = create_account(
        None, email=emp.email, display_name=emp.full_name, password=None, employee=emp
    )
    assert unread_count(account) == 2
    log_in(client, account)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert page.count(SAID) == 2
    assert "2 ungelesen" in client.get("/").get_data(as_text=True)
    opened = client.post(f"/benachrichtigungen/{first.id}")
    assert opened.status_code == 302
    assert unread_count(account) == 1
    assert mark_read(account, "all", now) == 1


def test_another_persons_waiting_notice_stays_theirs(client, db):
    emp = factories.employee()
    theirs = notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow())
    me = factories.user(Role.EMPLOYEE)
    log_in(client, me)
    assert client.post(f"/benachrichtigungen/{theirs.id}").status_code == 404
    assert SUBJECT_DE not in client.get("/benachrichtigungen").get_data(as_text=True)
    assert mark_read(me, [theirs.id], utcnow()) == 0


def test_people_who_left_get_nothing_and_everyone_else_is_found_at_once(db):
    with_account = factories.user(Role.EMPLOYEE).employee
    without = factories.employee()
    left = factories.employee(active=False)
    no_address = factories.employee(email=None)

    found = recipients_for([with_account.id, without.id, left.id, no_address.id, None, 424242])

    assert set(found) == {with_account.id, without.id, no_address.id}
    assert found[without.id].user_id is None and found[without.id].address == without.email
    assert found[no_address.id].address is None
    assert recipient_of(left).address is None


def test_thirty_three_decisions_reach_thirty_three_people(db, app):
    """The fast-track case of the issue: decisions to 33 applicants without accounts."""
    from talent.programmes.notices.selection import REJECTED, notify_decisions
    from tests.talent import programme_factories as pf

    cohort = pf.cohort()
    outcome = {factories.employee().id: REJECTED for _ in range(33)}
    notify_decisions(cohort, outcome, utcnow())

    assert db.session.scalar(select(func.count()).select_from(Notification)) == 33
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 33


def test_an_attachment_travels_with_its_message_and_the_outbox_names_it(client, db, smtp):
    emp = factories.employee(email="anhang@stadt.example")
    files = [
        Attachment("plan.pdf", "application/pdf", lambda address: b"%PDF-1.4 " + address.encode())
    ]
    now = utcnow()
    notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=now, attachments=files)
    [stored] = db.session.scalars(select(OutboxAttachment)).all()
    assert stored.content == b"%PDF-1.4 anhang@stadt.example"

    log_in(client, factories.user(Role.ADMIN, with_employee=False))
    assert "Anhang: plan.pdf" in client.get("/verwaltung/postausgang").get_data(as_text=True)
    send_outbox(now)
    [message] = smtp.inbox.messages
    pdf = part(message, "application/pdf")
    assert pdf.get_filename() == "plan.pdf"
    assert pdf.get_content() == b"%PDF-1.4 anhang@stadt.example"
    assert SAID in part(message, "text/plain").get_content()


def test_no_attachment_is_made_for_someone_without_an_address(db):
    made = []
    emp = factories.employee(email=None)
    files = [Attachment("x.ics", "text/calendar; method=REQUEST", made.append)]
    notify(emp, "test", SUBJECT, BODY, params=PARAMS, link=None, now=utcnow(), attachments=files)
    assert made == [] and db.session.scalar(select(func.count()).select_from(OutboxAttachment)) == 0
