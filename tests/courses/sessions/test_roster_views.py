"""The trainer's pages over HTTP: own sessions, the roster (who may open it, attendance
from the start, results, marking everyone present), HR's waiting-list decisions and late
cancellations with reasons, the printable sign-in sheet, and the start-page panels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.extensions import db
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from courses.sessions.panels import hr_attention_context, trainer_context
from tests import factories
from tests.courses import factories as cf
from tests.querycount import count_queries


def hour(offset_hours: float) -> object:
    """A whole minute ``offset_hours`` from now (aware UTC)."""
    return (utcnow() + timedelta(hours=offset_hours)).replace(second=0, microsecond=0)


def trainer_account() -> User:
    return factories.user(Role.TRAINER, with_employee=False)


def running_session(trainer: User | None = None, **fields: object) -> CourseSession:
    """A session that started an hour ago (so attendance may be marked)."""
    return cf.session(starts_at=hour(-1), trainer=trainer, **fields)  # type: ignore[arg-type]


def future_session(trainer: User | None = None, **fields: object) -> CourseSession:
    return cf.session(starts_at=hour(24 * 20), trainer=trainer, **fields)  # type: ignore[arg-type]


def english(client) -> None:
    client.set_cookie("da_lang", "en")


def state_of(enrolment: Enrolment) -> str:
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment.id).state


def audit_entries(enrolment: Enrolment, action: str) -> list[AuditLogEntry]:
    return list(
        db.session.scalars(
            select(AuditLogEntry).where(
                AuditLogEntry.object_type == "enrolment",
                AuditLogEntry.object_id == str(enrolment.id),
                AuditLogEntry.action == action,
            )
        )
    )


def roster_url(session: CourseSession) -> str:
    return f"/kurse/termine/{session.id}/teilnehmende"


def sheet_url(session: CourseSession) -> str:
    return f"/kurse/termine/{session.id}/anwesenheitsliste"


def post(client, url: str, data: dict | None = None) -> str:
    """POST, check the redirect back to the roster and return the page it shows."""
    response = client.post(url, data=data or {})
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    assert re.search(r"/kurse/termine/\d+/teilnehmende$", location), location
    page = client.get(location)
    assert page.status_code == 200
    return page.get_data(as_text=True)


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------

PAGES = [roster_url, sheet_url]


@pytest.mark.parametrize("page", PAGES, ids=["roster", "sheet"])
def test_the_sessions_trainer_and_hr_may_open(client, login_as, page):
    trainer = trainer_account()
    session = future_session(trainer)
    db.session.commit()
    login_as(account=trainer)
    assert client.get(page(session)).status_code == 200
    login_as(Role.HR)
    assert client.get(page(session)).status_code == 200


@pytest.mark.parametrize("page", PAGES, ids=["roster", "sheet"])
@pytest.mark.parametrize("role", [Role.TRAINER, Role.EMPLOYEE, Role.HEAD, Role.COUNCIL])
def test_anyone_else_gets_403(client, login_as, page, role):
    session = future_session(trainer_account())
    cf.enrolment(session)
    db.session.commit()
    login_as(role)  # another trainer, too
    assert client.get(page(session)).status_code == 403


@pytest.mark.parametrize("page", PAGES, ids=["roster", "sheet"])
def test_anonymous_is_sent_to_login(client, db, page):
    session = future_session(trainer_account())
    db.session.commit()
    response = client.get(page(session))
    assert response.status_code == 302
    assert "/anmelden" in response.headers["Location"]


def test_another_trainer_cannot_mark_attendance_or_manage(client, login_as):
    session = running_session(trainer_account(), capacity=1)
    seated = cf.enrolment(session)
    db.session.commit()
    login_as(Role.TRAINER)
    base = f"/kurse/termine/{session.id}"
    assert (
        client.post(f"{base}/anwesenheit", data={f"attendance-{seated.id}": "attended"}).status_code
        == 403
    )
    assert client.post(f"{base}/anwesenheit/alle").status_code == 403
    assert client.post(f"{base}/ergebnisse").status_code == 403
    assert state_of(seated) == EnrolmentState.CONFIRMED


def test_the_trainer_may_not_manage_the_waiting_list(client, login_as):
    trainer = trainer_account()
    session = running_session(trainer, capacity=2)
    seated = cf.enrolment(session)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    db.session.commit()
    login_as(account=trainer)
    html = client.get(roster_url(session)).get_data(as_text=True)
    assert 'id="waitlist"' not in html and 'id="cancel-form"' not in html
    base = f"/kurse/termine/{session.id}"
    data = {"reason": "Dringend", "position": "1"}
    assert client.post(f"{base}/warteliste/{waiting.id}/nachruecken", data=data).status_code == 403
    assert client.post(f"{base}/warteliste/{waiting.id}/position", data=data).status_code == 403
    cancel = {"enrolment": str(seated.id), "reason": "Krank"}
    assert client.post(f"{base}/abmelden", data=cancel).status_code == 403
    assert state_of(waiting) == EnrolmentState.WAITLISTED
    assert state_of(seated) == EnrolmentState.CONFIRMED


def test_an_enrolment_of_another_session_is_not_found(client, login_as):
    session = running_session(capacity=0)
    elsewhere = cf.enrolment(running_session(capacity=0), state=EnrolmentState.WAITLISTED)
    db.session.commit()
    login_as(Role.HR)
    url = f"/kurse/termine/{session.id}/warteliste/{elsewhere.id}/nachruecken"
    assert client.post(url, data={"reason": "x"}).status_code == 404


# ---------------------------------------------------------------------------
# The trainer's own sessions
# ---------------------------------------------------------------------------


def test_trainer_sees_own_upcoming_and_past_sessions(client, login_as):
    trainer = trainer_account()
    soon = future_session(trainer, capacity=4)
    soon.course.title = "Scrum für Einsteiger"
    cf.enrolment(soon)
    cf.enrolment(soon, state=EnrolmentState.WAITLISTED)
    cf.enrolment(soon, state=EnrolmentState.WAITLISTED)
    running = running_session(trainer)
    running.course.title = "Kanban kompakt"
    over = cf.session(starts_at=hour(-24 * 10), trainer=trainer)
    over.course.title = "Design Thinking gestern"
    foreign = future_session(trainer_account())
    foreign.course.title = "Fremder Kurs"
    db.session.commit()
    login_as(account=trainer)
    english(client)

    html = client.get("/kurse/trainer").get_data(as_text=True)
    assert "Scrum für Einsteiger" in html and "Kanban kompakt" in html
    assert "Design Thinking gestern" not in html and "Fremder Kurs" not in html
    row = re.search(rf'<tr data-session="{soon.id}">(.*?)</tr>', html, re.S).group(1)
    assert "1 / 4" in row and '<td class="text-end">2</td>' in row
    running_row = re.search(rf'<tr data-session="{running.id}">(.*?)</tr>', html, re.S).group(1)
    assert "Attendance open" in running_row
    assert f"/kurse/termine/{soon.id}/teilnehmende" in html
    assert f"/kurse/termine/{soon.id}/anwesenheitsliste" in html

    past = client.get("/kurse/trainer?zeit=vergangen").get_data(as_text=True)
    assert "Design Thinking gestern" in past and "Scrum für Einsteiger" not in past


def test_trainer_session_list_is_paginated(app, client, login_as):
    trainer = trainer_account()
    for i in range(app.config["PAGE_SIZE"] + 2):
        future_session(trainer, capacity=3).course.title = f"Kurs {i:02d}"
    db.session.commit()
    login_as(account=trainer)
    first = client.get("/kurse/trainer").get_data(as_text=True)
    assert first.count("<tr data-session=") == app.config["PAGE_SIZE"]
    second = client.get("/kurse/trainer?page=2").get_data(as_text=True)
    assert second.count("<tr data-session=") == 2


def test_hr_without_trainer_role_cannot_open_my_sessions(client, login_as):
    login_as(Role.HR)
    assert client.get("/kurse/trainer").status_code == 403


# ---------------------------------------------------------------------------
# Attendance and results
# ---------------------------------------------------------------------------


def test_attendance_is_refused_before_the_start(client, login_as):
    trainer = trainer_account()
    session = future_session(trainer)
    enrolment = cf.enrolment(session)
    db.session.commit()
    login_as(account=trainer)
    english(client)

    page = client.get(roster_url(session)).get_data(as_text=True)
    assert 'id="attendance-note"' in page
    assert "Attendance can be recorded from the start of the session" in page
    assert re.search(r"<fieldset[^>]*disabled", page)

    html = post(
        client,
        f"/kurse/termine/{session.id}/anwesenheit",
        {f"attendance-{enrolment.id}": "attended"},
    )
    assert "Attendance can be recorded from the start of the session." in html
    html = post(client, f"/kurse/termine/{session.id}/anwesenheit/alle")
    assert "Attendance can be recorded from the start of the session." in html
    assert state_of(enrolment) == EnrolmentState.CONFIRMED
    assert audit_entries(enrolment, "enrolment.attended") == []


def test_attendance_after_the_start(client, login_as):
    trainer = trainer_account()
    session = running_session(trainer)
    present = cf.enrolment(session, factories.employee(last_name="Anwesend"))
    absent = cf.enrolment(session, factories.employee(last_name="Abwesend"))
    untouched = cf.enrolment(session, factories.employee(last_name="Offen"))
    db.session.commit()
    login_as(account=trainer)
    english(client)

    page = client.get(roster_url(session)).get_data(as_text=True)
    assert 'id="attendance-note"' not in page
    assert not re.search(r"<fieldset[^>]*disabled", page)
    assert (
        f'<legend class="visually-hidden">Attendance of {present.employee.full_name}</legend>'
        in page
    )

    html = post(
        client,
        f"/kurse/termine/{session.id}/anwesenheit",
        {f"attendance-{present.id}": "attended", f"attendance-{absent.id}": "no_show"},
    )
    assert "Attendance saved for 2 participants." in html
    assert state_of(present) == EnrolmentState.ATTENDED
    assert state_of(absent) == EnrolmentState.NO_SHOW
    assert state_of(untouched) == EnrolmentState.CONFIRMED
    entry = audit_entries(present, "enrolment.attended")[0]
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "confirmed",
        "attended",
        trainer.id,
    )
    assert len(audit_entries(absent, "enrolment.no_show")) == 1

    # a mistake can be corrected; an unchanged form saves nothing
    post(
        client, f"/kurse/termine/{session.id}/anwesenheit", {f"attendance-{absent.id}": "attended"}
    )
    assert state_of(absent) == EnrolmentState.ATTENDED
    html = post(
        client, f"/kurse/termine/{session.id}/anwesenheit", {f"attendance-{absent.id}": "attended"}
    )
    assert "Nothing to save" in html


def test_mark_all_remaining_as_attended(client, login_as):
    login_as(Role.HR)
    english(client)
    session = running_session(trainer_account())
    remaining = [cf.enrolment(session) for _ in range(3)]
    absent = cf.enrolment(session, state=EnrolmentState.NO_SHOW)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    db.session.commit()

    page = client.get(roster_url(session)).get_data(as_text=True)
    assert "Mark all remaining (3) as attended" in page
    html = post(client, f"/kurse/termine/{session.id}/anwesenheit/alle")
    assert "3 participants have been marked as attended." in html
    assert [state_of(e) for e in remaining] == [EnrolmentState.ATTENDED] * 3
    assert state_of(absent) == EnrolmentState.NO_SHOW
    assert state_of(waiting) == EnrolmentState.WAITLISTED
    html = post(client, f"/kurse/termine/{session.id}/anwesenheit/alle")
    assert "Attendance has already been recorded for everyone." in html


def test_results_completed_and_failed(client, login_as):
    trainer = trainer_account()
    session = running_session(trainer)
    passed = cf.enrolment(session, state=EnrolmentState.ATTENDED)
    failed = cf.enrolment(session, state=EnrolmentState.ATTENDED)
    not_there = cf.enrolment(session, state=EnrolmentState.NO_SHOW)
    db.session.commit()
    login_as(account=trainer)
    english(client)

    page = client.get(roster_url(session)).get_data(as_text=True)
    assert 'id="results-form"' in page and f'name="result-{passed.id}"' in page
    assert f'name="result-{not_there.id}"' not in page

    html = post(
        client,
        f"/kurse/termine/{session.id}/ergebnisse",
        {
            f"result-{passed.id}": "completed",
            f"result-{failed.id}": "failed",
            f"result-{not_there.id}": "completed",  # ignored: did not attend
        },
    )
    assert "The results have been recorded for 2 participants." in html
    assert state_of(passed) == EnrolmentState.COMPLETED
    assert db.session.get(Enrolment, passed.id).completed_on is not None
    assert state_of(failed) == EnrolmentState.FAILED
    assert state_of(not_there) == EnrolmentState.NO_SHOW
    assert audit_entries(passed, "enrolment.completed")[0].actor_id == trainer.id
    assert len(audit_entries(failed, "enrolment.failed")) == 1
    # a recorded result is final
    html = post(
        client, f"/kurse/termine/{session.id}/ergebnisse", {f"result-{passed.id}": "failed"}
    )
    assert "Nothing to save" in html
    assert state_of(passed) == EnrolmentState.COMPLETED


# ---------------------------------------------------------------------------
# HR: waiting list and late cancellation
# ---------------------------------------------------------------------------


def test_hr_sees_the_waiting_list_in_order(client, login_as):
    login_as(Role.HR)
    session = future_session(capacity=1)
    cf.enrolment(session)
    first = cf.enrolment(
        session,
        factories.employee(last_name="Erste"),
        state=EnrolmentState.WAITLISTED,
        requested_at=hour(-48),
    )
    second = cf.enrolment(
        session,
        factories.employee(last_name="Zweite"),
        state=EnrolmentState.WAITLISTED,
        requested_at=hour(-24),
    )
    db.session.commit()
    html = client.get(roster_url(session)).get_data(as_text=True)
    table = re.search(r'<table[^>]*id="waitlist".*?</table>', html, re.S).group(0)
    assert table.index("Erste") < table.index("Zweite")
    assert (
        f'<tr data-enrolment="{first.id}">' in table
        and f'<tr data-enrolment="{second.id}">' in table
    )
    assert 'data-position="1"' in table and 'data-position="2"' in table


def test_hr_reranks_with_a_reason(client, login_as):
    hr = login_as(Role.HR)
    english(client)
    session = future_session(capacity=0)
    queue = [
        cf.enrolment(session, state=EnrolmentState.WAITLISTED, requested_at=hour(-30 + i))
        for i in range(3)
    ]
    db.session.commit()
    url = f"/kurse/termine/{session.id}/warteliste/{queue[2].id}/position"

    html = post(client, url, {"position": "1", "reason": ""})
    assert "Please give a reason." in html
    assert audit_entries(queue[2], "enrolment.reranked") == []

    html = post(client, url, {"position": "1", "reason": "Dringender Bedarf im Bürgerbüro"})
    assert "is now at position 1 of the waiting list" in html
    table = re.search(r'<table[^>]*id="waitlist".*?</table>', html, re.S).group(0)
    order = [int(i) for i in re.findall(r'<tr data-enrolment="(\d+)">', table)]
    assert order == [queue[2].id, queue[0].id, queue[1].id]
    entry = audit_entries(queue[2], "enrolment.reranked")[0]
    assert entry.reason == "Dringender Bedarf im Bürgerbüro"
    assert entry.actor_id == hr.id
    assert entry.details["from_position"] == 3 and entry.details["to_position"] == 1


def test_hr_promotes_after_the_deadline_with_a_reason(client, login_as):
    hr = login_as(Role.HR)
    english(client)
    session = running_session(capacity=2)  # started: nobody moves up by themselves
    cf.enrolment(session)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    db.session.commit()
    url = f"/kurse/termine/{session.id}/warteliste/{waiting.id}/nachruecken"

    html = post(client, url, {"reason": "  "})
    assert "Please give a reason." in html
    assert state_of(waiting) == EnrolmentState.WAITLISTED

    html = post(client, url, {"reason": "Platz frei nach Krankmeldung"})
    assert "has been given a place" in html
    assert state_of(waiting) == EnrolmentState.CONFIRMED
    assert db.session.get(CourseSession, session.id).confirmed_count == 2
    entry = audit_entries(waiting, "enrolment.promoted")[0]
    assert (entry.reason, entry.actor_id, entry.from_state, entry.to_state) == (
        "Platz frei nach Krankmeldung",
        hr.id,
        "waitlisted",
        "confirmed",
    )


def test_promotion_without_a_free_seat_is_refused_with_a_message(client, login_as):
    login_as(Role.HR)
    english(client)
    session = running_session(capacity=1)
    cf.enrolment(session)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    db.session.commit()
    html = post(
        client,
        f"/kurse/termine/{session.id}/warteliste/{waiting.id}/nachruecken",
        {"reason": "Versuch"},
    )
    assert "There is no free place. Raise the capacity first." in html
    assert state_of(waiting) == EnrolmentState.WAITLISTED
    assert audit_entries(waiting, "enrolment.promoted") == []


def test_hr_cancels_late_with_a_reason(client, login_as):
    hr = login_as(Role.HR)
    english(client)
    # starts tomorrow: the cancellation deadline (3 days before) has passed
    session = cf.session(starts_at=hour(24), capacity=1)
    seated = cf.enrolment(session, factories.employee(first_name="Björn", last_name="Weiß"))
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    db.session.commit()
    page = client.get(roster_url(session)).get_data(as_text=True)
    assert "Björn Weiß (confirmed)" in page

    url = f"/kurse/termine/{session.id}/abmelden"
    html = post(client, url, {"enrolment": str(seated.id), "reason": ""})
    assert "Please give a reason." in html
    assert state_of(seated) == EnrolmentState.CONFIRMED

    html = post(client, url, {"enrolment": str(seated.id), "reason": "Dienstliche Verhinderung"})
    assert "has been cancelled and recorded as late" in html
    cancelled = db.session.get(Enrolment, seated.id)
    assert cancelled.state == EnrolmentState.CANCELLED
    assert cancelled.late_cancellation is True
    assert cancelled.cancel_reason == "Dienstliche Verhinderung"
    entry = audit_entries(seated, "enrolment.cancelled")[0]
    assert (entry.reason, entry.actor_id, entry.details["late"]) == (
        "Dienstliche Verhinderung",
        hr.id,
        True,
    )
    # after the enrolment deadline the freed seat is HR's decision: nobody moved up
    assert state_of(waiting) == EnrolmentState.WAITLISTED


def test_cancelling_an_enrolment_not_offered_is_refused(client, login_as):
    login_as(Role.HR)
    session = future_session()
    done = cf.enrolment(session, state=EnrolmentState.CANCELLED)
    db.session.commit()
    post(
        client, f"/kurse/termine/{session.id}/abmelden", {"enrolment": str(done.id), "reason": "x"}
    )
    assert audit_entries(done, "enrolment.cancelled") == []


# ---------------------------------------------------------------------------
# Sign-in sheet
# ---------------------------------------------------------------------------


def test_sign_in_sheet_lists_everyone_with_capacity_rows(client, login_as):
    trainer = trainer_account()
    trainer.display_name = "Trainerin Ülkü Öztürk"
    dept = factories.department("Straßenverkehrsbehörde")
    session = future_session(trainer, capacity=6, location="Rathaus, Saal Größe")
    session.course.title = "Prozessautomatisierung für Sachbearbeitung"
    names = [("Jürgen", "Größmann"), ("Änne", "Müßig"), ("Özlem", "Çelik")]
    for first, last in names:
        cf.enrolment(session, factories.employee(dept, first_name=first, last_name=last))
    cf.enrolment(
        session, factories.employee(dept, last_name="Wartend"), state=EnrolmentState.WAITLISTED
    )
    cf.enrolment(
        session, factories.employee(dept, last_name="Storniert"), state=EnrolmentState.CANCELLED
    )
    db.session.commit()
    login_as(account=trainer)

    response = client.get(sheet_url(session))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    table = re.search(r'<table[^>]*id="sign-in".*?</table>', html, re.S).group(0)
    for first, last in names:
        assert f"{first} {last}" in table
    assert "Wartend" not in table and "Storniert" not in table
    assert table.count("Straßenverkehrsbehörde") == 3
    assert table.count('data-row="participant"') == 3
    assert table.count('data-row="empty"') == 3
    assert "Prozessautomatisierung für Sachbearbeitung" in html
    assert "Rathaus, Saal Größe" in html and "Trainerin Ülkü Öztürk" in html
    # print stylesheet and button script from the blueprint's static folder, no inline JS
    assert "/kurse/static/courses/courses/print.css" in html
    assert "/kurse/static/courses/courses/print.js" in html
    assert "data-print" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html
    css = client.get("/kurse/static/courses/courses/print.css")
    assert css.status_code == 200 and b"@page" in css.data and b"A4" in css.data
    css.close()
    js = client.get("/kurse/static/courses/courses/print.js")
    assert js.status_code == 200 and b"window.print()" in js.data
    js.close()


def test_full_session_sheet_has_no_empty_rows(client, login_as):
    login_as(Role.HR)
    session = future_session(capacity=2)
    cf.enrolment(session)
    cf.enrolment(session, state=EnrolmentState.ATTENDED)
    db.session.commit()
    html = client.get(sheet_url(session)).get_data(as_text=True)
    assert html.count('data-row="participant"') == 2
    assert 'data-row="empty"' not in html


# ---------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------


def roster_queries(client, participants: int) -> int:
    session = future_session(capacity=participants)
    dept = factories.department()
    for _ in range(participants):
        cf.enrolment(session, factories.employee(dept))
    for _ in range(participants // 3):
        cf.enrolment(session, factories.employee(), state=EnrolmentState.WAITLISTED)
    db.session.commit()
    db.session.expire_all()
    with count_queries(db.engine) as queries:
        response = client.get(roster_url(session))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<tr data-enrolment="') == participants + participants // 3
    return queries.count


def test_roster_query_count_is_constant(client, login_as):
    login_as(Role.HR)
    assert roster_queries(client, 3) == roster_queries(client, 30)


def test_sign_in_sheet_query_count_is_constant(client, login_as):
    login_as(Role.HR)
    counts = []
    for n in (3, 30):
        session = future_session(capacity=n)
        for _ in range(n):
            cf.enrolment(session)
        db.session.commit()
        db.session.expire_all()
        with count_queries(db.engine) as queries:
            assert client.get(sheet_url(session)).status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------
# Start-page panels and navigation
# ---------------------------------------------------------------------------


def test_trainer_panel_shows_the_next_sessions(client, login_as):
    trainer = trainer_account()
    sessions = [future_session(trainer, capacity=8) for _ in range(6)]
    for i, session in enumerate(sessions):
        session.starts_at = hour(24 * (i + 1))
        session.ends_at = session.starts_at + timedelta(hours=3)
    cf.enrolment(sessions[0])
    cf.enrolment(sessions[0])
    future_session(trainer, cancelled_at=utcnow())
    cf.session(starts_at=hour(-24 * 5), trainer=trainer)  # over
    future_session(trainer_account())  # someone else's
    db.session.commit()
    db.session.refresh(trainer)  # loaded as the request's current user would be

    with count_queries(db.engine) as queries:
        data = trainer_context(trainer)
    assert queries.count == 2, str(queries)
    assert [s.id for s in data["sessions"]] == [s.id for s in sessions[:5]]
    assert data["total"] == 6

    login_as(account=trainer)
    english(client)
    html = client.get("/").get_data(as_text=True)
    assert "My next sessions" in html
    assert f'data-figure="seats-{sessions[0].id}">2 / 8<' in html
    assert f"/kurse/termine/{sessions[0].id}/teilnehmende" in html
    assert f'data-session="{sessions[5].id}"' not in html
    assert 'data-figure="trainer-upcoming">(6 upcoming)' in html
    assert 'href="/kurse/trainer"' in html  # navigation: My sessions


def test_hr_panel_shows_sessions_needing_attention(client, login_as):
    now = utcnow()
    flagged = future_session(capacity=10, min_participants=4, below_minimum_flagged_at=now)
    cf.enrolment(flagged)
    recovered = future_session(capacity=10, min_participants=1, below_minimum_flagged_at=now)
    cf.enrolment(recovered)
    future_session(min_participants=4, below_minimum_flagged_at=now, cancelled_at=now)
    future_session(min_participants=4)  # not flagged (yet)
    running_session(min_participants=4, below_minimum_flagged_at=now)  # started
    # after the enrolment deadline, free seats and people waiting: HR decides
    decide = cf.session(starts_at=hour(24 * 3), capacity=3)
    cf.enrolment(decide)
    cf.enrolment(decide, state=EnrolmentState.WAITLISTED)
    cf.enrolment(decide, state=EnrolmentState.WAITLISTED)
    started = running_session(capacity=2)
    cf.enrolment(started, state=EnrolmentState.WAITLISTED)
    # not needing a decision: full, before the deadline, nobody waiting, cancelled
    full = cf.session(starts_at=hour(24 * 3), capacity=1)
    cf.enrolment(full)
    cf.enrolment(full, state=EnrolmentState.WAITLISTED)
    early = future_session(capacity=3)
    cf.enrolment(early, state=EnrolmentState.WAITLISTED)
    cf.session(starts_at=hour(24 * 3), capacity=3)
    gone = cf.session(starts_at=hour(24 * 3), capacity=3, cancelled_at=now)
    cf.enrolment(gone, state=EnrolmentState.WAITLISTED)
    db.session.commit()

    hr = factories.user(Role.HR, with_employee=False)
    with count_queries(db.engine) as queries:
        data = hr_attention_context(hr)
    assert queries.count == 3, str(queries)
    assert [s.id for s in data["below"]] == [flagged.id]
    assert data["below_total"] == 1
    assert [(s.id, n) for s, n in data["decide"]] == [(started.id, 1), (decide.id, 2)]
    assert data["decide_total"] == 2

    login_as(account=hr)
    english(client)
    html = client.get("/").get_data(as_text=True)
    assert "Sessions needing attention" in html
    assert 'data-figure="below-minimum">1<' in html
    assert 'data-figure="waitlist-decisions">2<' in html
    assert "1 confirmed, minimum 4" in html
    assert "2 free, 2 waiting" in html and "2 free, 1 waiting" in html
    assert f"/kurse/termine/{decide.id}/teilnehmende" in html
    assert f"/kurse/termine/{flagged.id}/teilnehmende" in html


def test_hr_panel_lists_at_most_five_but_counts_all(client, login_as):
    now = utcnow()
    for _ in range(7):
        future_session(min_participants=3, below_minimum_flagged_at=now)
    db.session.commit()
    data = hr_attention_context(factories.user(Role.HR, with_employee=False))
    assert data["below_total"] == 7 and len(data["below"]) == 5
