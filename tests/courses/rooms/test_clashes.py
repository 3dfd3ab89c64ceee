"""No room and no trainer booked twice: clashes found on create and on change of the
meetings (half-open intervals, cancelled sessions ignored), refused with a German
message at the field, booked anyway with HR's reason (audited); a session never holds
more seats than its rooms; a person's clash check compares meetings, not spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from academy.audit.models import AuditLogEntry
from academy.audit.sentences import sentences
from academy.errors import DomainError, ValidationFailed
from academy.extensions import db
from academy.i18n import translate
from courses.enrolment.cancellation import cancel_session
from courses.enrolment.lifecycle import has_clash
from courses.rooms.clashes import BookingClash, room_clashes
from courses.rooms.models import SessionTrainer
from courses.sessions.meetings import MeetingData, PlannedMeeting
from courses.sessions.models import CourseSession
from courses.sessions.scheduling import create_session, set_capacity, update_session
from tests.courses import factories as cf
from tests.courses.rooms.support import data, external, hr, meeting, room, trainer_account
from tests.courses.support import NOW

JUNE_3 = datetime(2031, 6, 3)
JUNE_10 = datetime(2031, 6, 10)


def error_of(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    return info.value


def book(*meetings: MeetingData, **changes) -> CourseSession:
    return create_session(hr(), cf.course(), data(*meetings, **changes), NOW)


def count_sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(CourseSession))


# ---------------------------------------------------------------------------
# Rooms
# ---------------------------------------------------------------------------


def test_a_room_is_not_booked_twice(db, app):
    hall = room(name="Saal", building="Rathaus")
    book(meeting(JUNE_3, 9, 12, room_id=hall.id))
    before = count_sessions()
    clash = error_of(book, meeting(JUNE_10, location="x"), meeting(JUNE_3, 11, 14, room_id=hall.id))
    assert isinstance(clash, BookingClash) and clash.status_code == 409
    assert clash.field == "meetings.1.room"
    with app.test_request_context(), force_locale("de"):
        text = translate(clash.message, **clash.params)
    assert "Doppelbuchung" in text and "Rathaus, Saal" in text and "09:00–12:00" in text
    assert count_sessions() == before


def test_meetings_touching_at_the_hour_do_not_clash(db):
    hall = room()
    book(meeting(JUNE_3, 9, 12, room_id=hall.id))
    assert book(meeting(JUNE_3, 12, 15, room_id=hall.id)).id


def test_a_cancelled_session_frees_its_room(db):
    hall = room()
    old = book(meeting(JUNE_3, room_id=hall.id))
    cancel_session(hr(), old, "Trainerin erkrankt", NOW)
    assert book(meeting(JUNE_3, room_id=hall.id)).id


def test_hr_may_book_anyway_with_a_reason_which_is_audited(db, app):
    hall = room()
    first = book(meeting(JUNE_3, room_id=hall.id))
    second = book(meeting(JUNE_3, 10, 12, room_id=hall.id), override_reason="Raum wird geteilt")
    [entry] = db.session.scalars(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "session.booking_override",
            AuditLogEntry.object_id == str(second.id),
        )
    )
    assert entry.reason == "Raum wird geteilt"
    assert entry.details["clashes"][0]["session_id"] == first.id
    with app.test_request_context(), force_locale("de"):
        [sentence] = sentences([entry]).values()
    assert "obwohl" in str(sentence) and "Raum wird geteilt" in str(sentence)


def test_a_change_asks_only_about_clashes_it_brings(db):
    hall, other = room(), room()
    book(meeting(JUNE_3, room_id=hall.id))
    shared = book(meeting(JUNE_3, room_id=hall.id), override_reason="geteilt")
    first = shared.meetings[0]
    # Changing the minimum does not ask again about the old double booking …
    same = data(meeting(JUNE_3, room_id=hall.id, meeting_id=first.id), min_participants=2)
    update_session(hr(), shared, same, NOW)
    # … moving it into another booked room does.
    book(meeting(JUNE_3, room_id=other.id))
    moved = data(meeting(JUNE_3, room_id=other.id, meeting_id=first.id))
    assert isinstance(error_of(update_session, hr(), shared, moved, NOW), BookingClash)


def test_the_session_may_not_hold_more_seats_than_its_rooms(db):
    small = room(capacity=10, name="Klein")
    error = error_of(book, meeting(JUNE_3, room_id=small.id), capacity=12)
    assert isinstance(error, ValidationFailed) and error.field == "capacity"
    assert "10 seats" in str(error) and "12" in str(error)
    session = book(meeting(JUNE_3, room_id=small.id), capacity=10)
    error = error_of(set_capacity, hr(), session, 11, NOW)
    assert error.field == "capacity"
    big = book(meeting(JUNE_10, location="anderswo"), capacity=12)
    moved = data(meeting(JUNE_10, room_id=small.id, meeting_id=big.meetings[0].id))
    assert error_of(update_session, hr(), big, moved, NOW).field == "room"


# ---------------------------------------------------------------------------
# Trainers
# ---------------------------------------------------------------------------


def test_an_external_trainer_is_not_booked_twice(db):
    coach = external("Dr. Katrin Albers")
    book(meeting(JUNE_3, location="A"), co_trainer_ids=[coach.id])
    error = error_of(book, meeting(JUNE_3, 15, 18, location="B"), co_trainer_ids=[coach.id])
    assert isinstance(error, BookingClash) and error.field == "co_trainers"
    assert "Albers" in str(error)


def test_the_lead_account_is_not_booked_twice(db):
    lead = trainer_account()
    first = book(meeting(JUNE_3, location="A"), trainer_id=lead.id)
    link = db.session.scalars(
        select(SessionTrainer).where(SessionTrainer.session_id == first.id)
    ).one()
    assert link.is_lead and link.trainer.user_id == lead.id
    error = error_of(book, meeting(JUNE_3, 10, 11, location="B"), trainer_id=lead.id)
    assert isinstance(error, BookingClash)


def test_a_lead_set_without_the_service_counts_too(db):
    lead = trainer_account()
    cf.session(starts_at=datetime(2031, 6, 3, 7, tzinfo=UTC), trainer=lead)  # 09–16 CEST
    error = error_of(book, meeting(JUNE_3, 10, 11, location="B"), trainer_id=lead.id)
    assert isinstance(error, BookingClash)


def test_trainers_must_be_chosen_from_the_list(db):
    gone = external(active=False)
    error = error_of(book, meeting(JUNE_3, location="A"), co_trainer_ids=[gone.id])
    assert error.field == "co_trainers"
    assert (
        error_of(book, meeting(JUNE_3, location="A"), co_trainer_ids=[987654]).field
        == "co_trainers"
    )


# ---------------------------------------------------------------------------
# A person's own clashes, per meeting
# ---------------------------------------------------------------------------


def test_a_workshop_on_two_days_leaves_the_days_between_free(db, make):
    person = make.employee()
    workshop = book(meeting(JUNE_3, location="A"), meeting(JUNE_10, location="A"))
    cf.enrolment(workshop, person)
    between = book(meeting(datetime(2031, 6, 5), location="B"))
    on_day_two = book(meeting(JUNE_10, 13, 15, location="C"))
    assert not has_clash(person.id, between)
    assert has_clash(person.id, on_day_two)


# ---------------------------------------------------------------------------
# The rule, over many intervals
# ---------------------------------------------------------------------------

BASE = datetime(2031, 6, 2, 6, tzinfo=UTC)
slots = st.tuples(st.integers(0, 40), st.integers(1, 12))  # start and length in half hours


def interval(slot: tuple[int, int]) -> tuple[datetime, datetime]:
    start = BASE + timedelta(minutes=30 * slot[0])
    return start, start + timedelta(minutes=30 * slot[1])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    booked=st.lists(slots, min_size=1, max_size=6), wanted=st.lists(slots, min_size=1, max_size=3)
)
def test_room_clashes_are_exactly_the_overlapping_meetings(db, booked, wanted):
    nested = db.session.begin_nested()
    try:
        hall = room()
        other = cf.session(starts_at=BASE, duration=timedelta(minutes=30))
        other.meetings.clear()
        db.session.flush()
        from courses.sessions.models import SessionMeeting

        rows = []
        for slot in booked:
            start, end = interval(slot)
            rows.append(SessionMeeting(starts_at=start, ends_at=end, room_id=hall.id))
        other.meetings.extend(rows)
        db.session.flush()
        planned = [
            PlannedMeeting(i, *interval(slot), None, None, hall) for i, slot in enumerate(wanted)
        ]
        found = {(c.index, c.other_meeting_id) for c in room_clashes(planned, None)}
        expected = {
            (p.index, m.id)
            for p in planned
            for m in rows
            if p.starts_at < m.ends_at and m.starts_at < p.ends_at
        }
        assert found == expected
    finally:
        nested.rollback()
