"""HR plans a two-day session in Chromium (axe-core and the CSP checked on every page):
a room and a trainer are chosen for both days, the room is already booked on the
second day, the form refuses it with the German message at the room, HR books anyway
with a reason, and the room and trainer plan — also on a phone's 390 px — shows the
double booking. Meetings get a row of their own with "Termin hinzufügen"."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from academy.clock import to_berlin, utcnow
from academy.extensions import db
from tests.e2e.axe import check_a11y
from tests.e2e.journey import (
    click_and_check,
    demo_user,
    german,
    go,
    log_in,
    nav_menu_to,
    open_page_fixture,  # noqa: F401 - the open_page fixture
    path_of,
)

pytestmark = pytest.mark.e2e


def monday_far_ahead() -> date:
    """A Monday more than a year ahead (past the demo data's sessions)."""
    day = to_berlin(utcnow()).date() + timedelta(days=420)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def prepare(app: Flask, first: date) -> dict[str, object]:
    """A course, a room with an external trainer, and another session that books the
    room on the second day — made through the services in the live server's database."""
    from courses.catalogue.categories import create_category
    from courses.catalogue.editing import CourseData, create_course
    from courses.rooms.rooms import RoomData, create_room
    from courses.rooms.trainers import TrainerData, create_trainer
    from courses.sessions.meetings import MeetingData
    from courses.sessions.scheduling import SessionData, create_session

    with app.app_context():
        hr, now = demo_user("hr"), utcnow()
        tag = secrets.token_hex(3).upper()
        category = create_category(hr, name=f"E2E-Termine {tag}", now=now)

        def course(code: str) -> object:
            return create_course(
                hr,
                CourseData(
                    code=f"E2E-{code}-{tag}",
                    title=f"Workshop {code} {tag}",
                    category_id=category.id,
                    duration_ue=16,
                    description="Ein zweitägiger Workshop der End-to-End-Tests.",
                    requires_approval=False,
                ),
                now,
            )

        room = create_room(
            hr,
            RoomData(name=f"Werkstatt {tag}", building="Rathaus", capacity=16, step_free=True),
            now,
        )
        coach = create_trainer(
            hr,
            TrainerData(name=f"Dr. Albers {tag}", organisation="Albers Agile", fee_per_day=None),
            now,
        )
        second = first + timedelta(days=7)
        other = course("BELEGT")
        create_session(
            hr,
            other,
            SessionData(
                starts_at=datetime.combine(second, time(9)),
                ends_at=datetime.combine(second, time(12)),
                capacity=10,
                meetings=[
                    MeetingData(
                        datetime.combine(second, time(9)),
                        datetime.combine(second, time(12)),
                        room_id=room.id,
                    )
                ],
            ),
            now,
        )
        planned = course("PLAN")
        db.session.commit()
        return {
            "course_id": planned.id,
            "room_id": room.id,
            "room": room.label,
            "trainer_id": coach.id,
            "trainer": coach.name,
            "other_title": other.title,
        }


def submit_refused(page: Page, problems: list[str], selector: str, status: int) -> None:
    """Submit a form the server answers with an error status (the form again, with the
    message at the field), and check that page like every other one."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    assert navigation.value is not None and navigation.value.status == status
    assert page.locator("html").get_attribute("lang") == "de"
    check_a11y(page)
    assert not problems, problems


def local(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def test_hr_plans_a_two_day_session_and_books_a_clash_with_a_reason(
    e2e_app: Flask, open_page: Callable[[], Page], browser_problems: list[str]
) -> None:
    from courses.rooms.models import SessionTrainer
    from courses.sessions.models import CourseSession

    problems = browser_problems
    first = monday_far_ahead()
    second = first + timedelta(days=7)
    made = prepare(e2e_app, first)

    hr = open_page()
    log_in(hr, problems, "hr")
    nav_menu_to(hr, problems, "/kurse/verwaltung/raeume")
    assert made["room"] in hr.locator("#rooms").inner_text()
    go(hr, problems, f"/kurse/verwaltung/{made['course_id']}/termine/neu")

    # Day one in the form's own row, day two in the next row; a third row by the button.
    hr.fill("#starts_at", local(first, 9))
    hr.fill("#ends_at", local(first, 16))
    hr.select_option("#room", str(made["room_id"]))
    hr.fill("#meetings-0-starts_at", local(second, 9))
    hr.fill("#meetings-0-ends_at", local(second, 16))
    hr.select_option("#meetings-0-room", str(made["room_id"]))
    hr.click("[data-add-meeting]")
    assert hr.locator("#meetings-1-starts_at").is_visible()
    assert hr.locator("#meetings-1-starts_at").evaluate("el => el === document.activeElement")
    hr.check(f"input[name=co_trainers][value='{made['trainer_id']}']")
    hr.fill("#capacity", "12")
    submit_refused(hr, problems, "#session-form button[type=submit]", 409)

    # Refused: the room is booked on the second day; the German message at the room.
    clashes = hr.locator("#clashes")
    assert clashes.count() == 1, "no clash shown"
    assert made["other_title"] in clashes.inner_text()
    message = hr.locator("#meetings-0-room-error").inner_text()
    assert message.startswith("Doppelbuchung:"), message
    assert made["room"] in message
    with e2e_app.app_context():
        db.session.expire_all()
        assert (
            db.session.scalar(
                select(CourseSession.id).where(CourseSession.course_id == made["course_id"])
            )
            is None
        )

    # Booked anyway, with a reason.
    hr.fill("#override_reason", "Der Raum wird an diesem Tag geteilt.")
    click_and_check(hr, problems, "#session-form button[type=submit]")
    assert path_of(hr) == f"/kurse/verwaltung/{made['course_id']}/termine"
    assert hr.locator(".flash-messages .alert-success").count() == 1
    with e2e_app.app_context():
        db.session.expire_all()
        session = db.session.scalars(
            select(CourseSession).where(CourseSession.course_id == made["course_id"])
        ).one()
        assert [m.room_id for m in session.meetings] == [made["room_id"], made["room_id"]]
        links = db.session.scalars(
            select(SessionTrainer.trainer_id).where(SessionTrainer.session_id == session.id)
        ).all()
        assert links == [made["trainer_id"]]
        session_id = session.id

    # The session's page names both meetings; the plan shows the double booking, on a phone too.
    go(hr, problems, f"/kurse/verwaltung/termine/{session_id}")
    assert german(e2e_app, "Meeting %(n)s", n=2) in hr.locator("#meetings").inner_text()
    hr.set_viewport_size({"width": 390, "height": 844})
    go(hr, problems, f"/kurse/verwaltung/belegung?datum={second.isoformat()}")
    card = hr.locator("section.card", has_text=made["room"])
    assert card.count() == 1
    assert german(e2e_app, "booked twice") in card.inner_text()
    width = hr.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the plan is {width} px wide on a 390 px screen"
    go(
        hr,
        problems,
        f"/kurse/verwaltung/belegung?art=trainer&ansicht=monat&datum={first.isoformat()}",
    )
    assert made["trainer"] in hr.locator("main").inner_text()
