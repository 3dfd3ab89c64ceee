"""HR's session form with several meetings: a two-day session in a room with trainers,
a weekly series, errors at the meeting row they concern, a double booking refused with
the German message and booked with a reason; the roster and the sign-in sheets per
meeting; the calendar file with one event per meeting."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.extensions import db
from courses.enrolment.models import EnrolmentState
from courses.rooms.models import SessionTrainer
from courses.sessions.models import CourseSession, SessionMeeting
from courses.sessions.scheduling import create_session
from tests.courses import factories as cf
from tests.courses.rooms.support import data, external, hr, meeting, room, trainer_account
from tests.courses.support import NOW


def error_text(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def two_days(**changes: str) -> dict[str, str]:
    values = {
        "starts_at": "2031-03-03T09:00",
        "ends_at": "2031-03-03T16:00",
        "room": "",
        "location": "",
        "online_url": "",
        "meetings-0-starts_at": "2031-03-10T09:00",
        "meetings-0-ends_at": "2031-03-10T16:00",
        "meetings-0-room": "",
        "meetings-0-location": "",
        "meetings-1-starts_at": "",
        "meetings-1-ends_at": "",
        "trainer": "",
        "capacity": "12",
        "min_participants": "3",
    }
    values.update(changes)
    return values


def sessions_of(course) -> list[CourseSession]:
    return list(
        db.session.scalars(select(CourseSession).where(CourseSession.course_id == course.id))
    )


def test_hr_plans_a_two_day_session_in_a_room_with_trainers(client, login_as):
    login_as(Role.HR)
    client.set_cookie("da_lang", "de")
    hall = room(name="Raum 2.14", building="Rathaus", capacity=16)
    lead = trainer_account()
    coach = external("Dr. Katrin Albers")
    course = cf.course()
    db.session.commit()
    form = two_days(room=str(hall.id), trainer=str(lead.id), **{"meetings-0-room": str(hall.id)})
    response = client.post(
        f"/kurse/verwaltung/{course.id}/termine/neu",
        data={**form, "co_trainers": [str(coach.id)]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [session] = sessions_of(course)
    assert [m.room_id for m in session.meetings] == [hall.id, hall.id]
    assert session.location == "Rathaus, Raum 2.14" and session.trainer_id == lead.id
    links = db.session.scalars(
        select(SessionTrainer).where(SessionTrainer.session_id == session.id)
    )
    assert {(link.trainer.user_id, link.is_lead) for link in links} == {
        (lead.id, True),
        (None, False),
    }
    page = client.get(f"/kurse/verwaltung/termine/{session.id}").get_data(as_text=True)
    assert 'value="2031-03-10T09:00"' in page and 'id="meetings-1-starts_at"' in page
    assert "2 Termine" in page and "Dr. Katrin Albers" in page


def test_a_weekly_series_from_one_meeting(client, login_as):
    login_as(Role.HR)
    course = cf.course()
    db.session.commit()
    form = two_days(
        location="VHS", repeat_weekly="3", **{"meetings-0-starts_at": "", "meetings-0-ends_at": ""}
    )
    assert client.post(f"/kurse/verwaltung/{course.id}/termine/neu", data=form).status_code == 302
    [session] = sessions_of(course)
    assert len(session.meetings) == 4


def test_an_error_is_shown_at_the_meeting_row_it_concerns(client, login_as):
    login_as(Role.HR)
    client.set_cookie("da_lang", "de")
    course = cf.course()
    db.session.commit()
    url = f"/kurse/verwaltung/{course.id}/termine/neu"
    response = client.post(url, data=two_days(location="A"))  # second day without a place
    assert response.status_code == 422
    assert "Raum" in error_text(response.get_data(as_text=True), "meetings-0-location")
    late_end = two_days(
        location="A", **{"meetings-0-location": "A", "meetings-0-ends_at": "2031-03-10T08:00"}
    )
    response = client.post(url, data=late_end)
    assert "nach dem Beginn" in error_text(response.get_data(as_text=True), "meetings-0-ends_at")
    foreign = two_days(location="A", **{"meetings-0-location": "A", "meetings-0-meeting_id": "-1"})
    response = client.post(url, data=foreign)
    assert response.status_code == 422 and "neu" in response.get_data(as_text=True)
    assert sessions_of(course) == []


def test_a_double_booking_is_refused_then_booked_with_a_reason(client, login_as):
    login_as(Role.HR)
    client.set_cookie("da_lang", "de")
    hall = room(name="Saal", building="Rathaus", capacity=20)
    taken = create_session(
        hr(),
        cf.course(title="Scrum kompakt"),
        data(meeting(datetime(2031, 3, 10), room_id=hall.id)),
        NOW,
    )
    course = cf.course()
    db.session.commit()
    url = f"/kurse/verwaltung/{course.id}/termine/neu"
    form = two_days(location="Aula", **{"meetings-0-room": str(hall.id)})
    refused = client.post(url, data=form)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert 'id="clashes"' in html and "Scrum kompakt" in html
    assert "Doppelbuchung" in error_text(html, "meetings-0-room")
    assert 'name="override_reason"' in html and "Trotzdem buchen" in html
    assert sessions_of(course) == []

    booked = client.post(url, data={**form, "override_reason": "Der Saal wird geteilt."})
    assert booked.status_code == 302
    [session] = sessions_of(course)
    entry = db.session.scalars(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "session.booking_override",
            AuditLogEntry.object_id == str(session.id),
        )
    ).one()
    assert entry.reason == "Der Saal wird geteilt."
    assert entry.details["clashes"][0]["session_id"] == taken.id


def test_the_capacity_is_checked_against_the_room(client, login_as):
    login_as(Role.HR)
    client.set_cookie("da_lang", "de")
    small = room(capacity=8, name="Kleiner Raum")
    course = cf.course()
    db.session.commit()
    response = client.post(
        f"/kurse/verwaltung/{course.id}/termine/neu",
        data=two_days(room=str(small.id), **{"meetings-0-location": "B"}),
    )
    assert response.status_code == 422
    assert "8 Plätze" in error_text(response.get_data(as_text=True), "capacity")


def test_removing_a_meeting_on_the_edit_form(client, login_as):
    login_as(Role.HR)
    session = create_session(
        hr(),
        cf.course(),
        data(
            meeting(datetime(2031, 3, 3), location="A"),
            meeting(datetime(2031, 3, 10), location="A"),
        ),
        NOW,
    )
    first, second = session.meetings
    db.session.commit()
    form = two_days(
        location="A",
        meeting_id=str(first.id),
        **{
            "meetings-0-meeting_id": str(second.id),
            "meetings-0-location": "A",
            "meetings-0-remove": "y",
        },
    )
    response = client.post(f"/kurse/verwaltung/termine/{session.id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert [m.id for m in db.session.get(CourseSession, session.id).meetings] == [first.id]


# ---------------------------------------------------------------------------
# Roster, sign-in sheets and calendar per meeting
# ---------------------------------------------------------------------------


def started_workshop(trainer):
    """A two-day workshop whose first day is over and whose second day is to come (the
    pages use the real clock)."""
    now = utcnow().replace(microsecond=0)
    session = cf.session(starts_at=now - timedelta(days=1, hours=2), trainer=trainer)
    first = session.meetings[0]
    first.ends_at = now - timedelta(days=1)
    session.meetings.append(
        SessionMeeting(
            position=1,
            starts_at=now + timedelta(days=6),
            ends_at=now + timedelta(days=6, hours=6),
            location="B",
        )
    )
    session.ends_at = session.meetings[1].ends_at
    db.session.flush()
    return session


def test_the_roster_records_attendance_per_meeting(client, login_as):
    trainer = trainer_account()
    session = started_workshop(trainer)
    here, away = cf.enrolment(session), cf.enrolment(session)
    first, second = session.meetings
    db.session.commit()
    login_as(account=trainer)
    client.set_cookie("da_lang", "de")

    page = client.get(f"/kurse/termine/{session.id}/teilnehmende").get_data(as_text=True)
    assert 'id="meeting-tabs"' in page and f'value="{first.id}"' in page
    response = client.post(
        f"/kurse/termine/{session.id}/anwesenheit",
        data={
            "meeting": str(first.id),
            f"attendance-{here.id}": "attended",
            f"attendance-{away.id}": "no_show",
        },
    )
    assert response.status_code == 303 and f"termin={first.id}" in response.headers["Location"]
    db.session.expire_all()
    assert {e.state for e in (here, away)} == {EnrolmentState.CONFIRMED}  # day two is open
    too_early = client.post(
        f"/kurse/termine/{session.id}/anwesenheit",
        data={"meeting": str(second.id), f"attendance-{here.id}": "attended"},
        follow_redirects=True,
    )
    assert "ab seinem Beginn" in too_early.get_data(as_text=True)
    later = client.get(f"/kurse/termine/{session.id}/teilnehmende?termin={first.id}").get_data(
        as_text=True
    )
    assert re.search(rf'id="attendance-{here.id}-yes"[^>]*checked', later)
    assert "bei 1 von 2 Terminen anwesend" in later


def test_sign_in_sheets_one_per_meeting(client, login_as):
    login_as(Role.HR)
    session = started_workshop(trainer_account())
    cf.enrolment(session)
    db.session.commit()
    html = client.get(f"/kurse/termine/{session.id}/anwesenheitsliste").get_data(as_text=True)
    assert html.count('<section class="sheet"') == 2
    assert 'id="sign-in"' in html and 'id="sign-in-2"' in html
    one = client.get(
        f"/kurse/termine/{session.id}/anwesenheitsliste?termin={session.meetings[1].id}"
    ).get_data(as_text=True)
    assert one.count('<section class="sheet"') == 1
    assert (
        client.get(f"/kurse/termine/{session.id}/anwesenheitsliste?termin=%00").status_code == 200
    )


def test_the_calendar_file_has_one_event_per_meeting(client, login_as):
    session = create_session(
        hr(),
        cf.course(title="Agile Verwaltung"),
        data(
            meeting(datetime(2031, 3, 3), location="A"),
            meeting(datetime(2031, 3, 10), location="B"),
        ),
        NOW,
    )
    db.session.commit()
    login_as(Role.EMPLOYEE)
    body = client.get(f"/kurse/termine/{session.id}/kalender.ics").get_data()
    events = list(Calendar.from_ical(body).walk("VEVENT"))
    assert [str(e["LOCATION"]) for e in events] == ["A", "B"]
    uids = [str(e["UID"]) for e in events]
    assert uids[0] == f"session-{session.id}@digitalakademie"
    assert uids[1] == f"session-{session.id}-meeting-{session.meetings[1].id}@digitalakademie"
    assert db.session.scalar(select(func.count()).select_from(CourseSession)) >= 1
