"""The invitation pages over HTTP: HR's list, confirmation and invitation (permissions,
bad input), and the page the link opens (wrong links, the password rules at the field,
the new account signed in on the German start page) — with the e-mail delivered by a
real SMTP server on loopback."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.invitations.sending import invite
from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.notifications.models import Notification, OutboxMessage
from academy.notifications.notices import notify
from academy.notifications.outbox import send_outbox
from tests import factories
from tests.querycount import count_queries
from tests.smtp import mail_port_fixture, smtp_fixture  # noqa: F401 - the fixtures

GOOD = "Kaffeetasse Fahrrad Wolke"
#: A message of the catalogue with its German translation, as a notice's text.
SUBJECT = "The message will be sent at the next run."
SUBJECT_DE = "Die Nachricht wird beim nächsten Lauf versandt."
INDEX = "/verwaltung/einladungen"


@pytest.fixture(autouse=True)
def _local_login(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", True)


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+/einladung/[A-Za-z0-9_-]+", body)
    assert match, body
    return urlsplit(match.group(0)).path


# ---------------------------------------------------------------------------
# HR's page
# ---------------------------------------------------------------------------


def test_hr_sees_staff_without_an_account_with_progress(client, login_as, db):
    dept = factories.department("Bürgeramt")
    factories.employee(dept, last_name="Ohnekonto")
    factories.user(Role.EMPLOYEE, emp=factories.employee(dept, last_name="Mitkonto"))
    factories.employee(dept, last_name="Ausgeschieden", active=False)
    login_as(Role.HR)

    page = client.get(INDEX)

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ohnekonto" in html and "Mitkonto" not in html and "Ausgeschieden" not in html
    assert "Einladungen" in html and "Fortschritt" in html
    assert 'name="employee_ids"' in html


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HEAD, Role.TRAINER, Role.COUNCIL])
def test_other_roles_may_not_see_or_invite(client, login_as, db, role):
    emp = factories.employee()
    login_as(role)
    assert client.get(INDEX).status_code == 403
    data = {"scope": "selected", "employee_ids": [emp.id], "confirm": "yes"}
    assert client.post(INDEX, data=data).status_code == 403
    assert count(db, AccountInvitation) == 0


def test_the_page_is_off_where_the_password_login_is_off(client, login_as, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", False)
    login_as(Role.HR)
    assert client.get(INDEX).status_code == 403


def test_inviting_asks_first_and_then_invites(client, login_as, db):
    people = [factories.employee() for _ in range(3)]
    login_as(Role.ADMIN)
    chosen = {"scope": "selected", "employee_ids": [people[0].id, people[2].id]}

    asked = client.post(INDEX, data=chosen)
    assert asked.status_code == 200
    assert "2 Personen werden eingeladen." in asked.get_data(as_text=True)
    assert count(db, AccountInvitation) == 0

    done = client.post(INDEX, data={**chosen, "confirm": "yes"}, follow_redirects=True)
    assert "2 Einladungen wurden erstellt" in done.get_data(as_text=True)
    invited = set(db.session.scalars(select(AccountInvitation.employee_id)))
    assert invited == {people[0].id, people[2].id}
    assert count(db, OutboxMessage) == 2


def test_everyone_in_the_filter_can_be_invited_across_pages(client, login_as, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    top = factories.department("Amt 61")
    child = factories.department("Abteilung 61.1", parent=top)
    inside = [factories.employee(child) for _ in range(3)] + [factories.employee(top)]
    outside = factories.employee()
    login_as(Role.HR)
    filter_ = {"department": str(top.id), "status": "not_invited", "q": ""}

    page = client.get(INDEX, query_string=filter_)
    assert "Alle im Filter einladen (4)" in page.get_data(as_text=True)
    asked = client.post(INDEX, data={**filter_, "scope": "filter"})
    assert "4 Personen werden eingeladen." in asked.get_data(as_text=True)
    client.post(INDEX, data={**filter_, "scope": "filter", "confirm": "yes"})

    invited = set(db.session.scalars(select(AccountInvitation.employee_id)))
    assert invited == {e.id for e in inside} and outside.id not in invited


@pytest.mark.parametrize(
    "data",
    [
        {"scope": "alles", "employee_ids": ["1"], "confirm": "yes"},
        {"scope": "selected", "employee_ids": [], "confirm": "yes"},
        {"scope": "selected", "employee_ids": ["abc", "-1", "\x00"], "confirm": "yes"},
        {"scope": "filter", "status": "<script>", "confirm": "yes"},
        {"scope": "selected", "department": "x" * 500, "employee_ids": ["1"], "confirm": "yes"},
    ],
)
def test_bad_input_changes_nothing_and_says_so_in_german(client, login_as, db, data):
    factories.employee()
    login_as(Role.HR)
    answer = client.post(INDEX, data=data, follow_redirects=True)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Bitte wählen Sie" in html or "Auswahl konnte nicht gelesen" in html
    assert count(db, AccountInvitation) == 0


def test_bad_filter_values_are_ignored_not_an_error(client, login_as, db):
    factories.employee(last_name="Sichtbar")
    login_as(Role.HR)
    for query in ({"department": "999999"}, {"status": "x"}, {"page": "-4"}, {"q": "\x00"}):
        answer = client.get(INDEX, query_string=query)
        assert answer.status_code == 200, query


def test_the_page_costs_the_same_whatever_the_number_of_people(client, login_as, db):
    """A fixed number of statements: the page's people, their invitations and the
    progress are read in one go each (no statement per row)."""
    login_as(Role.HR)
    actor = factories.user(Role.HR, with_employee=False)

    def counted() -> int:
        for url in (INDEX, INDEX + "?status=all"):
            client.get(url)  # warm-up
        with count_queries(db.engine) as queries:
            assert client.get(INDEX + "?status=all").status_code == 200
        return queries.count

    few = [factories.employee(factories.department()) for _ in range(3)]
    invite(actor, [few[0].id], utcnow())
    small = counted()
    many = [factories.employee(factories.department()) for _ in range(40)]
    invite(actor, [e.id for e in many[:20]], utcnow())
    assert counted() == small


# ---------------------------------------------------------------------------
# The link
# ---------------------------------------------------------------------------


def test_a_wrong_link_gets_a_german_page_not_an_account(client, db):
    answer = client.get("/einladung/gibt-es-nicht")
    assert answer.status_code == 404
    assert "Dieser Link ist ungültig" in answer.get_data(as_text=True)
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    posted = client.post("/einladung/gibt-es-nicht", data={"password": GOOD, "repeat": GOOD})
    assert posted.status_code == 404
    assert count(db, User) == 0


def test_the_whole_way_by_email_to_the_german_start_page(client, login_as, db, smtp):
    emp = factories.employee(
        first_name="Jana", last_name="Kowalski", email="j.kowalski@stadt.example"
    )
    # A notice written before the person has an account: it waits for them.
    notify(emp, "test", SUBJECT, SUBJECT, params={}, link=None, now=utcnow())
    hr = login_as(Role.HR)
    client.post(INDEX, data={"scope": "selected", "employee_ids": [emp.id], "confirm": "yes"})
    client.post("/abmelden")
    assert send_outbox(utcnow()).sent == 2

    [invitation] = [m for m in smtp.inbox.messages if "Zugang" in m["Subject"]]
    assert invitation["To"] == "j.kowalski@stadt.example"
    path = link_in(invitation.get_content())

    page = client.get(path)
    assert page.status_code == 200 and "Passwort festlegen" in page.get_data(as_text=True)
    weak = client.post(path, data={"password": "Kowalski2024!", "repeat": "Kowalski2024!"})
    assert weak.status_code == 422
    assert 'aria-invalid="true"' in weak.get_data(as_text=True)
    assert count(db, User) == 1  # only HR

    done = client.post(path, data={"password": GOOD, "repeat": GOOD})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    home = client.get("/")
    html = home.get_data(as_text=True)
    assert home.status_code == 200 and 'lang="de"' in html and "Jana Kowalski" in html
    notices = client.get("/benachrichtigungen").get_data(as_text=True)
    assert SUBJECT_DE in notices

    user = db.session.scalar(select(User).where(User.employee_id == emp.id))
    assert user is not None and user.id != hr.id
    again = client.get(path)
    assert again.status_code == 410 and "bereits ein Passwort" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
