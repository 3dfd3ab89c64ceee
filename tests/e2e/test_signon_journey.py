"""Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider-mock in a
process of its own on loopback): an imported employee without an account clicks "Mit
Dienstkonto anmelden", signs in at the provider, lands on their German start page with the
roles their directory groups give, sees them on their account page, and signs out here and
at the provider. axe-core and the CSP are checked on every page of the academy."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.extensions import db
from academy.org.models import Employee
from tests.e2e.journey import (
    LOGIN_PATH,
    checked,
    go,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)
from tests.oidc_provider import OidcProvider, oidc_provider  # noqa: F401 - session fixture

pytestmark = pytest.mark.e2e


def _employee_without_account() -> Employee:
    """An active employee of the demo city who has never signed in (no account)."""
    has_account = select(User.employee_id).where(User.employee_id.is_not(None))
    employee = db.session.scalars(
        select(Employee)
        .where(Employee.active.is_(True), Employee.id.not_in(has_account))
        .order_by(Employee.personnel_no)
        .limit(1)
    ).first()
    assert employee is not None, "the demo city has no employee without an account"
    return employee


def test_an_employee_signs_in_with_the_work_account(
    e2e_app: Flask,
    base_url: str,
    oidc_provider: OidcProvider,  # noqa: F811
    open_page: Callable[[], Page],
    browser_problems: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in {
        "BASE_URL": base_url,
        "OIDC_ISSUER": oidc_provider.issuer,
        "OIDC_CLIENT_ID": "digitalakademie-e2e",
        "OIDC_CLIENT_SECRET": "e2e-secret",
        "ROLE_GROUPS": {"hr": ["/Personalentwicklung"]},
    }.items():
        monkeypatch.setitem(e2e_app.config, key, value)
    with e2e_app.app_context():
        employee = _employee_without_account()
        name, personnel_no = employee.full_name, employee.personnel_no
    oidc_provider.set_user(
        "e2e-sso-person",
        {
            "personnel_number": personnel_no,
            "email": f"{personnel_no.lower()}@sso.stadt.example",
            "name": name,
            "groups": ["/Personalentwicklung", "/Alle"],
        },
    )
    page = open_page()
    go(page, browser_problems, LOGIN_PATH)
    with page.expect_navigation():
        page.get_by_role("link", name="Mit Dienstkonto anmelden").click()
    # The provider's own page (not the academy's): the person signs in there.
    assert page.url.startswith(oidc_provider.issuer + "/oauth2/authorize")
    page.fill("input[name=sub]", "e2e-sso-person")
    with page.expect_navigation(url=f"{base_url}/") as navigation:
        page.get_by_role("button", name="Authorize").click()
    checked(page, browser_problems, navigation.value)
    assert path_of(page) == "/"
    assert name in page.locator("header").inner_text()
    welcome = page.locator("main").inner_text()
    assert f"Willkommen, {name}" in welcome
    assert "Beschäftigte/r" in welcome and "Personalentwicklung" in welcome  # the roles
    with e2e_app.app_context():
        user = db.session.scalar(select(User).where(User.external_subject == "e2e-sso-person"))
        assert user is not None and user.employee.personnel_no == personnel_no
        assert user.assigned_roles == {Role.HR} and user.password_hash is None
    go(page, browser_problems, "/konto")
    roles = page.locator("main dl").inner_text()
    assert "Beschäftigte/r" in roles and "Personalentwicklung" in roles
    assert "Passwort ändern" not in page.locator("main").inner_text()
    # Signing out ends the session here and sends the browser to the provider's logout.
    with page.expect_navigation():
        page.locator("header form[action='/abmelden'] button").click()
    assert page.url.startswith(oidc_provider.issuer + "/oauth2/end_session")
    with page.expect_navigation(url=f"{base_url}{LOGIN_PATH}*") as navigation:
        page.get_by_role("button", name="End session").click()
    checked(page, browser_problems, navigation.value)
    assert "abgemeldet" in page.locator("main").inner_text()
    go(page, browser_problems, "/konto?x=1")
    assert path_of(page) == LOGIN_PATH


def test_two_first_sign_ins_at_once_make_one_account(
    e2e_app: Flask,
    base_url: str,
    oidc_provider: OidcProvider,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A double click on the provider's page: two callbacks for one new person at the same
    moment against the threaded live server — both answered, one account."""
    for key, value in {
        "BASE_URL": base_url,
        "OIDC_ISSUER": oidc_provider.issuer,
        "OIDC_CLIENT_ID": "digitalakademie-e2e",
        "OIDC_CLIENT_SECRET": "e2e-secret",
    }.items():
        monkeypatch.setitem(e2e_app.config, key, value)
    with e2e_app.app_context():
        personnel_no = _employee_without_account().personnel_no
    oidc_provider.set_user("e2e-twice", {"personnel_number": personnel_no})
    browsers = [requests.Session(), requests.Session()]
    callbacks = []
    for browser in browsers:
        start = browser.get(f"{base_url}/anmelden/dienstkonto", allow_redirects=False, timeout=10)
        callbacks.append(oidc_provider.authorize(start.headers["Location"], "e2e-twice"))
    barrier = threading.Barrier(2)

    def finish(index: int) -> int:
        barrier.wait()
        answer = browsers[index].get(callbacks[index], allow_redirects=False, timeout=30)
        return answer.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(finish, range(2)))
    assert statuses == [302, 302]
    with e2e_app.app_context():
        linked = db.session.scalars(select(User).where(User.external_subject == "e2e-twice")).all()
        assert len(linked) == 1 and linked[0].employee.personnel_no == personnel_no
    for browser in browsers:  # both browsers are signed in
        assert (
            browser.get(f"{base_url}/konto", allow_redirects=False, timeout=10).status_code == 200
        )
