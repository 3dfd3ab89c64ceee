"""External training through the real UI in Chromium, each person in a browser context of
their own, axe-core (WCAG 2.1 AA) and the CSP checked on every page visited: the demo
employee requests an external course (with the offer as a PDF), her head supports it
beside the budget check, HR development approves it, and it appears in her learning
record and as a committed booking in the unit's budget.

The training lies more than a year ahead (past the demo data's horizon) and its title is
unique per run, so the journey depends neither on the demo's requests nor on other runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.org.models import Department
from tests.e2e.journey import (
    click_and_check,
    demo_user,
    go,
    log_in,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def berlin_day(days: int, hour: int) -> datetime:
    today = to_berlin(utcnow()).date()
    return datetime.combine(today + timedelta(days=days), time(hour, 0))


def test_employee_requests_head_and_hr_approve_it_is_learnt_and_booked(
    e2e_app: Flask,
    open_page: Callable[[], Page],
    browser_problems: list[str],
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from courses.external.models import ExternalRequest, RequestState

    monkeypatch.setitem(e2e_app.config, "EXTERNAL_ATTACHMENT_DIR", str(tmp_path))
    problems = browser_problems
    title = f"Cloud-Grundlagen E2E {secrets.token_hex(3).upper()}"
    start, end = berlin_day(400, 9), berlin_day(401, 16)
    offer = tmp_path / "Angebot Cloud Campus.pdf"
    offer.write_bytes(PDF)

    # The employee requests the training with the offer attached.
    employee = open_page()
    log_in(employee, problems, "employee")
    nav_to(employee, problems, "/kurse/extern")
    click_and_check(employee, problems, "#new-request")
    employee.fill("#title", title)
    employee.fill("#provider", "Cloud Campus GmbH")
    employee.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    employee.fill("#ends_at", end.strftime("%Y-%m-%dT%H:%M"))
    employee.check("input[name=mode][value=online]")
    employee.fill("#duration_ue", "12")
    employee.fill("#cost", "890,00")
    employee.fill("#reason", "Für die Bewertung der Cloud-Angebote im Rahmen der Cloud-Strategie.")
    employee.set_input_files("#offer", str(offer))
    click_and_check(employee, problems, "#external-form button[type=submit]")
    with e2e_app.app_context():
        request = db.session.scalar(select(ExternalRequest).where(ExternalRequest.title == title))
        assert request is not None and request.state == RequestState.PENDING_HEAD
        request_id = request.id
    assert path_of(employee) == f"/kurse/extern/{request_id}"
    assert employee.locator("#files li").count() == 1

    # The head supports it, with the budget check beside the decision.
    head = open_page()
    log_in(head, problems, "head")
    nav_to(head, problems, "/kurse/extern/entscheidungen")
    assert head.locator(f"#request-{request_id}").count() == 1
    click_and_check(head, problems, f"#request-{request_id} a")
    assert head.locator("#budget-check").count() == 1
    head.fill("#comment", "Passt zur Cloud-Strategie des Amts.")
    click_and_check(head, problems, "#approve")
    assert head.locator(".flash-messages .alert-success").count() == 1

    # HR development approves it (below the limit: one approval).
    hr = open_page()
    log_in(hr, problems, "hr")
    go(hr, problems, "/kurse/extern/entscheidungen")
    click_and_check(hr, problems, f"#request-{request_id} a")
    assert hr.locator("#budget-check").count() == 1
    click_and_check(hr, problems, "#approve")
    with e2e_app.app_context():
        db.session.expire_all()
        approved = db.session.get(ExternalRequest, request_id)
        assert approved.state == RequestState.APPROVED and approved.enrolment_id is not None
        enrolment_id = approved.enrolment_id
        office = db.session.scalar(select(Department).where(Department.code == "12"))
        unit_id = office.id
        demo_user("employee")

    # It is in her learning record, linked to the request.
    nav_to(employee, problems, "/kurse/meine")
    row = employee.locator(f"#upcoming #enrolment-{enrolment_id}")
    assert row.count() == 1 and title in row.inner_text()
    click_and_check(employee, problems, f"#upcoming #enrolment-{enrolment_id} th a")
    assert path_of(employee) == f"/kurse/extern/{request_id}"

    # And in the budget of the head's office: a committed place of 890 €.
    year = start.year
    go(head, problems, f"/kurse/budgets/bereich/{unit_id}?jahr={year}")
    booked = head.locator("#bookings tbody tr", has_text=title)
    assert booked.count() == 1
    assert "890,00" in booked.inner_text() and "Gebunden" in booked.inner_text()
