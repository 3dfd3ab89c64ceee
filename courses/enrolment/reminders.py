"""Reminders of a session's later meetings (the tick's ``courses.reminders`` step).

Every meeting is reminded once, ``REMINDER_BEFORE`` (two days) before it starts, to every
participant with a confirmed place. The first meeting's reminder is the session's, claimed
by ``CourseSession.reminder_sent_at`` (``courses.enrolment.tick.send_reminders``); each
later meeting is claimed by its own ``SessionMeeting.reminder_sent_at`` with a
conditional UPDATE, so of several hosts running the tick only one sends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from academy.extensions import db
from academy.i18n import N_
from courses.enrolment import notices
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession, SessionMeeting

#: Reminders go out this long before a meeting starts.
REMINDER_BEFORE = timedelta(days=2)

MEETING_REMINDER = notices.Notice(
    "session.reminder",
    N_("Reminder: %(course)s on %(date)s"),
    N_(
        "Meeting %(number)s of %(count)s of your session “%(course)s” is on %(date)s. "
        "Location: %(place)s."
    ),
)


def meeting_params(meeting: SessionMeeting) -> dict[str, object]:
    """The session's notice parameters with this meeting's date, place and number."""
    session = meeting.session
    return {
        **notices.session_params(session),
        "date": notices.when(meeting.starts_at),
        "place": meeting.place or meeting.online_url or "–",
        "number": meeting.position + 1,
        "count": len(session.meetings),
    }


def remind_later_meetings(now: datetime) -> tuple[int, int]:
    """Send the due reminders of meetings after the first; (meetings, messages)."""
    meetings = db.session.scalars(
        select(SessionMeeting)
        .join(CourseSession, CourseSession.id == SessionMeeting.session_id)
        .where(
            SessionMeeting.position > 0,
            SessionMeeting.reminder_sent_at.is_(None),
            CourseSession.cancelled_at.is_(None),
            SessionMeeting.starts_at > now,
            SessionMeeting.starts_at <= now + REMINDER_BEFORE,
        )
        .options(
            joinedload(SessionMeeting.room),
            joinedload(SessionMeeting.session).joinedload(CourseSession.course),
            joinedload(SessionMeeting.session).selectinload(CourseSession.meetings),
        )
        .order_by(SessionMeeting.starts_at, SessionMeeting.id)
    ).all()
    done = sent = 0
    link = notices.learning_link()
    for meeting in meetings:
        claimed = db.session.execute(
            update(SessionMeeting)
            .where(SessionMeeting.id == meeting.id, SessionMeeting.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        set_committed_value(meeting, "reminder_sent_at", now)
        employee_ids = db.session.scalars(
            select(Enrolment.employee_id).where(
                Enrolment.session_id == meeting.session_id,
                Enrolment.state == EnrolmentState.CONFIRMED.value,
            )
        ).all()
        recipients = notices.people(employee_ids)
        params = meeting_params(meeting)
        for employee_id in employee_ids:
            recipient = recipients.get(employee_id)
            if recipient is not None:
                notices.send(recipient, MEETING_REMINDER, params, now, link)
                sent += 1
        done += 1
    return done, sent
