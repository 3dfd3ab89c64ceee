"""Every demo account logs in through the real form and opens every page its navigation
offers; each page must answer below 400, stay German, raise no CSP violation and pass
axe-core (WCAG 2.1 AA). Plus login errors, logout and the language switch."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

import academy
from tests.e2e.axe import a11y_report, check_a11y
from tests.e2e.conftest import Account, demo_accounts

pytestmark = pytest.mark.e2e

LOGIN_PATH = "/anmelden"
GERMAN_CATALOG = Path(academy.__file__).resolve().parent / "translations" / "de" / "LC_MESSAGES"


def german_catalog_exists() -> bool:
    """Once the German catalogue exists, pages must really be German, not only lang=de."""
    return any((GERMAN_CATALOG / name).exists() for name in ("messages.po", "messages.mo"))


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def assert_no_browser_problems(problems: list[str]) -> None:
    if problems:
        found = "\n".join(problems)
        problems.clear()
        pytest.fail(found, pytrace=False)


def submit_login(page: Page, email: str, password: str) -> Response | None:
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    return navigation.value


def log_in(page: Page, account: Account) -> Response | None:
    page.goto(LOGIN_PATH)
    return submit_login(page, account.email, account.password)


def nav_links(page: Page, base_url: str) -> list[str]:
    """Every link in the header navigation (dropdown items included), same origin only."""
    hrefs = page.eval_on_selector_all("header nav a[href]", "els => els.map(e => e.href)")
    links: list[str] = []
    for href in hrefs:
        url = urldefrag(href).url
        if url.startswith(base_url + "/") and url not in links:
            links.append(url)
    return links


def check_dropdowns(page: Page) -> list[str]:
    """Open each dropdown of the header (needs Bootstrap's JS under the CSP) and run axe
    on the open menu. Returns the problems found."""
    problems: list[str] = []
    toggles = page.locator("header nav [data-bs-toggle=dropdown]")
    for i in range(toggles.count()):
        toggle = toggles.nth(i)
        toggle.click()
        menu = toggle.locator("xpath=following-sibling::*[contains(@class,'dropdown-menu')]")
        if toggle.get_attribute("aria-expanded") != "true" or not menu.is_visible():
            problems.append(f"dropdown {toggle.inner_text()!r} on {page.url} does not open")
            continue
        report = a11y_report(page)
        if report:
            problems.append(f"(dropdown {toggle.inner_text()!r} open) {report}")
        page.keyboard.press("Escape")
    return problems


def test_demo_accounts_cover_every_role() -> None:
    accounts = demo_accounts()
    roles = {r for a in accounts for r in a.roles}
    assert {"employee", "head", "hr", "trainer", "council", "admin"} <= roles, roles
    assert len({a.email for a in accounts}) == len(accounts)


def test_role_pages(
    page: Page, base_url: str, browser_problems: list[str], account: Account
) -> None:
    response = log_in(page, account)
    assert response is not None and response.status == 200, (
        f"login of {account.email} answered {response and response.status}"
    )
    assert path_of(page) == "/", f"{account.email} landed on {page.url}, not the start page"
    assert html_lang(page) == "de"
    assert "Digital" in page.title()
    heading = page.locator("main h1")
    assert heading.count() == 1
    if german_catalog_exists():
        assert heading.inner_text().startswith("Willkommen"), heading.inner_text()
    failures: list[str] = []
    report = a11y_report(page)
    if report:
        failures.append(report)
    failures += check_dropdowns(page)
    assert_no_browser_problems(browser_problems)

    links = nav_links(page, base_url)
    assert f"{base_url}/konto" in links, links
    links = [url for url in links if url != f"{base_url}/"]  # the start page is checked above
    for url in links:
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            failures.append(f"GET {url} failed in the browser: {error.message}")
            continue
        status = response.status if response else None
        if status is None or status >= 400:
            failures.append(f"GET {url} answered {status}")
            continue
        if path_of(page) == LOGIN_PATH:
            failures.append(f"GET {url} sent {account.email} back to the login page")
            continue
        if html_lang(page) != "de":
            failures.append(f"{url} is not German: html lang={html_lang(page)!r}")
        report = a11y_report(page)
        if report:
            failures.append(report)
        failures += browser_problems
        browser_problems.clear()
    if failures:
        pytest.fail(
            f"{account.email} ({', '.join(account.roles)}), {len(links)} pages:\n\n"
            + "\n\n".join(failures),
            pytrace=False,
        )


def test_login_page_is_accessible(page: Page, browser_problems: list[str]) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert path_of(page) == LOGIN_PATH, "an anonymous visitor must be sent to the login page"
    assert html_lang(page) == "de"
    assert "Digital" in page.title()
    assert page.locator("#email").is_visible() and page.locator("#password").is_visible()
    check_a11y(page)
    assert_no_browser_problems(browser_problems)


def test_wrong_password_shows_error_at_the_field(page: Page, browser_problems: list[str]) -> None:
    account = demo_accounts()[0]
    page.goto(LOGIN_PATH)
    response = submit_login(page, account.email, account.password + "-falsch")
    assert response is not None and response.status == 401
    assert path_of(page) == LOGIN_PATH
    password = page.locator("#password")
    assert password.get_attribute("aria-invalid") == "true"
    assert "is-invalid" in (password.get_attribute("class") or "")
    error = page.locator("#password-error.invalid-feedback")
    assert error.is_visible() and error.inner_text().strip()
    assert "password-error" in (password.get_attribute("aria-describedby") or "").split()
    assert page.locator("#email").input_value() == account.email
    check_a11y(page)
    assert_no_browser_problems(browser_problems)


def test_logout(page: Page, browser_problems: list[str]) -> None:
    account = demo_accounts()[0]
    log_in(page, account)
    assert path_of(page) == "/"
    with page.expect_navigation():
        page.click("header form[action$='/abmelden'] button[type=submit]")
    assert path_of(page) == LOGIN_PATH
    assert page.locator(".flash-messages .alert").count() == 1
    check_a11y(page)
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert path_of(page) == LOGIN_PATH, "after logout the start page must ask for a login"
    assert page.locator("header form[action$='/abmelden']").count() == 0
    assert_no_browser_problems(browser_problems)


def test_language_switch(page: Page, browser_problems: list[str]) -> None:
    page.goto(LOGIN_PATH)
    assert html_lang(page) == "de"
    page.select_option("#lang-select", "en")
    with page.expect_navigation():
        page.click("footer form button[type=submit]")
    assert path_of(page) == LOGIN_PATH
    assert html_lang(page) == "en"
    assert page.locator("main h1").inner_text() == "Log in"
    assert "Digital Academy" in page.title()
    check_a11y(page)
    page.select_option("#lang-select", "de")
    with page.expect_navigation():
        page.click("footer form button[type=submit]")
    assert html_lang(page) == "de"
    assert_no_browser_problems(browser_problems)
