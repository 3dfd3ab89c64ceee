"""Every demo role on a phone (390 px) and on a laptop (1366 px), in Chromium.

On the phone each page of the role's navigation (dropdown entries included) fits the
screen: the document scrolls no wider than the viewport, anything wider sits inside a
labelled scroll region (``role=region`` with an accessible name, see the macro
``scroll_region``), and axe-core reports no violation. On the laptop the main navigation
is one line high.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.axe import a11y_report
from tests.e2e.conftest import Account, demo_accounts

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LOGIN_PATH = "/anmelden"

#: Elements reaching beyond the viewport that are not inside a labelled scroll region.
OVERFLOW_OUTSIDE_REGIONS = """() => {
  const width = document.documentElement.clientWidth;
  const labelled = (el) => el.getAttribute('role') === 'region'
    && (el.getAttribute('aria-label') || '').trim() !== ''
    || el.getAttribute('role') === 'region' && (el.getAttribute('aria-labelledby') || '')
      .split(/\\s+/).some((id) => id && (document.getElementById(id)?.textContent || '').trim());
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
    let inside = false;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (labelled(up)) { inside = true; break; }
    }
    if (!inside) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      found.push(`${name} (${Math.round(box.left)}–${Math.round(box.right)} px)`);
    }
  }
  return found.slice(0, 5);
}"""

#: Table captions in a scroll region that reach beyond it (cut off at the right).
CAPTIONS_CUT = """() => [...document.querySelectorAll('.table-responsive > table > caption')]
  .filter((c) => c.getBoundingClientRect().right
    > c.closest('.table-responsive').getBoundingClientRect().right + 1)
  .map((c) => c.textContent.trim().slice(0, 60))"""

#: The top edges of the main navigation's entries (one line: all the same).
NAV_ROWS = """() => [...document.querySelectorAll('#mainnav > ul > li')]
  .filter((li) => li.getBoundingClientRect().height > 0)
  .map((li) => Math.round(li.getBoundingClientRect().top))"""


def log_in(page: Page, account: Account) -> None:
    page.goto(LOGIN_PATH)
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path == "/", f"{account.email} landed on {page.url}"


def nav_links(page: Page, base_url: str) -> list[str]:
    """The start page and every page of the header navigation (dropdown entries too)."""
    hrefs = page.eval_on_selector_all("header nav a[href]", "els => els.map(e => e.href)")
    links = [f"{base_url}/"]
    for href in hrefs:
        url = urldefrag(href).url
        if url.startswith(base_url + "/") and url not in links:
            links.append(url)
    return links


def width_problems(page: Page) -> list[str]:
    problems = []
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > PHONE["width"]:
        problems.append(f"{page.url} is {scroll_width} px wide at {PHONE['width']} px")
    outside = page.evaluate(OVERFLOW_OUTSIDE_REGIONS)
    if outside:
        problems.append(
            f"{page.url}: wider than the screen outside a labelled scroll region: "
            + ", ".join(outside)
        )
    cut = page.evaluate(CAPTIONS_CUT)
    if cut:
        problems.append(f"{page.url}: table captions cut off at the right: " + "; ".join(cut))
    return problems


def menu_problems(page: Page) -> list[str]:
    """The collapsed navigation opens with its button and each dropdown opens inside it,
    within the screen and without an axe violation."""
    problems: list[str] = []
    toggler = page.locator("header nav .navbar-toggler")
    if not toggler.is_visible():
        return [f"the navigation of {page.url} is not collapsed at {PHONE['width']} px"]
    toggler.click()
    page.locator("#mainnav").wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('#mainnav.collapsing')")
    toggles = page.locator("header nav [data-bs-toggle=dropdown]")
    for i in range(toggles.count()):
        toggle = toggles.nth(i)
        toggle.click()
        if toggle.get_attribute("aria-expanded") != "true":
            problems.append(f"dropdown {toggle.inner_text()!r} does not open on a phone")
            continue
        problems += width_problems(page)
        report = a11y_report(page)
        if report:
            problems.append(f"(dropdown {toggle.inner_text()!r} open) {report}")
        toggle.click()
    return problems


def test_every_page_fits_a_phone(
    page: Page, base_url: str, browser_problems: list[str], account: Account
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, account)
    failures = menu_problems(page)
    links = nav_links(page, base_url)
    assert f"{base_url}/konto" in links, links
    for url in links:
        response = page.goto(url)
        status = response.status if response else None
        if status is None or status >= 400:
            failures.append(f"GET {url} answered {status}")
            continue
        failures += width_problems(page)
        report = a11y_report(page)
        if report:
            failures.append(report)
        failures += browser_problems
        browser_problems.clear()
    if failures:
        pytest.fail(
            f"{account.email} ({', '.join(account.roles)}), {len(links)} pages at "
            f"{PHONE['width']} px:\n\n" + "\n\n".join(failures),
            pytrace=False,
        )


def test_main_navigation_is_one_line_on_a_laptop(
    page: Page, browser_problems: list[str], account: Account
) -> None:
    page.set_viewport_size(LAPTOP)
    log_in(page, account)
    assert page.locator("header nav .navbar-toggler").is_hidden(), "collapsed at 1366 px"
    tops = page.evaluate(NAV_ROWS)
    assert tops, "the main navigation shows no entries"
    assert max(tops) - min(tops) <= 2, f"{account.email}: the navigation wraps ({tops})"
    brand = page.locator("header .navbar-brand").bounding_box()
    bar = page.locator("header nav.navbar").bounding_box()
    assert brand and bar and bar["height"] <= 2 * brand["height"] + 16, bar
    assert page.evaluate("() => document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_trainer_pages_below_the_navigation_fit_a_phone(
    page: Page, base_url: str, browser_problems: list[str]
) -> None:
    """One level below the navigation: the trainer's past sessions show what is urgent
    next to the course name (the status column is off-screen on a phone), and the past
    sessions' participants and printable sign-in sheets fit the screen too."""
    trainer = next(a for a in demo_accounts() if "trainer" in a.roles)
    page.set_viewport_size(PHONE)
    log_in(page, trainer)
    page.goto(f"{base_url}/kurse/trainer?zeit=vergangen")
    failures = width_problems(page)
    compact = page.locator("#trainer-sessions [data-status-compact]")
    assert compact.count() > 0, "no past session with open attendance in the demo"
    assert compact.first.is_visible(), "the open work is not shown beside the course name"
    rosters = page.eval_on_selector_all(
        "#trainer-sessions tbody th a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert rosters
    for roster in rosters[:6]:
        for path in (roster, roster.replace("/teilnehmende", "/anwesenheitsliste")):
            response = page.goto(base_url + path)
            assert response and response.status == 200, (path, response and response.status)
            failures += width_problems(page)
            report = a11y_report(page)
            if report:
                failures.append(report)
    failures += browser_problems
    assert not failures, "\n\n".join(failures)
