"""Mandatory training and team bookings through the real UI in Chromium, each person in
a browser context of their own, axe-core (WCAG 2.1 AA) and the CSP checked on every
page visited:

1. HR assigns a data protection training to a job role (HR menu → Mandatory training →
   assign); an employee with that role sees it due on her start page and in "My
   learning", enrols in the course's session from the course page and sees herself
   enrolled; once the session has taken place (attendance and result recorded through
   the services with the session's end as the time — the roster pages themselves are
   the course journeys'), her start page says "Erledigt bis …" (done until).
2. The demo head books a member of his team into a session from "Book for my team" and
   opens his team's mandatory training: figures per unit and the people list.

Each test makes its own course, session, job role and people through the services,
committed in the live server's database, so the journeys depend neither on the demo
data nor on each other.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.clock import berlin_to_utc, to_berlin, utcnow
from academy.extensions import db
from academy.org.models import Department, Employee, JobRole
from tests.e2e.journey import (
    click_and_check,
    demo_user,
    log_in,
    log_in_as,
    nav_menu_to,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

PASSWORD = "E2E-Pflicht-Passwort-2026!"


def _session_start(days: int) -> datetime:
    day = to_berlin(utcnow()).date() + timedelta(days=days)
    return berlin_to_utc(datetime.combine(day, time(9, 0)))


def make_course(tag: str, *, capacity: int = 8, days: int = 30) -> dict[str, Any]:
    """A course with one session ``days`` from today, made by the demo HR account."""
    from courses.catalogue.categories import create_category
    from courses.catalogue.editing import CourseData, create_course
    from courses.sessions.scheduling import SessionData, create_session

    hr, now = demo_user("hr"), utcnow()
    code = f"E2E-{tag}-{secrets.token_hex(3).upper()}"
    category = create_category(hr, name=f"E2E-Kategorie {code}", now=now)
    course = create_course(
        hr,
        CourseData(
            code=code,
            title=f"Datenschutz kompakt {code}",
            category_id=category.id,
            duration_ue=4,
            description="Ein Kurs, den die End-to-End-Tests anlegen.",
            requires_approval=False,
        ),
        now,
    )
    start = _session_start(days)
    session = create_session(
        hr,
        course,
        SessionData(
            starts_at=to_berlin(start).replace(tzinfo=None),
            ends_at=to_berlin(start + timedelta(hours=4)).replace(tzinfo=None),
            capacity=capacity,
            location="Rathaus, Raum E2E",
        ),
        now,
    )
    db.session.commit()
    return {"course_id": course.id, "code": code, "title": course.title, "session_id": session.id}


def make_person_with_role() -> tuple[int, int, str]:
    """A job role of its own and a new employee with an account holding it, in the demo
    HR department; (job role id, employee id, e-mail)."""
    from academy.accounts.management import create_account

    token = secrets.token_hex(4)
    role = JobRole(code=f"E2E{token.upper()}", title=f"Sachbearbeitung Datenschutz {token}")
    department = db.session.scalar(select(Department).where(Department.code == "11.2"))
    assert department is not None
    db.session.add(role)
    db.session.flush()
    email = f"e2e.pflicht.{token}@example.org"
    employee = Employee(
        personnel_no=f"E2EP{token.upper()}",
        first_name="Paula",
        last_name=f"Pflichtbewusst-{token}",
        email=email,
        department_id=department.id,
        job_role_id=role.id,
        entry_date=to_berlin(utcnow()).date() - timedelta(days=900),
        active=True,
    )
    db.session.add(employee)
    db.session.flush()
    create_account(
        None, email=email, display_name=employee.full_name, password=PASSWORD, employee=employee
    )
    db.session.commit()
    return role.id, employee.id, email


def complete(employee_id: int, session_id: int) -> None:
    """The session takes place: attendance and result recorded by HR at its end."""
    from courses.enrolment.attendance import mark_attendance, record_result
    from courses.enrolment.models import Enrolment
    from courses.sessions.models import CourseSession

    session = db.session.get(CourseSession, session_id)
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.session_id == session_id, Enrolment.employee_id == employee_id
        )
    )
    assert enrolment is not None, "the employee has no enrolment in the session"
    hr, at = demo_user("hr"), session.ends_at
    mark_attendance(hr, enrolment, True, at)
    record_result(hr, enrolment, True, at)
    db.session.commit()


# ---------------------------------------------------------------------------
# 1. HR assigns data protection to a job role → due → enrolled → done until …
# ---------------------------------------------------------------------------


def test_hr_assigns_a_role_the_employee_enrols_and_completes(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    problems = browser_problems
    with e2e_app.app_context():
        made = make_course("DS")
        role_id, employee_id, email = make_person_with_role()

    # HR assigns the training to the job role through the form.
    hr = open_page()
    log_in(hr, problems, "hr")
    nav_menu_to(hr, problems, "/kurse/pflichtschulungen")
    click_and_check(hr, problems, "#new-assignment")
    title = f"Datenschutz-Unterweisung {made['code']}"
    hr.fill("#title", title)
    hr.select_option("#courses", str(made["course_id"]))
    hr.check("input[name=target_kind][value=job_role]")
    hr.select_option("#job_role", str(role_id))
    hr.fill("#due_days", "60")
    hr.fill("#recurrence_months", "24")
    click_and_check(hr, problems, "#assignment-form button[type=submit]")
    assert hr.locator("main h1").inner_text() == title
    assert hr.locator(f"#people tr[data-employee='{employee_id}']").count() == 1

    # The employee sees it due first of all on her start page, and in "My learning".
    employee = open_page()
    log_in_as(employee, problems, email, PASSWORD)
    panel = employee.locator("#panel-mandatory")
    assert title in panel.inner_text()
    assert panel.locator("[data-status=open]").count() == 1
    nav_to(employee, problems, "/kurse/meine")
    row = employee.locator("#mandatory tr", has_text=title)
    assert row.locator("[data-status=open]").count() == 1

    # She opens the course from there and enrols in its session.
    click_and_check(employee, problems, f"#mandatory a[href='/kurse/{made['course_id']}']")
    click_and_check(employee, problems, f"#session-{made['session_id']} form button[type=submit]")
    assert path_of(employee) == f"/kurse/{made['course_id']}"
    nav_to(employee, problems, "/kurse/meine")
    assert (
        employee.locator("#mandatory tr", has_text=title).locator("[data-status=enrolled]").count()
        == 1
    )

    # The session takes place; her start page then says "done until …".
    with e2e_app.app_context():
        complete(employee_id, made["session_id"])
    click_and_check(employee, problems, "header a.navbar-brand")
    done = employee.locator("#panel-mandatory [data-status=done]")
    assert done.count() == 1
    assert done.inner_text().startswith("Erledigt bis ")


# ---------------------------------------------------------------------------
# 2. The head books a member and sees the team's compliance
# ---------------------------------------------------------------------------


def test_head_books_a_member_and_sees_the_teams_compliance(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from courses.enrolment.models import Enrolment, EnrolmentState

    problems = browser_problems
    with e2e_app.app_context():
        made = make_course("TB", days=40)
        member = demo_user("employee").employee
        assert member is not None
        member_id, last_name = member.id, member.last_name

    head = open_page()
    log_in(head, problems, "head")
    nav_to(head, problems, "/kurse/team-buchung")
    head.fill("#q", made["code"])
    click_and_check(head, problems, "#session-search button[type=submit]")
    click_and_check(
        head, problems, f"#sessions a[href='/kurse/team-buchung/termine/{made['session_id']}']"
    )
    head.fill("#member-filters #q", last_name)
    click_and_check(head, problems, "#member-filters button[type=submit]")
    head.check(f"#members-{member_id}")
    click_and_check(head, problems, "#book-form button[type=submit]")
    assert head.locator(".flash-messages .alert-success").count() == 1
    with e2e_app.app_context():
        db.session.expire_all()
        state = db.session.scalar(
            select(Enrolment.state).where(
                Enrolment.session_id == made["session_id"], Enrolment.employee_id == member_id
            )
        )
    assert state == EnrolmentState.CONFIRMED

    # His team's mandatory training: figures per unit and the people list.
    nav_to(head, problems, "/kurse/pflichtschulungen/team")
    assert head.locator("#units tbody tr").count() >= 1
    assert head.locator("#units-total").count() == 1
    assert head.locator("#people tbody tr").count() >= 1
    click_and_check(head, problems, "#people tbody tr th a")
    assert path_of(head).startswith("/kurse/pflichtschulungen/personen/")
