"""iCal: one session's file (times in UTC, umlauts, cancellation, sequence, who sees the
online link) and the personal feed (only the owner's sessions, revoked and unknown
tokens answer 404, only the token's hash is stored, the link is shown once)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.clock import utcnow
from academy.extensions import db
from courses.enrolment.cancellation import cancel_session
from courses.enrolment.models import EnrolmentState
from courses.sessions.calendar import (
    create_feed,
    feed_calendar,
    feed_owner,
    hash_token,
    revoke_feed,
)
from courses.sessions.models import CalendarFeed
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import hr
from tests.querycount import count_queries

TITLE = "Einführung: Datenschutz für Ämter – Größe & Übersicht"


def english(account: User) -> User:
    account.locale = "en"
    db.session.flush()
    return account


def at(days: float, hour: int = 8) -> datetime:
    """``days`` from now at ``hour``:00 UTC."""
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def events(body: bytes) -> dict[str, object]:
    """The VEVENTs of a calendar text by UID."""
    cal = Calendar.from_ical(body)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def uid(session) -> str:
    return f"session-{session.id}@digitalakademie"


# ---------------------------------------------------------------------------
# One session
# ---------------------------------------------------------------------------


def test_session_file_parses_with_utc_times_and_umlauts(client, login_as, app):
    trainer = factories.user(Role.TRAINER, with_employee=False)
    trainer.display_name = "Jürgen Weiß"
    course = cf.course(TITLE, code="DS-ÄÖÜ")
    start = datetime(2031, 7, 1, 7, 30, tzinfo=UTC)  # 09:30 in Berlin (summer time)
    session = cf.session(
        course, starts_at=start, duration=timedelta(hours=6), trainer=trainer, location="Raum 3"
    )
    login_as(account=english(factories.user()))

    response = client.get(f"/kurse/termine/{session.id}/kalender.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.get_data().decode("utf-8")
    assert "DTSTART:20310701T073000Z" in text and "DTEND:20310701T133000Z" in text

    [event] = events(response.get_data()).values()
    assert str(event["UID"]) == uid(session)
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == start + timedelta(hours=6)
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["LOCATION"]) == "Raum 3"
    description = str(event["DESCRIPTION"])
    assert "DS-ÄÖÜ" in description and "Jürgen Weiß" in description
    assert str(event["URL"]).endswith(f"/kurse/{course.id}")
    assert str(event["URL"]).startswith(app.config["BASE_URL"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0


def test_cancelled_session_has_status_cancelled_and_a_higher_sequence(client, login_as):
    session = cf.session(cf.course(TITLE), starts_at=at(20))
    cancel_session(hr(), session, "Trainerin erkrankt", utcnow())
    login_as(Role.EMPLOYEE)
    [event] = events(client.get(f"/kurse/termine/{session.id}/kalender.ics").get_data()).values()
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_online_link_only_for_participants(client, login_as):
    url = "https://meet.example/raum-42"
    session = cf.session(starts_at=at(20), location=None, online_url=url)
    outsider = login_as(Role.EMPLOYEE)
    [event] = events(client.get(f"/kurse/termine/{session.id}/kalender.ics").get_data()).values()
    assert url not in event.to_ical().decode()
    cf.enrolment(session, outsider.employee, state=EnrolmentState.CONFIRMED)
    [event] = events(client.get(f"/kurse/termine/{session.id}/kalender.ics").get_data()).values()
    assert str(event["LOCATION"]) == url


def test_session_file_permissions(client, login_as):
    session = cf.session(starts_at=at(20))
    hidden = cf.session(cf.course(archived=True), starts_at=at(20))
    response = client.get(f"/kurse/termine/{session.id}/kalender.ics")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    login_as(Role.EMPLOYEE)
    assert client.get(f"/kurse/termine/{session.id}/kalender.ics").status_code == 200
    assert client.get(f"/kurse/termine/{hidden.id}/kalender.ics").status_code == 404
    assert client.get("/kurse/termine/999999/kalender.ics").status_code == 404


# ---------------------------------------------------------------------------
# The personal feed
# ---------------------------------------------------------------------------


def token_from(html: str) -> str:
    match = re.search(r'id="feed-url"[^>]*value="[^"]*/kurse/kalender/([A-Za-z0-9_-]+)\.ics"', html)
    assert match, "no feed URL shown"
    return match.group(1)


def main_part(response) -> str:
    return re.search(r"<main.*?</main>", response.get_data(as_text=True), re.S).group(0)


def test_link_is_shown_once_and_only_its_hash_is_stored(client, login_as):
    account = login_as(Role.EMPLOYEE)
    english(account)
    assert 'id="feed-url"' not in client.get("/kurse/kalender").get_data(as_text=True)

    response = client.post("/kurse/kalender/neu")
    assert response.status_code == 200
    token = token_from(response.get_data(as_text=True))
    assert len(token) >= 43

    [feed] = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == account.id))
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    entries = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.object_type == "calendar_feed")
    ).all()
    assert [e.action for e in entries] == ["calendar_feed.created"]
    assert all(token not in str(e.details or "") for e in entries)

    later = client.get("/kurse/kalender").get_data(as_text=True)
    assert token not in later and 'id="feed-url"' not in later
    assert "A calendar address exists since" in later
    assert client.get(f"/kurse/kalender/{token}.ics").status_code == 200


def test_feed_shows_only_the_owners_sessions(client, login_as):
    account = factories.user()
    me = account.employee
    other = factories.employee()
    upcoming = cf.session(cf.course(TITLE), starts_at=at(10))
    recent = cf.session(cf.course("Kanban"), starts_at=at(-30))
    old = cf.session(cf.course("Uralt"), starts_at=at(-100))
    far = cf.session(cf.course("Weit weg"), starts_at=at(400))
    withdrawn = cf.session(cf.course("Abgesagt"), starts_at=at(15))
    waiting = cf.session(cf.course("Warten"), starts_at=at(12), capacity=0)
    asked = cf.session(cf.course("Gefragt", requires_approval=True), starts_at=at(13))
    theirs = cf.session(cf.course("Fremd"), starts_at=at(11))
    cf.enrolment(upcoming, me, state=EnrolmentState.CONFIRMED)
    cf.enrolment(recent, me, state=EnrolmentState.COMPLETED)
    cf.enrolment(old, me, state=EnrolmentState.COMPLETED)
    cf.enrolment(far, me, state=EnrolmentState.CONFIRMED)
    cf.enrolment(
        withdrawn, me, state=EnrolmentState.CANCELLED, confirmed_at=utcnow() - timedelta(days=3)
    )
    cf.enrolment(waiting, me, state=EnrolmentState.WAITLISTED)
    cf.enrolment(asked, me, state=EnrolmentState.PENDING)
    cf.enrolment(theirs, other, state=EnrolmentState.CONFIRMED)
    cf.enrolment(upcoming, other, state=EnrolmentState.CONFIRMED)
    _feed, token = create_feed(account, utcnow())
    db.session.commit()

    response = client.get(f"/kurse/kalender/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.get_data())
    assert set(found) == {uid(upcoming), uid(recent), uid(far), uid(withdrawn)}
    assert str(found[uid(upcoming)]["SUMMARY"]) == TITLE
    assert found[uid(upcoming)].decoded("DTSTART") == upcoming.starts_at
    assert str(found[uid(upcoming)]["STATUS"]) == "CONFIRMED"
    assert str(found[uid(withdrawn)]["STATUS"]) == "CANCELLED"
    assert int(found[uid(withdrawn)]["SEQUENCE"]) > 0


def test_cancelled_session_shows_as_cancelled_in_the_feed(client):
    account = factories.user()
    session = cf.session(starts_at=at(10))
    cf.enrolment(session, account.employee, state=EnrolmentState.CONFIRMED)
    _feed, token = create_feed(account, utcnow())
    before = events(client.get(f"/kurse/kalender/{token}.ics").get_data())[uid(session)]
    cancel_session(hr(), session, "Raum nicht verfügbar", utcnow())
    db.session.commit()
    after = events(client.get(f"/kurse/kalender/{token}.ics").get_data())[uid(session)]
    assert str(before["STATUS"]) == "CONFIRMED" and str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_unknown_revoked_and_replaced_tokens_answer_404(app, client, login_as):
    account = english(login_as(Role.EMPLOYEE))
    first = token_from(client.post("/kurse/kalender/neu").get_data(as_text=True))
    second = token_from(client.post("/kurse/kalender/neu").get_data(as_text=True))
    assert first != second
    assert client.get(f"/kurse/kalender/{first}.ics").status_code == 404
    assert client.get(f"/kurse/kalender/{second}.ics").status_code == 200

    response = client.post("/kurse/kalender/widerrufen")
    assert response.status_code == 302
    assert client.get(f"/kurse/kalender/{second}.ics").status_code == 404
    assert "You have no calendar address yet." in client.get("/kurse/kalender").get_data(
        as_text=True
    )
    feeds = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == account.id))
    assert all(f.revoked_at is not None for f in feeds)

    anonymous = app.test_client()
    revoked = anonymous.get(f"/kurse/kalender/{first}.ics")
    unknown = anonymous.get("/kurse/kalender/" + "x" * 43 + ".ics")
    assert revoked.status_code == unknown.status_code == 404
    assert main_part(revoked) == main_part(unknown)  # no detail on why
    assert anonymous.get("/kurse/kalender/" + "y" * 500 + ".ics").status_code == 404


def test_feed_of_a_deactivated_account_is_gone(client):
    account = factories.user()
    _feed, token = create_feed(account, utcnow())
    account.active = False
    db.session.commit()
    assert client.get(f"/kurse/kalender/{token}.ics").status_code == 404


def test_feed_services(db):
    account = factories.user()
    now = utcnow()
    feed, token = create_feed(account, now)
    assert feed.token_hash == hash_token(token) and feed.revoked_at is None
    assert feed_owner(token) == account
    assert revoke_feed(account, now) == 1
    assert feed_owner(token) is None
    assert revoke_feed(account, now) == 0
    revoked = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "calendar_feed.revoked")
    ).all()
    assert [(e.object_id, e.to_state) for e in revoked] == [(str(feed.id), "revoked")]


@pytest.mark.parametrize("n", [2])
def test_feed_query_count_does_not_grow(app, db, n):
    counts = []
    for count in (n, n * 10):
        account = factories.user()
        for i in range(count):
            cf.enrolment(cf.session(starts_at=at(5 + i)), account.employee)
        with app.test_request_context(), count_queries(db.engine) as queries:
            body = feed_calendar(account, utcnow())
        assert len(events(body)) == count
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_settings_page_needs_login(client):
    for response in (
        client.get("/kurse/kalender"),
        client.post("/kurse/kalender/neu"),
        client.post("/kurse/kalender/widerrufen"),
    ):
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
