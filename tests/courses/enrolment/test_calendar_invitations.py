"""Session invitations in calendars: the e-mail of a confirmed place carries an ``.ics``
with METHOD:REQUEST, a change sends it again with a higher SEQUENCE, a cancelled place or
session sends METHOD:CANCEL with the same UID; one VEVENT per meeting. Sent through a
real SMTP server on loopback and parsed with icalendar, as a calendar program would."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy import select

from academy.audit.log import record
from academy.notifications.models import OutboxAttachment
from academy.notifications.outbox import send_outbox
from courses.enrolment.cancellation import cancel, cancel_session
from courses.enrolment.invitations import sequence_for
from courses.enrolment.requests import request_enrolment
from courses.sessions.invitations import invitation_calendar
from courses.sessions.models import SessionMeeting
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import NOW, hr, upcoming
from tests.smtp import mail_port_fixture, part, smtp_fixture  # noqa: F401 - the fixtures


def calendars(smtp) -> list[tuple[EmailMessage, Calendar]]:
    """Every delivered message with its calendar: the ``text/calendar`` alternative and
    the ``einladung.ics`` file must be the same calendar."""
    found = []
    for message in smtp.inbox.messages:
        inline = part(message, "text/calendar")
        if inline is None:
            continue
        attached = part(message, "application/ics")
        assert attached.get_filename() == "einladung.ics"
        assert attached.get_content().replace(b"\r\n", b"\n") == inline.get_content().encode(
            "utf-8"
        ).replace(b"\r\n", b"\n")
        found.append((message, Calendar.from_ical(attached.get_content())))
    return found


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def test_a_confirmed_place_brings_a_request_for_a_person_without_an_account(db, smtp):
    session = upcoming(cf.course(title="Datenschutz im Amt"))
    emp = factories.employee(email="ohne.konto@stadt.example")

    request_enrolment(hr(), emp, session, NOW)
    send_outbox(NOW)

    [(message, cal)] = calendars(smtp)
    assert message["To"] == "ohne.konto@stadt.example"
    assert message["Subject"] == "Platz bestätigt: Datenschutz im Amt"
    assert part(message, "text/calendar").get_params()[-1] == ("method", "REQUEST")
    assert cal["METHOD"] == "REQUEST"
    [event] = events(cal)
    assert str(event["UID"]) == f"session-{session.id}@digitalakademie"
    assert event["SUMMARY"] == "Datenschutz im Amt"
    assert event["STATUS"] == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["ATTENDEE"]) == "mailto:ohne.konto@stadt.example"
    assert str(event["ORGANIZER"]) == "mailto:akademie@stadt.example"


def test_cancelling_the_place_removes_the_same_entry(db, smtp):
    session = upcoming()
    emp = factories.employee()
    enrolment = request_enrolment(hr(), emp, session, NOW)

    cancel(hr(), enrolment, NOW + timedelta(hours=1), reason="Terminkollision")
    send_outbox(NOW + timedelta(hours=1))

    (_m1, first), (_m2, second) = calendars(smtp)
    assert second["METHOD"] == "CANCEL"
    [old], [new] = events(first), events(second)
    assert new["UID"] == old["UID"] and new["STATUS"] == "CANCELLED"
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])


def test_a_waiting_list_place_brings_no_calendar_entry(db, smtp):
    session = upcoming(capacity=1)
    request_enrolment(hr(), factories.employee(), session, NOW)
    waiting = request_enrolment(hr(), factories.employee(), session, NOW)
    cancel(hr(), waiting, NOW, reason="egal")
    send_outbox(NOW)
    assert len(calendars(smtp)) == 1  # the confirmed place only


def test_a_cancelled_session_cancels_the_entries_of_those_with_a_place(db, smtp):
    session = upcoming(capacity=1)
    holder, waiting = factories.employee(), factories.employee()
    request_enrolment(hr(), holder, session, NOW)
    request_enrolment(hr(), waiting, session, NOW)

    cancel_session(hr(), session, "Trainerin erkrankt", NOW + timedelta(days=1))
    send_outbox(NOW + timedelta(days=1))

    found = calendars(smtp)
    assert [c["METHOD"] for _m, c in found] == ["REQUEST", "CANCEL"]
    assert {m["To"] for m, _c in found} == {holder.email}
    request_seq = int(events(found[0][1])[0]["SEQUENCE"])
    assert int(events(found[1][1])[0]["SEQUENCE"]) > request_seq


def test_every_recorded_change_of_the_session_raises_the_sequence(db):
    session = upcoming()
    emp = factories.employee()
    request_enrolment(hr(), emp, session, NOW)
    first = sequence_for(session, emp.id)
    record(None, "session.updated", "course_session", session.id, now=NOW)
    db.session.flush()
    assert sequence_for(session, emp.id) == first + 1


def test_one_event_per_meeting_with_stable_uids(db, app):
    session = upcoming(cf.course(title="Agile Verwaltung"))
    for made in list(session.meetings):  # the factory's single meeting
        db.session.delete(made)
    db.session.flush()
    first = session.starts_at
    for position, start in enumerate((first, first + timedelta(days=7))):
        db.session.add(
            SessionMeeting(
                session_id=session.id,
                position=position,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                location=f"Raum {position + 1}",
            )
        )
    db.session.flush()
    db.session.expire(session, ["meetings"])

    with app.test_request_context():
        cal = Calendar.from_ical(invitation_calendar(session, "REQUEST", 4, now=NOW))
    vevents = events(cal)
    assert cal["METHOD"] == "REQUEST" and len(vevents) == 2
    assert str(vevents[0]["UID"]) == f"session-{session.id}@digitalakademie"
    assert str(vevents[1]["UID"]).startswith(f"session-{session.id}-meeting-")
    assert [e.decoded("DTSTART") for e in vevents] == [first, first + timedelta(days=7)]
    assert [str(e["LOCATION"]) for e in vevents] == ["Raum 1", "Raum 2"]
    assert all(int(e["SEQUENCE"]) == 4 for e in vevents)
    assert "(Termin 1 von 2)" in str(vevents[0]["SUMMARY"])
    with app.test_request_context():
        again = Calendar.from_ical(invitation_calendar(session, "CANCEL", 5, now=NOW))
    assert [str(e["UID"]) for e in events(again)] == [str(e["UID"]) for e in vevents]
    assert {str(e["STATUS"]) for e in events(again)} == {"CANCELLED"}


def test_unknown_methods_are_refused(db, app):
    session = upcoming()
    with app.test_request_context(), pytest.raises(ValueError):
        invitation_calendar(session, "PUBLISH; X", 0)


def test_the_attachment_is_stored_with_the_outbox_row(db):
    session = upcoming()
    request_enrolment(hr(), factories.employee(), session, NOW)
    [stored] = db.session.scalars(select(OutboxAttachment)).all()
    assert (stored.filename, stored.content_type) == (
        "einladung.ics",
        "text/calendar; method=REQUEST",
    )
    assert Calendar.from_ical(stored.content)["METHOD"] == "REQUEST"
