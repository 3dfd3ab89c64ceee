"""Attendance per meeting and what follows from it: the enrolment settles once every
meeting is recorded (attended from the configured share of the time, by length), a
correction settles it again, results only from the last meeting's start, reminders once
per meeting (also with several hosts), and the UE in "my learning"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from academy.audit.models import AuditLogEntry
from academy.errors import ValidationFailed
from courses.enrolment import tick
from courses.enrolment.attendance import mark_attendance, mark_meeting, record_result, settled_state
from courses.enrolment.models import EnrolmentState
from courses.enrolment.queries import my_learning
from courses.sessions.models import SessionMeeting
from courses.sessions.scheduling import create_session
from tests.courses import factories as cf
from tests.courses.rooms.support import data, hr, meeting
from tests.courses.support import NOW, inbox, person

S = EnrolmentState


def series(*days: int, hours: tuple[int, int] = (9, 12), course=None):
    """A session with one meeting on each of these days of June 2031."""
    rows = [meeting(datetime(2031, 6, d), *hours, location="Raum") for d in days]
    return create_session(hr(), course or cf.course(), data(*rows), NOW)


def late(session) -> datetime:
    return session.meetings[-1].ends_at


def test_attended_once_every_meeting_is_recorded_with_enough_presence(db):
    session = series(3, 10, 17, 24, 30)
    staff = hr()
    enrolment = cf.enrolment(session)
    for m in session.meetings[:4]:
        mark_meeting(staff, enrolment, m, True, late(session))
    assert enrolment.state == S.CONFIRMED  # the fifth is open
    mark_meeting(staff, enrolment, session.meetings[4], False, late(session))
    assert enrolment.state == S.ATTENDED  # 4 of 5 equal meetings = 80 %
    mark_meeting(staff, enrolment, session.meetings[3], False, late(session))
    assert enrolment.state == S.NO_SHOW  # corrected: 3 of 5 = 60 %
    [entry] = db.session.scalars(
        select(AuditLogEntry).where(
            AuditLogEntry.action == "enrolment.no_show",
            AuditLogEntry.object_id == str(enrolment.id),
        )
    )
    assert entry.from_state == "attended"
    marks = db.session.scalars(
        select(AuditLogEntry.action).where(
            AuditLogEntry.object_id == str(enrolment.id),
            AuditLogEntry.action.like("enrolment.meeting_%"),
        )
    ).all()
    assert (
        marks.count("enrolment.meeting_present") == 4
        and marks.count("enrolment.meeting_absent") == 2
    )


def test_the_share_weighs_the_meetings_lengths(db, app):
    long_day = create_session(
        hr(),
        cf.course(),
        data(
            meeting(datetime(2031, 6, 3), 9, 17, location="A"),  # 8 hours
            meeting(datetime(2031, 6, 4), 9, 11, location="A"),  # 2 hours
        ),
        NOW,
    )
    enrolment = cf.enrolment(long_day)
    first, second = long_day.meetings
    mark_meeting(hr(), enrolment, first, True, late(long_day))
    mark_meeting(hr(), enrolment, second, False, late(long_day))
    assert enrolment.state == S.ATTENDED  # 8 of 10 hours
    app.config["ATTENDANCE_MIN_PERCENT"] = 100
    try:
        mark_meeting(hr(), enrolment, second, True, late(long_day))
        mark_meeting(hr(), enrolment, second, False, late(long_day))
        assert enrolment.state == S.NO_SHOW
    finally:
        app.config["ATTENDANCE_MIN_PERCENT"] = 80


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lengths=st.lists(st.integers(min_value=30, max_value=600), min_size=1, max_size=8),
    present=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_the_rule_over_any_meetings(app, lengths, present):
    with app.app_context():
        start = datetime(2031, 6, 2, 7, tzinfo=UTC)
        meetings = []
        for i, minutes in enumerate(lengths):
            m = SessionMeeting(
                id=i + 1,
                starts_at=start + timedelta(days=i),
                ends_at=start + timedelta(days=i, minutes=minutes),
            )
            meetings.append(m)
        marks = {(1, m.id): present[i] for i, m in enumerate(meetings)}
        here = sum(m.minutes for i, m in enumerate(meetings) if present[i])
        expected = S.ATTENDED if here and here * 100 >= 80 * sum(lengths) else S.NO_SHOW
        assert settled_state(1, meetings, marks) == expected
        del marks[(1, meetings[-1].id)]
        assert settled_state(1, meetings, marks) is None


def test_the_old_call_marks_every_meeting_begun(db):
    session = series(3, 10)
    enrolment = cf.enrolment(session)
    first, second = session.meetings
    mark_attendance(hr(), enrolment, True, first.starts_at + timedelta(hours=1))
    assert enrolment.state == S.CONFIRMED
    mark_attendance(hr(), enrolment, True, second.starts_at)
    assert enrolment.state == S.ATTENDED


def test_a_result_only_from_the_start_of_the_last_meeting(db):
    session = series(3, 10)
    enrolment = cf.enrolment(session, state=S.ATTENDED)  # e.g. marked before the meetings
    second = session.meetings[1]
    with pytest.raises(ValidationFailed) as info:
        record_result(hr(), enrolment, True, second.starts_at - timedelta(minutes=1))
    assert "last meeting" in str(info.value)
    record_result(hr(), enrolment, True, second.starts_at)
    assert enrolment.state == S.COMPLETED


# ---------------------------------------------------------------------------
# Reminders per meeting
# ---------------------------------------------------------------------------


def test_every_meeting_is_reminded_once(db):
    session = series(3, 10, 17)
    emp, me = person()
    cf.enrolment(session, emp)
    first, second, third = session.meetings
    assert tick.send_reminders(first.starts_at - timedelta(days=2)).startswith("Erinnerungen: 1 ")
    assert tick.send_reminders(second.starts_at - timedelta(days=2)).startswith("Erinnerungen: 1 ")
    assert tick.send_reminders(second.starts_at - timedelta(days=1)).startswith("Erinnerungen: 0 ")
    notes = inbox(me, "session.reminder")
    assert len(notes) == 2
    assert "Termin 2 von 3" in notes[1].body or "Meeting 2 of 3" in notes[1].body
    # another host has claimed the third meeting already: nothing is sent twice
    db.session.execute(
        update(SessionMeeting).where(SessionMeeting.id == third.id).values(reminder_sent_at=NOW)
    )
    assert tick.send_reminders(third.starts_at - timedelta(days=2)).startswith("Erinnerungen: 0 ")


def test_no_reminder_for_a_cancelled_sessions_meetings(db):
    from courses.enrolment.cancellation import cancel_session

    session = series(3, 10)
    emp, me = person()
    cf.enrolment(session, emp)
    cancel_session(hr(), session, "entfällt", NOW)
    tick.send_reminders(session.meetings[1].starts_at - timedelta(days=2))
    assert inbox(me, "session.reminder") == []


# ---------------------------------------------------------------------------
# UE per year
# ---------------------------------------------------------------------------


def test_a_series_over_new_year_counts_in_both_years(db):
    emp, _ = person()
    course = cf.course(duration_ue=8)
    rows = [
        meeting(datetime(2030, 12, 9), 9, 12, location="A"),
        meeting(datetime(2031, 1, 13), 9, 12, location="A"),
    ]
    session = create_session(hr(), course, data(*rows), NOW)
    cf.enrolment(session, emp, state=S.COMPLETED, completed_on=date(2031, 1, 13))
    assert my_learning(emp, NOW).ue_per_year == {2031: 4, 2030: 4}
