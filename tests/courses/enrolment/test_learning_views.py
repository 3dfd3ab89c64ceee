"""The learning record (/kurse/meine) and cancelling over HTTP: who may open and cancel
what, the sections of the page, cancellation before and after the deadline, the
start-page panel, and a query count that does not grow with the number of enrolments."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.org.models import Employee
from courses.enrolment.models import Enrolment, EnrolmentState
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import audit, head_of, hr, inbox, person
from tests.querycount import count_queries


def english(account: User) -> User:
    """Show the pages in English (the source language) so the test reads the texts."""
    account.locale = "en"
    db.session.flush()
    return account


def future(days: float) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(microsecond=0)


def section(html: str, element_id: str) -> str:
    """The HTML of the table (or paragraph) with this id."""
    match = re.search(rf'<(table|p)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, f"no element #{element_id}"
    return match.group(0)


def employee_with_account(*roles: Role) -> tuple[Employee, User]:
    emp, account = person(factories.department(), *roles)
    return emp, english(account)


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/kurse/meine", "/kurse/anmeldungen/1/stornieren"])
def test_anonymous_is_sent_to_login(client, url):
    for response in (client.get(url), client.post(url)):
        if response.status_code == 405:
            continue
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_account_without_personnel_record_gets_403(client, login_as):
    login_as(account=hr())
    assert client.get("/kurse/meine").status_code == 403


def test_employee_cannot_cancel_someone_elses_enrolment(client, login_as):
    _me, account = employee_with_account()
    other = factories.employee()
    enrolment = cf.enrolment(cf.session(), other, state=EnrolmentState.CONFIRMED)
    login_as(account=account)
    assert client.get(f"/kurse/anmeldungen/{enrolment.id}/stornieren").status_code == 403
    response = client.post(f"/kurse/anmeldungen/{enrolment.id}/stornieren", data={"reason": "x"})
    assert response.status_code == 403
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.CONFIRMED
    assert client.post("/kurse/anmeldungen/999999/stornieren").status_code == 404


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def test_page_shows_every_section(client, login_as):
    dept = factories.department()
    boss = head_of(dept)
    me, account = person(dept)
    english(account)
    upcoming = cf.session(
        cf.course("Scrum für Ämter"),
        starts_at=future(20),
        location="Rathaus, Raum 101",
        online_url="https://meet.example/scrum",
    )
    mine = cf.enrolment(upcoming, me, state=EnrolmentState.CONFIRMED)
    pending_session = cf.session(cf.course("Kanban", requires_approval=True), starts_at=future(25))
    pending = cf.enrolment(pending_session, me, state=EnrolmentState.PENDING)
    full = cf.session(cf.course("Design Thinking"), starts_at=future(30), capacity=1)
    cf.enrolment(full, factories.employee(), state=EnrolmentState.CONFIRMED)
    cf.enrolment(
        full, factories.employee(), state=EnrolmentState.WAITLISTED, requested_at=future(-10)
    )
    waiting = cf.enrolment(full, me, state=EnrolmentState.WAITLISTED, requested_at=future(-5))
    past = cf.session(cf.course("Datenkompetenz", duration_ue=6), starts_at=future(-40))
    done = cf.enrolment(past, me, state=EnrolmentState.COMPLETED, completed_on=date(2024, 5, 6))
    late = cf.enrolment(
        cf.session(cf.course("Cloud"), starts_at=future(-20)),
        me,
        state=EnrolmentState.CANCELLED,
        late_cancellation=True,
        cancel_reason="Krank",
    )
    declined = cf.enrolment(
        cf.session(cf.course("RPA"), starts_at=future(-10)),
        me,
        state=EnrolmentState.DECLINED,
        decline_reason="Kein Budget mehr",
    )
    expired = cf.enrolment(
        cf.session(cf.course("E-Akte"), starts_at=future(-5)), me, state=EnrolmentState.EXPIRED
    )
    login_as(account=account)

    html = client.get("/kurse/meine").get_data(as_text=True)

    table = section(html, "upcoming")
    assert "Scrum für Ämter" in table and "Rathaus, Raum 101" in table
    assert "https://meet.example/scrum" in table
    assert "Free cancellation until" in table
    assert f"/kurse/anmeldungen/{mine.id}/stornieren" in table
    assert "data-confirm=" in table
    assert f"/kurse/termine/{upcoming.id}/kalender.ics" in table

    table = section(html, "pending")
    assert "Kanban" in table and boss.display_name in table
    assert f"/kurse/anmeldungen/{pending.id}/stornieren" in table

    table = section(html, "waitlist")
    assert f'data-figure="position-{waiting.id}">No. 2<' in table

    table = section(html, "history")
    for enrolment in (done, late, declined, expired):
        assert f'id="enrolment-{enrolment.id}"' in table
    assert "(late)" in table and "Krank" in table
    assert "Kein Budget mehr" in table
    assert 'data-state="expired"' in table

    table = section(html, "ue-per-year")
    assert 'data-figure="ue-2024">6<' in table


def test_empty_page_says_so(client, login_as):
    _me, account = employee_with_account()
    login_as(account=account)
    html = client.get("/kurse/meine").get_data(as_text=True)
    for element in ("no-upcoming", "no-pending", "no-waitlist", "no-history", "no-ue"):
        assert f'id="{element}"' in html


def test_after_the_deadline_the_page_says_only_hr_or_the_trainer_can_cancel(client, login_as):
    me, account = employee_with_account()
    soon = cf.session(cf.course("Agile Methoden"), starts_at=future(2))
    enrolment = cf.enrolment(soon, me, state=EnrolmentState.CONFIRMED)
    login_as(account=account)
    table = section(client.get("/kurse/meine").get_data(as_text=True), "upcoming")
    assert "Only HR development or the trainer can cancel now" in table
    assert f'action="/kurse/anmeldungen/{enrolment.id}/stornieren"' not in table


def make_enrolments(employee: Employee, count: int) -> None:
    """``count`` enrolments of one person in different courses, every kind in turn."""
    kinds = [
        EnrolmentState.CONFIRMED,
        EnrolmentState.PENDING,
        EnrolmentState.WAITLISTED,
        EnrolmentState.COMPLETED,
        EnrolmentState.CANCELLED,
        EnrolmentState.DECLINED,
        EnrolmentState.EXPIRED,
        EnrolmentState.NO_SHOW,
    ]
    trainer = factories.user(Role.TRAINER, with_employee=False)
    for i in range(count):
        state = kinds[i % len(kinds)]
        past = state in (EnrolmentState.COMPLETED, EnrolmentState.NO_SHOW)
        session = cf.session(
            cf.course(requires_approval=state == EnrolmentState.PENDING),
            starts_at=future(-30 - i if past else 10 + i),
            trainer=trainer,
        )
        cf.enrolment(session, employee, state=state)


def test_query_count_does_not_grow_with_the_number_of_enrolments(client, login_as):
    dept = factories.department()
    head_of(dept)
    counts = []
    for n in (8, 30):  # every kind of enrolment (and a certificate) in both
        emp, account = person(dept)
        make_enrolments(emp, n)
        login_as(account=account)
        assert client.get("/kurse/meine").status_code == 200  # warm-up
        with count_queries(db.engine) as queries:
            response = client.get("/kurse/meine")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('id="enrolment-') == n
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------
# Cancelling
# ---------------------------------------------------------------------------


def test_employee_cancels_before_the_deadline_and_the_next_one_moves_up(client, login_as):
    me, account = employee_with_account()
    session = cf.session(cf.course("Barrierefreie Dokumente"), starts_at=future(20), capacity=1)
    mine = cf.enrolment(session, me, state=EnrolmentState.CONFIRMED)
    waiting_emp, waiting_user = person(factories.department())
    waiting = cf.enrolment(session, waiting_emp, state=EnrolmentState.WAITLISTED)
    login_as(account=account)

    response = client.post(
        f"/kurse/anmeldungen/{mine.id}/stornieren",
        data={"reason": "Termin passt nicht", "next": "/kurse/meine"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kurse/meine")
    db.session.refresh(mine)
    db.session.refresh(waiting)
    assert mine.state == EnrolmentState.CANCELLED
    assert mine.cancel_reason == "Termin passt nicht" and not mine.late_cancellation
    assert waiting.state == EnrolmentState.CONFIRMED
    assert [e.to_state for e in audit(mine, "enrolment.cancelled")] == ["cancelled"]
    assert inbox(waiting_user, "enrolment.moved_up")
    page = client.get("/kurse/meine").get_data(as_text=True)
    assert "has been cancelled" in page


def test_reason_is_optional_for_the_employee(client, login_as):
    me, account = employee_with_account()
    mine = cf.enrolment(cf.session(starts_at=future(20)), me, state=EnrolmentState.CONFIRMED)
    login_as(account=account)
    assert client.post(f"/kurse/anmeldungen/{mine.id}/stornieren").status_code == 302
    db.session.refresh(mine)
    assert mine.state == EnrolmentState.CANCELLED and mine.cancel_reason is None


def test_employee_cannot_cancel_after_the_deadline(client, login_as):
    me, account = employee_with_account()
    mine = cf.enrolment(cf.session(starts_at=future(2)), me, state=EnrolmentState.CONFIRMED)
    login_as(account=account)
    page = client.get(f"/kurse/anmeldungen/{mine.id}/stornieren").get_data(as_text=True)
    assert 'id="cannot-cancel"' in page and 'id="cancel-form"' not in page
    response = client.post(f"/kurse/anmeldungen/{mine.id}/stornieren", data={"reason": "x"})
    assert response.status_code == 403
    assert "Only HR development or the trainer can cancel now" in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.state == EnrolmentState.CONFIRMED


@pytest.mark.parametrize("who", ["hr", "trainer"])
def test_late_cancellation_by_hr_or_trainer_needs_a_reason(client, login_as, who):
    trainer = english(factories.user(Role.TRAINER, with_employee=False))
    actor = english(hr()) if who == "hr" else trainer
    emp = factories.employee()
    session = cf.session(starts_at=future(2), trainer=trainer)
    enrolment = cf.enrolment(session, emp, state=EnrolmentState.CONFIRMED)
    login_as(account=actor)
    url = f"/kurse/anmeldungen/{enrolment.id}/stornieren"

    page = client.get(url).get_data(as_text=True)
    assert 'id="late-note"' in page

    response = client.post(url, data={"reason": "  "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="reason-error"[^>]*>[^<]*reason for the late cancellation', html)
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.CONFIRMED

    response = client.post(url, data={"reason": "Dienstlich verhindert", "next": "//evil.example"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    db.session.refresh(enrolment)
    assert enrolment.state == EnrolmentState.CANCELLED
    assert enrolment.late_cancellation and enrolment.cancel_reason == "Dienstlich verhindert"
    assert enrolment.cancelled_by_id == actor.id


def test_head_of_another_department_cannot_cancel(client, login_as):
    emp = factories.employee()
    enrolment = cf.enrolment(cf.session(starts_at=future(20)), emp)
    stranger = head_of(factories.department())
    login_as(account=stranger)
    assert client.post(f"/kurse/anmeldungen/{enrolment.id}/stornieren").status_code == 403


def test_withdraw_a_request_and_leave_a_waiting_list(client, login_as):
    me, account = employee_with_account()
    pending = cf.enrolment(
        cf.session(cf.course(requires_approval=True), starts_at=future(20)),
        me,
        state=EnrolmentState.PENDING,
    )
    full = cf.session(starts_at=future(20), capacity=1)
    cf.enrolment(full, factories.employee(), state=EnrolmentState.CONFIRMED)
    waiting = cf.enrolment(full, me, state=EnrolmentState.WAITLISTED)
    login_as(account=account)
    for enrolment in (pending, waiting):
        response = client.post(f"/kurse/anmeldungen/{enrolment.id}/stornieren")
        assert response.status_code == 302
        db.session.refresh(enrolment)
        assert enrolment.state == EnrolmentState.CANCELLED
    db.session.refresh(full)
    assert full.confirmed_count == 1
    again = client.post(f"/kurse/anmeldungen/{pending.id}/stornieren")
    assert again.status_code == 409


# ---------------------------------------------------------------------------
# Start page and navigation
# ---------------------------------------------------------------------------


def test_start_page_panel_and_navigation(client, login_as):
    me, account = employee_with_account()
    sessions = [cf.session(cf.course(f"Kurs Ö{i}"), starts_at=future(10 + i)) for i in range(4)]
    for s in sessions:
        cf.enrolment(s, me, state=EnrolmentState.CONFIRMED)
    cf.enrolment(
        cf.session(cf.course(requires_approval=True), starts_at=future(20)),
        me,
        state=EnrolmentState.PENDING,
    )
    full = cf.session(cf.course("Warteliste Übung"), starts_at=future(20), capacity=0)
    cf.enrolment(full, me, state=EnrolmentState.WAITLISTED)
    login_as(account=account)
    html = client.get("/").get_data(as_text=True)
    panel = section(html, "panel-next-courses")
    assert "Kurs Ö0" in panel and "Kurs Ö2" in panel and "Kurs Ö3" not in panel
    assert "1 request awaits approval." in html
    assert "Warteliste Übung" in html and "No. 1" in html
    assert 'href="/kurse/meine"' in html
    assert "My learning" in html


def test_panel_query_count_is_small_and_fixed(client, login_as, app):
    from courses.enrolment.panels import next_courses_context

    counts = []
    for n in (2, 12):
        me, account = employee_with_account()
        for i in range(n):
            state = EnrolmentState.WAITLISTED if i % 2 else EnrolmentState.CONFIRMED
            cf.enrolment(
                cf.session(starts_at=future(10 + i), capacity=0 if i % 2 else 10), me, state=state
            )
        with count_queries(db.engine) as queries:
            data = next_courses_context(account)
        assert len(data["upcoming"]) == min(3, (n + 1) // 2)
        counts.append(queries.count)
    assert counts[0] == counts[1] <= 3, counts


def test_cancelled_enrolments_are_not_in_the_upcoming_list(client, login_as):
    me, account = employee_with_account()
    session = cf.session(starts_at=future(20))
    cf.enrolment(session, me, state=EnrolmentState.CANCELLED)
    login_as(account=account)
    html = client.get("/kurse/meine").get_data(as_text=True)
    assert 'id="no-upcoming"' in html
    assert db.session.scalar(select(Enrolment.state).where(Enrolment.employee_id == me.id)) == (
        EnrolmentState.CANCELLED
    )
