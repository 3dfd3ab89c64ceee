"""Course evaluation through the real UI in Chromium, axe-core and the CSP checked on
every page: a participant answers the evaluation of a session she attended; the trainer
sees that results are withheld while fewer than five have answered and the round is
open; once the fifth participant has answered (everyone: the round closes), the trainer
sees the aggregate — ratings with their chart, distributions, free texts — and nobody's
name.

The session (ended yesterday, run by the demo trainer) and its five participants (the
demo employee and four new staff accounts) are made in the live server's database; the
round is opened and the invitations sent by the evaluation tick step itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.accounts.models import User
from academy.clock import berlin_to_utc, to_berlin, utcnow
from academy.extensions import db
from academy.org.models import Department, Employee
from tests.e2e.journey import (
    click_and_check,
    demo_user,
    go,
    log_in,
    log_in_as,
    nav_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e

PASSWORD = "E2E-Bewertung-Passwort-2026!"


def _staff(tag: str) -> tuple[User, str]:
    from academy.accounts.management import create_account

    department = db.session.scalar(select(Department).where(Department.code == "11.2"))
    assert department is not None
    token = secrets.token_hex(4)
    email = f"e2e.bewertung.{tag}.{token}@example.org"
    employee = Employee(
        personnel_no=f"EB{token.upper()}",
        first_name="Frieda",
        last_name=f"Feedback-{token}",
        email=email,
        department_id=department.id,
        active=True,
    )
    db.session.add(employee)
    db.session.flush()
    user = create_account(
        None, email=email, display_name=employee.full_name, password=PASSWORD, employee=employee
    )
    return user, email


def _evaluated_session() -> tuple[int, str, list[tuple[int, str, str]]]:
    """A session of a new course that ended yesterday, run by the demo trainer, with the
    demo employee and four new people as participants; the round opened by the tick."""
    from courses.catalogue.categories import create_category
    from courses.catalogue.editing import CourseData, create_course
    from courses.enrolment.models import Enrolment, EnrolmentState
    from courses.evaluations.defaults import load_default_questionnaire
    from courses.evaluations.rounds import evaluation_tick
    from courses.sessions.scheduling import SessionData, create_session

    hr, now = demo_user("hr"), utcnow()
    load_default_questionnaire(hr, now)
    code = f"E2E-EVAL-{secrets.token_hex(3).upper()}"
    category = create_category(hr, name=f"E2E-Kategorie {code}", now=now)
    course = create_course(
        hr,
        CourseData(
            code=code,
            title=f"Bewertungsreise {code}",
            category_id=category.id,
            duration_ue=4,
            description="E2E",
        ),
        now,
    )
    # Yesterday early in the morning: no demo session of the trainer clashes with it.
    yesterday = to_berlin(now).date() - timedelta(days=1)
    start = berlin_to_utc(datetime.combine(yesterday, time(5, 30)))
    data = SessionData(
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=10,
        location="Rathaus, Raum E2E",
        trainer_id=demo_user("trainer").id,
    )
    session = create_session(hr, course, data, now, allow_past=True)
    others = [_staff(str(n)) for n in range(4)]
    people = [demo_user("employee").employee_id, *(u.employee_id for u, _ in others)]
    for employee_id in people:
        db.session.add(
            Enrolment(
                session_id=session.id,
                course_id=course.id,
                employee_id=employee_id,
                state=EnrolmentState.COMPLETED.value,
                requested_at=start - timedelta(days=20),
                confirmed_at=start - timedelta(days=20),
                completed_on=start.date(),
            )
        )
    session.confirmed_count = len(people)
    db.session.commit()
    evaluation_tick(now)
    return session.id, course.title, [(u.id, u.display_name, email) for u, email in others]


def _answer(page: Page, problems: list[str], session_id: int, text: str) -> None:
    """Fill in the questionnaire: 4 for every rating, the first option, ``text``."""
    go(page, problems, "/kurse/bewertungen")
    click_and_check(page, problems, f"#my-evaluations a[href='/kurse/bewertungen/{session_id}']")
    assert page.locator("#anonymity-note").count() == 1
    for fieldset in page.locator("#evaluation-form fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count() == 5:
            radios.nth(3).check()
        elif radios.count():
            radios.first.check()
        boxes = fieldset.locator("input[type=checkbox]")
        if boxes.count():
            boxes.first.check()
        area = fieldset.locator("textarea")
        if area.count():
            area.fill(text)
    click_and_check(page, problems, "#evaluation-form button[type=submit]")
    assert path_of(page) == "/kurse/bewertungen"
    assert page.locator(".alert-success").count() == 1


def test_participants_answer_and_the_trainer_sees_the_aggregate_once_five_answered(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    problems = browser_problems
    with e2e_app.app_context():
        session_id, title, others = _evaluated_session()
        employee_name = demo_user("employee").display_name

    # The demo employee is invited (start page, notification) and answers.
    employee = open_page()
    log_in(employee, problems, "employee")
    assert employee.locator("#panel-evaluations").count() == 1
    nav_to(employee, problems, "/benachrichtigungen")
    assert employee.locator("main", has_text=title).count() == 1
    _answer(employee, problems, session_id, "Sehr anschaulich erklärt")
    row = employee.locator(f"#my-evaluations tr[data-session='{session_id}']")
    assert "Beantwortet" in row.inner_text()

    # The trainer sees the round, but no results: open, one answer of five.
    trainer = open_page()
    log_in(trainer, problems, "trainer")
    nav_to(trainer, problems, "/berichte/bewertungen")
    assert trainer.locator(f"#table-rounds tr[data-session='{session_id}']").count() == 1
    go(trainer, problems, f"/berichte/bewertungen/termine/{session_id}")
    assert trainer.locator("#evaluation-withheld").count() == 1
    assert trainer.locator("#part-ratings").count() == 0
    assert "Sehr anschaulich" not in trainer.locator("main").inner_text()

    # Three more answer; with four answers nothing is shown yet.
    for user_id, _name, email in others[:3]:
        page = open_page()
        log_in_as(page, problems, email, PASSWORD)
        _answer(page, problems, session_id, f"Rückmeldung {user_id}")
    go(trainer, problems, f"/berichte/bewertungen/termine/{session_id}")
    assert trainer.locator("#evaluation-withheld").count() == 1

    # The fifth answers: everyone has, the round closes, the aggregate is shown.
    _last_id, last_name, last_email = others[3]
    last = open_page()
    log_in_as(last, problems, last_email, PASSWORD)
    _answer(last, problems, session_id, "Gern wieder")
    go(trainer, problems, f"/berichte/bewertungen/termine/{session_id}")
    main = trainer.locator("main")
    assert trainer.locator("#part-ratings svg[role=img]").count() == 1
    assert "5 / 5" in trainer.locator("#evaluation-facts").inner_text()
    text = main.inner_text()
    assert "Sehr anschaulich erklärt" in text and "Gern wieder" in text
    assert employee_name not in text and last_name not in text
    assert trainer.locator("#export-pdf").count() == 1
