"""Inviting a member of staff without an account, in Chromium, axe-core (WCAG 2.1 AA)
and the CSP checked on every page:

1. the demo HR account opens "Einladungen" from the navigation, finds a person of the
   demo city who has no account by their personnel number, ticks them, invites them and
   confirms;
2. the e-mail goes out through a real SMTP server on loopback (aiosmtpd) when the outbox
   is sent, as ``flask academy tick`` sends it;
3. in a browser of their own, the person opens the link from that e-mail, sets a
   password and lands, signed in, on their German start page; the link does not work a
   second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import exists, select

from academy.accounts.invitations.models import AccountInvitation
from academy.accounts.models import User
from academy.clock import utcnow
from academy.extensions import db
from academy.notifications.outbox import send_outbox
from academy.org.models import Employee
from tests.e2e.journey import (
    checked,
    click_and_check,
    go,
    log_in,
    nav_menu_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)
from tests.smtp import SMTPServer, free_port

pytestmark = pytest.mark.e2e

INVITATIONS_PATH = "/verwaltung/einladungen"
PASSWORD = "Laterne Kompass Wiesenweg"


@pytest.fixture()
def mail_server(
    e2e_app: Flask, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SMTPServer]:
    """The live server's app sends to a real SMTP server; links point at the live server."""
    server = SMTPServer(free_port())
    monkeypatch.setitem(e2e_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(e2e_app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(e2e_app.config, "MAIL_FROM", "Digitalakademie <akademie@stadt.example>")
    monkeypatch.setitem(e2e_app.config, "BASE_URL", base_url)
    monkeypatch.setitem(e2e_app.config, "LOCAL_LOGIN", True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def someone_without_an_account(e2e_app: Flask) -> Employee:
    """A person in service of the demo city without an account and without an
    invitation, with an e-mail address in their personnel record."""
    with e2e_app.app_context():
        person = db.session.scalar(
            select(Employee)
            .where(
                Employee.active.is_(True),
                Employee.email.is_not(None),
                ~exists(select(User.id).where(User.employee_id == Employee.id)),
                ~exists(
                    select(AccountInvitation.id).where(AccountInvitation.employee_id == Employee.id)
                ),
            )
            .order_by(Employee.id.desc())
            .limit(1)
        )
        assert person is not None, "the demo city has nobody without an account"
        db.session.expunge(person)
        return person


def test_hr_invites_and_the_person_sets_a_password(
    e2e_app: Flask,
    open_page: Callable[[], Page],
    browser_problems: list[str],
    mail_server: SMTPServer,
) -> None:
    problems = browser_problems
    person = someone_without_an_account(e2e_app)

    # 1. HR finds the person among the staff without an account and invites them.
    hr = open_page()
    log_in(hr, problems, "hr")
    nav_menu_to(hr, problems, INVITATIONS_PATH)
    hr.fill("#q", person.personnel_no)
    click_and_check(hr, problems, "form[role=search] button[type=submit]")
    hr.check(f"#select-{person.id}")
    click_and_check(hr, problems, "#invite-form button[value=selected]")
    assert "1 Person wird eingeladen." in hr.locator("#invite-count").inner_text()
    click_and_check(hr, problems, "#confirm-invite")
    assert path_of(hr) == INVITATIONS_PATH
    assert "1 Einladung wurde erstellt" in hr.locator(".flash-messages").inner_text()

    # 2. The scheduled run sends the e-mail.
    with e2e_app.app_context():
        assert send_outbox(utcnow()).sent >= 1
    [mail] = [m for m in mail_server.inbox.messages if m["To"] == person.email]
    assert mail["Subject"] == "Ihr Zugang zur Digitalakademie"
    link = re.search(r"http://\S+/einladung/[A-Za-z0-9_-]+", mail.get_content())
    assert link, mail.get_content()

    # 3. The person opens the link in a browser of their own and sets a password.
    own = open_page()
    go(own, problems, urlsplit(link.group(0)).path)
    assert person.full_name in own.locator("main").inner_text()
    own.fill("#password", PASSWORD)
    own.fill("#repeat", PASSWORD)
    click_and_check(own, problems, "#set-password")
    assert path_of(own) == "/"
    assert own.locator("html").get_attribute("lang") == "de"
    assert person.full_name in own.locator("header").inner_text()
    assert "Ihr Konto ist eingerichtet" in own.locator(".flash-messages").inner_text()

    # The link is used up.
    again = open_page()
    response = again.goto(urlsplit(link.group(0)).path)
    assert response is not None and response.status == 410
    checked(again, problems)
    assert "bereits ein Passwort" in again.locator("#link-problem").inner_text()
