"""Sessions of several meetings, as the scheduling service keeps them: each meeting
checked at its own row, no overlap inside a session, a weekly series across the clock
change, the session's first start / last end / first place kept, rows changed in place
(attendance stays), sessions made without the service get their one meeting, and the UE
of a completion split over the years of its meetings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, DomainError, ValidationFailed
from courses.enrolment.attendance import mark_meeting
from courses.enrolment.models import EnrolmentState
from courses.sessions.meetings import MeetingData, ue_by_year, ue_of, weekly_series
from courses.sessions.models import CourseSession, SessionMeeting
from courses.sessions.scheduling import create_session, update_session
from tests.courses import factories as cf
from tests.courses.rooms.support import data, hr, meeting, room
from tests.courses.support import NOW

#: Tuesday 3 and 10 June 2031 (Berlin wall-clock, naive as HR enters them).
JUNE_3 = datetime(2031, 6, 3)
JUNE_10 = datetime(2031, 6, 10)


def error_of(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    return info.value


def two_day(course=None, **changes):
    return create_session(
        hr(),
        course or cf.course(),
        data(meeting(JUNE_3, location="Raum A"), meeting(JUNE_10, location="Raum B"), **changes),
        NOW,
    )


def test_a_two_day_workshop_keeps_first_start_and_last_end(db):
    session = two_day()
    assert [(m.position, m.location) for m in session.meetings] == [(0, "Raum A"), (1, "Raum B")]
    assert session.starts_at == datetime(2031, 6, 3, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert session.ends_at == datetime(2031, 6, 10, 14, 0, tzinfo=UTC)  # 16:00 CEST
    assert session.location == "Raum A"
    assert session.enrolment_deadline == session.starts_at - timedelta(days=7)
    [entry] = db.session.scalars(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "session.created", AuditLogEntry.object_id == str(session.id)
        )
    )
    assert len(entry.details["meetings"]) == 2


def test_meetings_are_sorted_by_start_whatever_the_order_entered(db):
    session = create_session(
        hr(),
        cf.course(),
        data(meeting(JUNE_10, location="später"), meeting(JUNE_3, location="früher")),
        NOW,
    )
    assert [m.location for m in session.meetings] == ["früher", "später"]
    assert session.location == "früher"


@pytest.mark.parametrize(
    ("second", "field", "text"),
    [
        (MeetingData(None, datetime(2031, 6, 10, 12), "x"), "meetings.1.starts_at", "start"),
        (
            MeetingData(datetime(2031, 6, 10, 12), datetime(2031, 6, 10, 11), "x"),
            "meetings.1.ends_at",
            "after the start",
        ),
        (
            MeetingData(datetime(2031, 6, 10, 9), datetime(2031, 6, 10, 12)),
            "meetings.1.location",
            "room or enter the place",
        ),
        (
            MeetingData(datetime(2031, 6, 3, 15), datetime(2031, 6, 3, 18), "x"),
            "meetings.1.starts_at",
            "overlaps meeting 1",
        ),
        (
            MeetingData(datetime(2031, 3, 30, 2, 30), datetime(2031, 3, 30, 5), "x"),
            "meetings.1.starts_at",
            "clock change",
        ),
        (
            MeetingData(datetime(2031, 6, 10, 9), datetime(2031, 6, 10, 12), room_id=987654),
            "meetings.1.room",
            "rooms offered",
        ),
    ],
)
def test_each_meeting_is_checked_at_its_own_row(db, second, field, text):
    course = cf.course()
    error = error_of(
        create_session, hr(), course, data(meeting(JUNE_3, location="Raum A"), second), NOW
    )
    assert isinstance(error, ValidationFailed)
    assert (error.field, text in str(error)) == (field, True), str(error)
    assert (
        db.session.scalar(select(CourseSession.id).where(CourseSession.course_id == course.id))
        is None
    )


def test_back_to_back_meetings_do_not_overlap(db):
    session = create_session(
        hr(),
        cf.course(),
        data(meeting(JUNE_3, 9, 12, location="A"), meeting(JUNE_3, 12, 15, location="A")),
        NOW,
    )
    assert len(session.meetings) == 2


def test_a_room_is_a_place_and_its_label_the_sessions_place(db):
    hall = room(name="Saal Süd", building="Bürgerhaus")
    session = create_session(hr(), cf.course(), data(meeting(JUNE_3, room_id=hall.id)), NOW)
    [only] = session.meetings
    assert (only.room_id, only.location, only.place) == (hall.id, None, "Bürgerhaus, Saal Süd")
    assert session.location == "Bürgerhaus, Saal Süd"


def test_an_inactive_room_cannot_be_booked_anew(db):
    closed = room(active=False)
    error = error_of(
        create_session, hr(), cf.course(), data(meeting(JUNE_3, room_id=closed.id)), NOW
    )
    assert error.field == "room"


def test_a_weekly_series_keeps_the_wall_clock_across_the_clock_change():
    # Tuesday 18 March 2031 18:00 CET; the clocks go forward on 30 March.
    rows = weekly_series([meeting(datetime(2031, 3, 18), 18, 20, location="VHS")], 3)
    assert [r.starts_at for r in rows] == [datetime(2031, 3, d, 18) for d in (18, 25)] + [
        datetime(2031, 4, 1, 18),
        datetime(2031, 4, 8, 18),
    ]
    assert {r.location for r in rows} == {"VHS"}
    assert weekly_series(rows, 0) == rows


def test_a_series_is_stored_as_weekly_meetings(db):
    session = create_session(
        hr(),
        cf.course(),
        data(meeting(datetime(2031, 3, 18), 18, 20, location="VHS"), repeat_weekly=3),
        NOW,
    )
    starts = [m.starts_at for m in session.meetings]
    assert starts[0] == datetime(2031, 3, 18, 17, 0, tzinfo=UTC)  # CET
    assert starts[-1] == datetime(2031, 4, 8, 16, 0, tzinfo=UTC)  # CEST: still 18:00 in Berlin
    error = error_of(
        create_session,
        hr(),
        cf.course(),
        data(meeting(JUNE_3, location="x"), repeat_weekly=60),
        NOW,
    )
    assert error.field == "repeat_weekly"


def test_changing_a_meeting_keeps_its_row_and_the_others(db):
    session = two_day()
    first, second = session.meetings
    changed = data(
        MeetingData(
            datetime(2031, 6, 3, 10), datetime(2031, 6, 3, 17), "Raum A", meeting_id=first.id
        ),
        MeetingData(
            datetime(2031, 6, 10, 9), datetime(2031, 6, 10, 16), "Raum C", meeting_id=second.id
        ),
    )
    update_session(hr(), session, changed, NOW)
    assert [m.id for m in session.meetings] == [first.id, second.id]
    assert session.starts_at == datetime(2031, 6, 3, 8, 0, tzinfo=UTC)
    entry = db.session.scalars(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "session.updated", AuditLogEntry.object_id == str(session.id)
        )
    ).one()
    assert "meetings" in entry.details and "starts_at" in entry.details


def test_removing_a_meeting_with_recorded_attendance_is_refused(db):
    session = two_day()
    enrolment = cf.enrolment(session)
    first, second = session.meetings
    mark_meeting(hr(), enrolment, second, True, second.starts_at)
    only_first = data(
        MeetingData(
            datetime(2031, 6, 3, 9), datetime(2031, 6, 3, 16), "Raum A", meeting_id=first.id
        )
    )
    error = error_of(update_session, hr(), session, only_first, NOW)
    assert isinstance(error, Conflict)


def test_a_row_may_only_change_a_meeting_of_this_session(db):
    session, other = two_day(), two_day()
    foreign = other.meetings[0].id
    rows = data(
        MeetingData(datetime(2031, 6, 3, 9), datetime(2031, 6, 3, 16), "A", meeting_id=foreign)
    )
    error = error_of(update_session, hr(), session, rows, NOW)
    assert isinstance(error, ValidationFailed) and error.field is None
    assert [m.session_id for m in other.meetings] == [other.id, other.id]


def test_the_old_single_meeting_call_changes_the_first_meeting_only(db):
    session = two_day()
    first, second = session.meetings
    fields = data(meeting(JUNE_3, 10, 17, location="Neu"))
    fields.meetings = None
    update_session(hr(), session, fields, NOW)
    assert [(m.id, m.location) for m in session.meetings] == [
        (first.id, "Neu"),
        (second.id, "Raum B"),
    ]


def test_sessions_made_without_the_service_get_their_meeting(db):
    session = cf.session(location="Rathaus, Raum 101")
    [only] = session.meetings
    assert (only.starts_at, only.ends_at, only.location) == (
        session.starts_at,
        session.ends_at,
        "Rathaus, Raum 101",
    )
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.location = "Bürgeramt"
    db.session.flush()
    db.session.refresh(only)
    assert (only.starts_at, only.location) == (session.starts_at, "Bürgeramt")
    assert (
        db.session.scalar(
            select(SessionMeeting.id).where(SessionMeeting.session_id == session.id).offset(1)
        )
        is None
    )


def test_attendance_is_recorded_per_meeting_only_from_its_start(db):
    session = two_day()
    enrolment = cf.enrolment(session)
    _, second = session.meetings
    error = error_of(
        mark_meeting, hr(), enrolment, second, True, second.starts_at - timedelta(minutes=1)
    )
    assert "from its start" in str(error)
    mark_meeting(hr(), enrolment, second, True, second.starts_at)
    assert enrolment.state == EnrolmentState.CONFIRMED  # the first meeting is still open


# ---------------------------------------------------------------------------
# Teaching units
# ---------------------------------------------------------------------------


def test_ue_of_minutes():
    assert str(ue_of(45)) == "1.0" and str(ue_of(7 * 60)) == "9.3" and str(ue_of(0)) == "0.0"


def at(year: int, month: int, day: int, hours: int = 3) -> tuple[datetime, datetime]:
    start = datetime(year, month, day, 9, tzinfo=UTC)
    return start, start + timedelta(hours=hours)


def test_ue_stay_in_the_year_of_completion_unless_the_meetings_span_two_years():
    assert ue_by_year(8, [at(2030, 11, 4), at(2030, 11, 11)], 2031) == {2031: 8}
    assert ue_by_year(8, [at(2030, 12, 9), at(2031, 1, 13)], 2031) == {2030: 4, 2031: 4}
    assert ue_by_year(5, [at(2030, 12, 9, 2), at(2031, 1, 13, 1)], 2031) == {2030: 3, 2031: 2}


@settings(max_examples=200, deadline=None)
@given(
    ue=st.integers(min_value=1, max_value=200),
    starts=st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(2029, 1, 1), max_value=datetime(2032, 12, 31)),
            st.integers(min_value=15, max_value=600),
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_the_parts_always_add_up_to_the_course_ue(ue, starts):
    meetings = [
        (s.replace(tzinfo=UTC), s.replace(tzinfo=UTC) + timedelta(minutes=m)) for s, m in starts
    ]
    parts = ue_by_year(ue, meetings, 2033)
    assert sum(parts.values()) == ue
    assert all(v > 0 for v in parts.values())
    years = {m[0].astimezone(UTC).year for m in meetings}
    assert set(parts) <= years | {2033, *(y + 1 for y in years), *(y - 1 for y in years)}
