"""iCalendar (RFC 5545) for sessions: one session as a file and a person's own feed (the
invitations sent by e-mail are built from the same events in
``courses.sessions.invitations``).

A session is one VEVENT per meeting (``session_events``). Each UID stays the same for
the meeting's whole life: the session's first meeting (the one made first) is
``session-<id>@digitalakademie`` — what a session's single event always was — every
further one ``session-<id>-meeting-<meeting id>@digitalakademie``. Times in UTC,
``STATUS:CANCELLED`` once the session is cancelled (or the person's place is), and a
``SEQUENCE`` that grows with every recorded change, so calendar programs replace the old
copy.

The personal feed is reached through a URL holding a random token; only the token's
SHA-256 is stored (``CalendarFeed.token_hash``), so the URL can be shown once and never
again. Making a new link revokes the old one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from icalendar import Calendar, Event, vDDDTypes, vText
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit.log import record
from academy.audit.models import AuditLogEntry
from academy.extensions import db
from academy.notifications.notices import absolute_url
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.notices import site_path
from courses.sessions.models import CalendarFeed, CourseSession, SessionMeeting

#: How far back the personal feed reaches.
FEED_PAST_DAYS = 90
#: The right-hand side of every UID.
UID_DOMAIN = "digitalakademie"
PRODID = "-//Digitalakademie//Kurse//DE"
#: Enrolment states in which the person holds (or held) a place: shown as events.
PLACE_STATES = (
    EnrolmentState.CONFIRMED,
    EnrolmentState.ATTENDED,
    EnrolmentState.NO_SHOW,
    EnrolmentState.COMPLETED,
    EnrolmentState.FAILED,
)
#: Audit actions that change what a session's event shows (they raise SEQUENCE).
SESSION_CHANGES = ("session.updated", "session.cancelled")
#: Longest token the feed route looks up (``token_urlsafe(32)`` gives 43 characters).
TOKEN_MAX = 100


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def session_uid(session: CourseSession) -> str:
    return f"session-{session.id}@{UID_DOMAIN}"


def meeting_uid(session: CourseSession, meeting: Any) -> str:
    """The UID of one meeting's event: the session's UID for its first-made meeting (so
    a session's event keeps its UID when meetings are added), else one of its own."""
    ids = [m.id for m in session.meetings if getattr(m, "id", None) is not None]
    if meeting.id is None or not ids or meeting.id == min(ids):
        return session_uid(session)
    return f"session-{session.id}-meeting-{meeting.id}@{UID_DOMAIN}"


def course_url(course_id: int) -> str | None:
    path = site_path(("courses.course", {"course_id": course_id}))
    return absolute_url(path) if path else None


def place(session: CourseSession, *, show_link: bool) -> str | None:
    """Where the session takes place: the room and/or the online link (the link only
    for people who may join; others read "Online")."""
    parts = [session.location] if session.location else []
    if session.online_url:
        parts.append(session.online_url if show_link else gettext("Online"))
    return " · ".join(parts) or None


def description(session: CourseSession) -> str:
    course = session.course
    lines = [gettext("Course code: %(code)s", code=course.code)]
    trainer = session.trainer.display_name if session.trainer else gettext("to be announced")
    lines.append(gettext("Trainer: %(name)s", name=trainer))
    if session.is_cancelled:
        lines.append(gettext("This session has been cancelled."))
    return "\n".join(lines)


def session_sequences(session_ids: Iterable[int]) -> dict[int, int]:
    """How often each session was changed or cancelled (from the audit log; one query)."""
    keys = [str(i) for i in set(session_ids)]
    if not keys:
        return {}
    rows = db.session.execute(
        select(AuditLogEntry.object_id, func.count())
        .where(
            AuditLogEntry.object_type == "course_session",
            AuditLogEntry.object_id.in_(keys),
            AuditLogEntry.action.in_(SESSION_CHANGES),
        )
        .group_by(AuditLogEntry.object_id)
    )
    return {int(object_id): int(count) for object_id, count in rows}


def session_event(
    session: CourseSession,
    now: datetime,
    *,
    cancelled: bool = False,
    sequence: int = 0,
    show_link: bool = False,
) -> Event:
    """One VEVENT for ``session`` (its course and trainer should be loaded)."""
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.course.title)
    location = place(session, show_link=show_link)
    if location:
        event.add("location", location)
    event.add("description", description(session))
    url = course_url(session.course_id)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancelled or session.is_cancelled else "CONFIRMED")
    event.add("sequence", sequence)
    return event


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def session_events(
    session: CourseSession,
    now: datetime,
    *,
    cancelled: bool = False,
    sequence: int = 0,
    show_link: bool = False,
) -> list[Event]:
    """One VEVENT per meeting of ``session`` (its course, trainer and meetings should
    be loaded): the meeting's times and place, "(meeting 2 of 3)" in the title of a
    session of several meetings."""
    meetings = list(session.meetings)
    events = []
    for number, meeting in enumerate(meetings or [None], start=1):
        event = session_event(
            session, now, cancelled=cancelled, sequence=sequence, show_link=show_link
        )
        if meeting is not None:
            _as_meeting(event, session, meeting, (number, len(meetings)), show_link=show_link)
        events.append(event)
    return events


def session_calendar(session: CourseSession, now: datetime, *, show_link: bool) -> bytes:
    """A calendar file with the session's meetings."""
    cal = _calendar()
    sequence = session_sequences([session.id]).get(session.id, 0)
    for event in session_events(session, now, sequence=sequence, show_link=show_link):
        cal.add_component(event)
    return cal.to_ical()


def _as_meeting(
    event: Event, session: CourseSession, meeting: Any, place: tuple[int, int], *, show_link: bool
) -> None:
    """Make the session's event the event of one of its meetings (``place``: its number
    and how many there are): its own UID (stable: the meeting's id), times, place, and
    "(meeting 2 of 3)" in the title."""
    number, count = place
    event["uid"] = meeting_uid(session, meeting)
    event["dtstart"] = vDDDTypes(meeting.starts_at)
    event["dtend"] = vDDDTypes(meeting.ends_at)
    where = [getattr(meeting, "place", None) or getattr(meeting, "location", None)]
    if getattr(meeting, "online_url", None):
        where.append(meeting.online_url if show_link else gettext("Online"))
    if any(where):
        event["location"] = vText(" · ".join(w for w in where if w))
    if count > 1:
        event["summary"] = vText(
            gettext(
                "%(title)s (meeting %(n)s of %(count)s)",
                title=session.course.title,
                n=number,
                count=count,
            )
        )


# ---------------------------------------------------------------------------
# The personal feed
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    session: CourseSession
    cancelled: bool
    #: The person's own changes to this session (enrolling, cancelling, enrolling again).
    own_changes: int


def feed_entries(employee_id: int, now: datetime) -> list[FeedEntry]:
    """The person's sessions for the feed, soonest first (one query): places held in
    sessions from ``FEED_PAST_DAYS`` back on, plus cancelled places (their own or the
    whole session's) as cancelled. Requests and waiting-list places are left out."""
    since = now - timedelta(days=FEED_PAST_DAYS)
    states = [s.value for s in (*PLACE_STATES, EnrolmentState.CANCELLED)]
    enrolments = db.session.scalars(
        select(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(
            Enrolment.employee_id == employee_id,
            Enrolment.state.in_(states),
            CourseSession.starts_at >= since,
        )
        .options(
            joinedload(Enrolment.session).joinedload(CourseSession.course),
            joinedload(Enrolment.session).joinedload(CourseSession.trainer),
            joinedload(Enrolment.session)
            .selectinload(CourseSession.meetings)
            .joinedload(SessionMeeting.room),
        )
    ).all()
    by_session: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_session[enrolment.session_id].append(enrolment)
    entries = []
    for rows in by_session.values():
        held = [e for e in rows if e.state != EnrolmentState.CANCELLED]
        # A cancellation only matters if the person had a place (it was in their calendar).
        cancelled = [e for e in rows if e.state == EnrolmentState.CANCELLED and e.confirmed_at]
        if not held and not cancelled:
            continue
        entries.append(
            FeedEntry(
                session=rows[0].session,
                cancelled=not held,
                own_changes=len(held) + 2 * len(cancelled) - 1,
            )
        )
    entries.sort(key=lambda entry: (entry.session.starts_at, entry.session.id))
    return entries


def feed_calendar(user: User, now: datetime) -> bytes:
    """The owner's feed as iCalendar text (a fixed number of queries)."""
    cal = _calendar(gettext("Digital Academy – my courses"))
    entries = feed_entries(user.employee_id, now) if user.employee_id is not None else []
    sequences = session_sequences(e.session.id for e in entries)
    for entry in entries:
        for event in session_events(
            entry.session,
            now,
            cancelled=entry.cancelled,
            sequence=sequences.get(entry.session.id, 0) + entry.own_changes,
            show_link=not entry.cancelled,
        ):
            cal.add_component(event)
    return cal.to_ical()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed(user: User) -> CalendarFeed | None:
    """The user's current (not revoked) feed, if any."""
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.created_at.desc(), CalendarFeed.id.desc())
        .limit(1)
    )


def _revoke_all(actor: User, now: datetime) -> int:
    ids = list(
        db.session.scalars(
            select(CalendarFeed.id).where(
                CalendarFeed.user_id == actor.id, CalendarFeed.revoked_at.is_(None)
            )
        )
    )
    if not ids:
        return 0
    db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.id.in_(ids), CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    for feed_id in ids:
        record(
            actor,
            "calendar_feed.revoked",
            "calendar_feed",
            feed_id,
            from_state="active",
            to_state="revoked",
            now=now,
        )
    return len(ids)


def create_feed(actor: User, now: datetime) -> tuple[CalendarFeed, str]:
    """A new feed link for ``actor`` (revoking any old one). Returns the feed and the
    token; the token itself is not stored and cannot be shown again."""
    _revoke_all(actor, now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=actor.id, token_hash=hash_token(token), created_at=now)
    db.session.add(feed)
    db.session.flush()
    record(
        actor,
        "calendar_feed.created",
        "calendar_feed",
        feed.id,
        from_state=None,
        to_state="active",
        now=now,
    )
    db.session.flush()
    return feed, token


def revoke_feed(actor: User, now: datetime) -> int:
    """Revoke the actor's feed link(s); returns how many were active."""
    count = _revoke_all(actor, now)
    db.session.flush()
    return count


def feed_owner(token: str) -> User | None:
    """The active account whose active feed has this token; None otherwise."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(
            CalendarFeed.token_hash == hash_token(token),
            CalendarFeed.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
