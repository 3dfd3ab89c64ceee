"""Course journeys through the real UI in Chromium, each person in a browser context of
their own, axe-core (WCAG 2.1 AA) and the CSP checked on every page visited:

1. an employee finds a course that needs approval, requests a place, her head approves
   it in the inbox, and she sees the place confirmed and the notification;
2. a confirmed participant cancels and the first person on the waiting list moves up;
3. the trainer marks attendance and the result, and the completion with its UE appears
   in the employee's learning record.

The data a journey needs besides the demo accounts (courses, sessions, other people's
enrolments) is made through the services in the live server's database, with course
codes unique per run, so the journeys depend neither on the course demo data nor on
each other. Sessions lie more than a year ahead (past the demo data's horizon), so no
time clash with demo enrolments can get in the way.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from flask import Flask
from flask_babel import force_locale
from playwright.sync_api import Page
from sqlalchemy import select

from academy.accounts.models import User
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import translate
from academy.notifications.notices import recipient_locale
from academy.org.models import Department, Employee
from tests.e2e.axe import check_a11y
from tests.e2e.journey import (
    click_and_check,
    demo_user,
    german,
    go,
    log_in,
    log_in_as,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

E2E_PASSWORD = "E2E-Reise-Passwort-2026!"

# ---------------------------------------------------------------------------
# Browser helpers (the shared ones are in tests/e2e/journey.py)
# ---------------------------------------------------------------------------


def figure(text: str) -> int:
    """A whole number as the German pages format it ("1.234")."""
    return int(re.sub(r"\D", "", text))


# ---------------------------------------------------------------------------
# Set-up through the services, committed in the live server's database
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    course_id: int
    code: str
    title: str
    session_id: int
    ue: int


def far_day(days: int) -> datetime:
    """09:00 Berlin wall-clock time (naive, as HR enters it) ``days`` from today."""
    today = to_berlin(utcnow()).date()
    return datetime.combine(today + timedelta(days=days), time(9, 0))


def make_course(
    tag: str,
    *,
    requires_approval: bool,
    capacity: int,
    starts_at: datetime,
    ends_at: datetime,
    trainer: User | None = None,
    ue: int = 4,
) -> Made:
    """A course (code unique per run) with one session, made by the demo HR account.
    Naive times are Berlin wall-clock; aware ones (a session that started already)
    are taken as they are and need ``allow_past``."""
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
            title=f"Testreise {code}",
            category_id=category.id,
            duration_ue=ue,
            description="Ein Kurs, den die End-to-End-Tests anlegen.",
            requires_approval=requires_approval,
        ),
        now,
    )
    session = create_session(
        hr,
        course,
        SessionData(
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            location="Rathaus, Raum E2E",
            trainer_id=trainer.id if trainer is not None else None,
            # the demo plans the demo trainer's week: a test session may overlap it
            override_reason="Testtermin der End-to-End-Tests" if trainer is not None else None,
        ),
        now,
        allow_past=starts_at.tzinfo is not None and starts_at <= now,
    )
    db.session.commit()
    return Made(course.id, code, course.title, session.id, ue)


def make_staff_account(tag: str) -> tuple[User, str]:
    """A new employee with an account in the demo HR department; returns the account
    and its e-mail address."""
    from academy.accounts.management import create_account

    department = db.session.scalar(select(Department).where(Department.code == "11.2"))
    assert department is not None
    token = secrets.token_hex(4)
    email = f"e2e.{tag}.{token}@example.org"
    employee = Employee(
        personnel_no=f"E2E{token.upper()}",
        first_name="Tobias",
        last_name=f"Brückner-{token}",
        email=email,
        department_id=department.id,
        active=True,
    )
    db.session.add(employee)
    db.session.flush()
    user = create_account(
        None,
        email=email,
        display_name=employee.full_name,
        password=E2E_PASSWORD,
        employee=employee,
    )
    db.session.commit()
    return user, email


def enrolment_of(key: str, course_id: int) -> tuple[int, str]:
    """(id, state) of the demo account's latest enrolment in the course."""
    from courses.enrolment.models import Enrolment

    db.session.expire_all()
    row = db.session.execute(
        select(Enrolment.id, Enrolment.state)
        .where(
            Enrolment.employee_id == demo_user(key).employee_id, Enrolment.course_id == course_id
        )
        .order_by(Enrolment.id.desc())
    ).first()
    assert row is not None, f"{key} has no enrolment in course {course_id}"
    return row[0], row[1]


# ---------------------------------------------------------------------------
# 1. Request → approval → confirmed
# ---------------------------------------------------------------------------


def test_employee_requests_head_approves_place_confirmed(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from courses.enrolment.models import STATE_LABELS, EnrolmentState
    from courses.enrolment.notices import APPROVED_CONFIRMED

    problems = browser_problems
    with e2e_app.app_context():
        start = far_day(400)
        made = make_course(
            "GEN",
            requires_approval=True,
            capacity=5,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )

    # The employee finds the course by its code and requests a place.
    employee = open_page()
    log_in(employee, problems, "employee")
    nav_to(employee, problems, "/kurse")
    employee.fill("#q", made.code)
    click_and_check(employee, problems, "form[role=search] button[type=submit]")
    results = employee.locator("#catalogue-results tbody tr")
    assert results.count() == 1, results.all_inner_texts()
    click_and_check(employee, problems, f"#catalogue-results a[href='/kurse/{made.course_id}']")
    assert employee.locator("main h1").inner_text().startswith(made.title)
    click_and_check(employee, problems, f"#session-{made.session_id} form button[type=submit]")
    assert path_of(employee) == f"/kurse/{made.course_id}"
    pending_label = german(e2e_app, STATE_LABELS[EnrolmentState.PENDING])
    assert pending_label in employee.locator("#my-enrolment").inner_text()
    with e2e_app.app_context():
        enrolment_id, state = enrolment_of("employee", made.course_id)
    assert state == EnrolmentState.PENDING

    nav_to(employee, problems, "/kurse/meine")
    request_row = employee.locator(f"#pending #enrolment-{enrolment_id}")
    assert request_row.count() == 1, "the request is not among those awaiting approval"
    assert made.title in request_row.inner_text()
    assert employee.locator(f"#upcoming #enrolment-{enrolment_id}").count() == 0

    # The head approves it in the inbox (oldest first: the new request may be on the
    # last page when there are many), selecting it and approving the selection.
    head = open_page()
    log_in(head, problems, "head")
    nav_to(head, problems, "/kurse/genehmigungen")
    row = f"#requests #request-{enrolment_id}"
    if head.locator(row).count() == 0:
        numbers = [
            int(text)
            for text in head.locator("ul.pagination a.page-link").all_inner_texts()
            if text.strip().isdigit()
        ]
        assert numbers, "the request is not in the head's inbox"
        click_and_check(head, problems, f"ul.pagination a.page-link:text-is('{max(numbers)}')")
    assert made.title in head.locator(row).inner_text()
    head.check(f"#select-{enrolment_id}")
    click_and_check(head, problems, "button[form=bulk-approve]")
    assert head.locator(f"#request-{enrolment_id}").count() == 0, "the request is still open"
    assert head.locator(".flash-messages .alert-success").count() == 1
    with e2e_app.app_context():
        assert enrolment_of("employee", made.course_id) == (
            enrolment_id,
            EnrolmentState.CONFIRMED,
        )

    # The employee sees the place confirmed and the notification.
    go(employee, problems, "/kurse/meine")
    assert employee.locator(f"#upcoming #enrolment-{enrolment_id}").count() == 1
    assert employee.locator(f"#pending #enrolment-{enrolment_id}").count() == 0
    nav_to(employee, problems, "/benachrichtigungen")
    with e2e_app.app_context():
        locale = recipient_locale(demo_user("employee"))
        with e2e_app.test_request_context(), force_locale(locale):
            subject = translate(APPROVED_CONFIRMED.subject, course=made.title)
    notice = employee.locator("main article h2", has_text=subject)
    assert notice.count() == 1, f"no notification {subject!r}"


# ---------------------------------------------------------------------------
# 2. A cancellation moves the first person on the waiting list up
# ---------------------------------------------------------------------------


def test_cancellation_moves_first_waitlisted_person_up(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from courses.enrolment.models import EnrolmentState
    from courses.enrolment.notices import MOVED_UP
    from courses.enrolment.requests import request_enrolment
    from courses.sessions.models import CourseSession

    problems = browser_problems
    with e2e_app.app_context():
        start = far_day(430)
        made = make_course(
            "WL",
            requires_approval=False,
            capacity=1,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
        other, other_email = make_staff_account("wl")
        session = db.session.get(CourseSession, made.session_id)
        seat = request_enrolment(other, other.employee, session, utcnow())
        db.session.commit()
        me = demo_user("employee")
        waiting = request_enrolment(me, me.employee, session, utcnow())
        db.session.commit()
        assert (seat.state, waiting.state) == (EnrolmentState.CONFIRMED, EnrolmentState.WAITLISTED)
        seat_id, waiting_id = seat.id, waiting.id

    # The demo employee is first on the waiting list.
    employee = open_page()
    log_in(employee, problems, "employee")
    nav_to(employee, problems, "/kurse/meine")
    position = employee.locator(f"#waitlist [data-figure='position-{waiting_id}']")
    assert figure(position.inner_text()) == 1

    # The person with the seat cancels in their learning record (and confirms).
    holder = open_page()
    log_in_as(holder, problems, other_email, E2E_PASSWORD)
    nav_to(holder, problems, "/kurse/meine")
    row = holder.locator(f"#upcoming #enrolment-{seat_id}")
    row.locator("details.cancel-enrolment summary").click()
    check_a11y(holder)  # with the cancel form open
    click_and_check(holder, problems, f"#upcoming #enrolment-{seat_id} form button[type=submit]")
    assert path_of(holder) == "/kurse/meine"
    assert holder.locator(f"#upcoming #enrolment-{seat_id}").count() == 0
    cancelled = holder.locator(f"#history #enrolment-{seat_id}")
    assert cancelled.get_attribute("data-state") == EnrolmentState.CANCELLED

    # The demo employee has moved up: a confirmed place, and she has been told.
    go(employee, problems, "/kurse/meine")
    assert employee.locator(f"#upcoming #enrolment-{waiting_id}").count() == 1
    assert employee.locator(f"#waitlist #enrolment-{waiting_id}").count() == 0
    nav_to(employee, problems, "/benachrichtigungen")
    with e2e_app.app_context():
        locale = recipient_locale(demo_user("employee"))
        with e2e_app.test_request_context(), force_locale(locale):
            subject = translate(MOVED_UP.subject, course=made.title)
    assert employee.locator("main article h2", has_text=subject).count() == 1, subject


# ---------------------------------------------------------------------------
# 3. Attendance and result → completion in the learning record
# ---------------------------------------------------------------------------


def test_trainer_records_completion_in_learning_record(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from courses.enrolment.lifecycle import NEW, take_seat, transition
    from courses.enrolment.models import Enrolment, EnrolmentState
    from courses.sessions.models import CourseSession

    problems = browser_problems
    with e2e_app.app_context():
        now = utcnow()
        made = make_course(
            "TN",
            requires_approval=False,
            capacity=5,
            ue=7,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=2),
            trainer=demo_user("trainer"),
        )
        # The session has started, so no service enrols anyone any more: the place is
        # written directly, with the seat counter and the audit entry.
        session = db.session.get(CourseSession, made.session_id)
        hr, me = demo_user("hr"), demo_user("employee")
        assert take_seat(session)
        enrolment = Enrolment(
            session_id=session.id,
            course_id=made.course_id,
            employee_id=me.employee_id,
            state=EnrolmentState.CONFIRMED.value,
            requested_at=now - timedelta(days=10),
            requested_by_id=me.id,
            confirmed_at=now - timedelta(days=10),
            updated_at=now,
        )
        db.session.add(enrolment)
        db.session.flush()
        transition(
            hr,
            enrolment,
            EnrolmentState.CONFIRMED,
            now,
            verb="requested",
            from_state=NEW,
            reason="E2E set-up",
        )
        db.session.commit()
        enrolment_id = enrolment.id
        year = to_berlin(now).year

    # The employee's UE this year before, and the running session among her places.
    employee = open_page()
    log_in(employee, problems, "employee")
    nav_to(employee, problems, "/kurse/meine")
    assert employee.locator(f"#upcoming #enrolment-{enrolment_id}").count() == 1
    ue_cell = employee.locator(f"#ue-per-year [data-figure='ue-{year}']")
    ue_before = figure(ue_cell.inner_text()) if ue_cell.count() else 0

    # The trainer opens the roster from "My sessions", marks attendance, then the result.
    trainer = open_page()
    log_in(trainer, problems, "trainer")
    nav_to(trainer, problems, "/kurse/trainer")
    roster_link = f"#trainer-sessions a[href='/kurse/termine/{made.session_id}/teilnehmende']"
    click_and_check(trainer, problems, roster_link)
    state = trainer.locator(f"#participants tr[data-enrolment='{enrolment_id}'] [data-state]")
    assert state.get_attribute("data-state") == EnrolmentState.CONFIRMED
    trainer.check(f"#attendance-{enrolment_id}-yes")
    click_and_check(trainer, problems, "#attendance-form button[type=submit]")
    assert state.get_attribute("data-state") == EnrolmentState.ATTENDED
    trainer.check(f"#result-{enrolment_id}-pass")
    click_and_check(trainer, problems, "#results-form button[type=submit]")
    assert state.get_attribute("data-state") == EnrolmentState.COMPLETED
    assert trainer.locator(f"#result-{enrolment_id}-pass").count() == 0

    # The employee's history shows the completion, and the year's UE grew by the course's.
    go(employee, problems, "/kurse/meine")
    assert employee.locator(f"#upcoming #enrolment-{enrolment_id}").count() == 0
    done = employee.locator(f"#history #enrolment-{enrolment_id}")
    assert done.get_attribute("data-state") == EnrolmentState.COMPLETED
    assert made.title in done.inner_text()
    assert figure(done.locator("td.text-end").inner_text()) == made.ue
    assert figure(ue_cell.inner_text()) == ue_before + made.ue
