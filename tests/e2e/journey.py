"""Browser helpers the journey tests share (test_course_journeys.py, test_team_journey.py):
a page per person in a browser context of its own, every page checked (status, German,
axe-core, no CSP violation or JavaScript error), the header navigation and the log-in.

Import ``open_page_fixture`` into a test module to use the ``open_page`` fixture there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_babel import force_locale
from playwright.sync_api import Browser, Page, Response
from sqlalchemy import select

from academy.accounts.models import User
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.extensions import db
from academy.i18n import translate
from tests.e2e.axe import check_a11y

LOGIN_PATH = "/anmelden"

#: The demo accounts the journeys log in with, by key.
ACCOUNTS = {a.key: a for a in DEMO_ACCOUNTS}


@pytest.fixture(name="open_page")
def open_page_fixture(
    browser: Browser, base_url: str, browser_problems: list[str]
) -> Iterator[Callable[[], Page]]:
    """Makes a page in a new browser context (its own cookies: one per person) that
    records CSP violations and JavaScript errors and accepts ``data-confirm`` dialogs."""
    contexts: list[Any] = []

    def make() -> Page:
        context = browser.new_context(
            base_url=base_url, locale="de-DE", timezone_id="Europe/Berlin"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                browser_problems.append(f"CSP violation on {page.url}: {message.text}")

        def on_page_error(error: Any) -> None:
            browser_problems.append(f"JavaScript error on {page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
    if browser_problems:
        pytest.fail("\n".join(browser_problems), pytrace=False)


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def checked(page: Page, problems: list[str], response: Response | None = None) -> None:
    """The page the browser shows now: answered below 400, German, no CSP violation or
    JavaScript error so far, and no axe-core violation."""
    if response is not None:
        assert response.status < 400, f"{page.url} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == "de", f"{page.url} is not German"
    check_a11y(page)
    if problems:
        found = "\n".join(problems)
        problems.clear()
        pytest.fail(found, pytrace=False)


def go(page: Page, problems: list[str], url: str) -> None:
    checked(page, problems, page.goto(url))


def click_and_check(page: Page, problems: list[str], selector: str) -> None:
    """Click something that loads a new page (a link, a submit button) and check it."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    checked(page, problems, navigation.value)


def nav_to(page: Page, problems: list[str], path: str) -> None:
    """Follow the header navigation's link to ``path`` (opening the collapsed menu first
    when the window is narrower than the navigation bar's breakpoint, and the dropdown
    the entry sits in: "Learning", "Team", "More", …)."""
    if page.locator(f"header nav .dropdown-menu a[href='{path}']").count():
        nav_menu_to(page, problems, path)
        return
    link = page.locator(f"header nav a[href='{path}']")
    toggler = page.locator("header nav .navbar-toggler")
    if not link.is_visible() and toggler.is_visible():
        toggler.click()
        link.wait_for(state="visible")
    click_and_check(page, problems, f"header nav a[href='{path}']")
    assert path_of(page) == path


def log_in(page: Page, problems: list[str], key: str) -> None:
    """Log in with the demo account ``key``."""
    account = ACCOUNTS[key]
    log_in_as(page, problems, account.email, account.password)


def log_in_as(page: Page, problems: list[str], email: str, password: str) -> None:
    go(page, problems, LOGIN_PATH)
    page.fill("#email", email)
    page.fill("#password", password)
    click_and_check(page, problems, "main form button[type=submit]")
    assert path_of(page) == "/", f"the login of {email} ended on {page.url}"


def german(app: Flask, message: str, **params: Any) -> str:
    """An English source text as the German pages show it (translated or not yet)."""
    with app.test_request_context(), force_locale("de"):
        return translate(message, **params)


def demo_user(key: str) -> User:
    """The demo account ``key`` in the live server's database."""
    user = db.session.scalar(select(User).where(User.email == ACCOUNTS[key].email))
    assert user is not None, f"the demo account {key!r} is missing"
    return user


def nav_menu_to(page: Page, problems: list[str], path: str) -> str:
    """Follow the header navigation's link to ``path`` when it sits in one of the
    dropdown menus (Learning, Team, HR, Administration, Staff council, More): open the
    collapsed menu and the dropdown first. Returns the dropdown's label (e.g. "HR")."""
    link = page.locator(f"header nav .dropdown-menu a[href='{path}']")
    assert link.count() == 1, f"no dropdown entry for {path} on {page.url}"
    toggler = page.locator("header nav .navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    dropdown = page.locator("header nav li.dropdown", has=page.locator(f"a[href='{path}']"))
    toggle = dropdown.locator("[data-bs-toggle=dropdown]")
    label = toggle.inner_text().strip()
    if not link.is_visible():
        toggle.click()
    link.wait_for(state="visible")
    click_and_check(page, problems, f"header nav .dropdown-menu a[href='{path}']")
    assert path_of(page) == path
    return label
