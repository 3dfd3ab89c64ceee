"""The read API's pages in Chromium, axe-core and the CSP checked on every page:

1. The administrator opens Administration → API access, is refused a token without a
   scope (German message at the field), creates one for the learning record with a
   purpose, copies the secret shown once, and an HR system (Playwright's request
   client, as curl would) reads a person's completions with it; the list then shows
   the last use; the administrator revokes the token after confirming, and the next
   call is refused with 401.
2. The API documentation (Swagger UI from the installed package, started by a script
   file of the app) renders every operation under the app's strict CSP.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from academy.extensions import db
from academy.org.models import Employee
from tests.e2e.axe import check_a11y
from tests.e2e.journey import (
    checked,
    click_and_check,
    go,
    log_in,
    nav_menu_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
)

pytestmark = pytest.mark.e2e

TOKENS = "/verwaltung/schnittstellen"


def submit_refused(page: Page, problems: list[str]) -> None:
    """Submit a form that is refused: 422 with the message at the field, page checked."""
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value is not None and navigation.value.status == 422
    check_a11y(page)
    assert not problems, problems


def test_admin_creates_uses_and_revokes_a_token(open_page, browser_problems, e2e_app):
    page: Page = open_page()
    log_in(page, browser_problems, "admin")
    nav_menu_to(page, browser_problems, TOKENS)
    click_and_check(page, browser_problems, f"main a[href='{TOKENS}/neu']")
    page.fill("#name", "SAP HCM Personalakte (E2E)")
    submit_refused(page, browser_problems)
    assert "mindestens einen Bereich" in page.inner_text("#scopes-error")
    page.check("input[name=scopes][value='learning:read']")
    page.fill("#purpose", "Übernahme der Fortbildungsnachweise in die Personalakte")
    click_and_check(page, browser_problems, "main form button[type=submit]")
    secret = page.input_value("#token-secret")
    assert secret.startswith("dak_")

    with e2e_app.app_context():
        number = db.session.scalar(
            select(Employee.personnel_no).where(Employee.active.is_(True)).limit(1)
        )
    url = f"/api/v1/people/{number}/completions"
    answer = page.request.get(url, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and answer.json()["person"]["personnel_no"] == number
    assert (
        page.request.get("/api/v1/courses", headers={"Authorization": f"Bearer {secret}"}).status
        == 403
    )

    go(page, browser_problems, TOKENS)
    row = page.locator("tbody tr", has_text="SAP HCM Personalakte (E2E)")
    assert "127.0.0.1" in row.inner_text() and secret not in page.content()
    with page.expect_navigation():
        row.locator("a", has_text="Widerrufen").click()
    checked(page, browser_problems)
    page.fill("#reason", "Test beendet")
    submit_refused(page, browser_problems)
    assert "Bitte bestätigen" in page.inner_text("main")
    page.check("#confirm")
    click_and_check(page, browser_problems, "main form button[type=submit]")
    assert "wurde widerrufen" in page.inner_text("main")
    refused = page.request.get(url, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401 and "widerrufen" in refused.json()["message"]


def test_documentation_renders_under_the_csp(open_page, browser_problems):
    page: Page = open_page()
    go(page, browser_problems, "/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock-summary-path")
    paths = page.locator("#swagger-ui .opblock-summary-path").all_inner_texts()
    assert any("/api/v1/people/{personnel_no}/completions" in p for p in paths), paths
    assert len(paths) >= 9
    checked(page, browser_problems)
