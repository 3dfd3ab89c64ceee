"""The sessions (Termine) of a course, as HR schedules them: one or more meetings
(dates entered as Berlin wall-clock time and stored in UTC, a room or place and/or an
online link by the course's format), the lead trainer and further trainers, capacity,
minimum and deadlines (by default 7 and 3 days before the first meeting's start).

Rooms and trainers are never booked twice without a reason and a room never holds more
than its seats (``courses.sessions.booking``); the meetings are stored by
``courses.sessions.agenda``. Services flush only and write the audit log. A session's
capacity changes and its cancellation go through ``courses.enrolment.requests`` (seats
and the waiting list live there): ``set_capacity`` checks the minimum and the rooms and
hands over; cancelling is ``courses.enrolment.requests.cancel_session``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from academy.accounts.models import Role, RoleAssignment, User
from academy.audit.log import record
from academy.clock import berlin_to_utc, to_berlin
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.changes import apply_changes, jsonable
from courses.catalogue.models import Course
from courses.enrolment import notices
from courses.enrolment.invitations import REQUEST, calendar_invitation
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.rooms.staffing import link_trainers, linked_trainers
from courses.sessions.agenda import describe, store_meetings, summary
from courses.sessions.booking import (
    as_planned,
    check_room_capacity,
    prepare_booking,
    record_override,
)
from courses.sessions.meetings import (
    LINK_FORMATS,
    PLACE_FORMATS,
    MeetingData,
    PlannedMeeting,
    plan_meetings,
    wall_clock_to_utc,
    weekly_series,
)
from courses.sessions.models import CourseSession

#: Defaults for a new session's deadlines, counted back from its start.
ENROLMENT_DEADLINE_BEFORE = timedelta(days=7)
CANCELLATION_DEADLINE_BEFORE = timedelta(days=3)
#: Re-exported: the formats that need a place or an online link, the wall-clock rule.
__all__ = ["LINK_FORMATS", "PLACE_FORMATS", "SessionData", "wall_clock_to_utc"]


@dataclass
class SessionData:
    """A session as HR enters it. Naive datetimes are Berlin wall-clock time; aware ones
    are taken as they are. Empty deadlines get the defaults (7 and 3 days before the
    start, Berlin wall-clock). ``capacity`` is used when creating only: an existing
    session's capacity changes through ``set_capacity``.

    ``meetings``: every meeting (the first one included); None means one meeting from
    ``starts_at``/``ends_at``/``location``/``online_url``/``room_id`` (when changing a
    session of several meetings, those fields stand for its first meeting).
    ``co_trainer_ids``: further trainers (None: unchanged). ``repeat_weekly``: repeat the
    latest meeting that many more times, a week apart. ``override_reason``: HR's reason
    to book a room or trainer that is already booked at that time."""

    starts_at: datetime | None
    ends_at: datetime | None
    capacity: int | None = None
    min_participants: int | None = 0
    location: str | None = None
    online_url: str | None = None
    trainer_id: int | None = None
    enrolment_deadline: datetime | None = None
    cancellation_deadline: datetime | None = None
    room_id: int | None = None
    meetings: list[MeetingData] | None = None
    co_trainer_ids: list[int] | None = None
    repeat_weekly: int | None = 0
    override_reason: str | None = None

    def first_meeting(self, meeting_id: int | None = None) -> MeetingData:
        return MeetingData(
            self.starts_at, self.ends_at, self.location, self.online_url, self.room_id, meeting_id
        )


def default_deadlines(starts_at: datetime) -> tuple[datetime, datetime]:
    """Enrolment and cancellation deadline by default: 7 and 3 days before the start at
    the same Berlin wall-clock time (also across a clock change), in UTC."""
    local = to_berlin(starts_at)
    return (
        berlin_to_utc((local - ENROLMENT_DEADLINE_BEFORE).replace(tzinfo=None)),
        berlin_to_utc((local - CANCELLATION_DEADLINE_BEFORE).replace(tzinfo=None)),
    )


def trainer_accounts() -> list[User]:
    """Active accounts holding the trainer role, by name (choices of the session form)."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.TRAINER.value, User.active.is_(True))
            .order_by(func.lower(User.display_name), User.id)
        )
    )


def _is_trainer(user_id: int) -> bool:
    return (
        db.session.scalar(
            select(User.id)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                User.id == user_id,
                User.active.is_(True),
                RoleAssignment.role == Role.TRAINER.value,
            )
        )
        is not None
    )


def _meeting_rows(data: SessionData, session: CourseSession | None) -> list[MeetingData]:
    """The meetings entered (a series expanded); without a list, the fields are the
    first meeting and the session's other meetings stay as they are."""
    if data.meetings is not None:
        rows = list(data.meetings)
    elif session is None or not session.meetings:
        rows = [data.first_meeting()]
    else:
        first, *others = session.meetings
        rows = [data.first_meeting(first.id)] + [
            MeetingData(m.starts_at, m.ends_at, m.location, m.online_url, m.room_id, m.id)
            for m in others
        ]
    return weekly_series(rows, data.repeat_weekly)


def _validated_session_fields(data: SessionData, planned: list[PlannedMeeting]) -> dict[str, Any]:
    """The session's own fields (trainer, minimum, deadlines); the dates and place are
    those of its meetings (``agenda.summary``)."""
    starts_at = planned[0].starts_at
    if data.trainer_id is not None and not _is_trainer(data.trainer_id):
        raise ValidationFailed(
            N_("The trainer must be an active account with the trainer role."), field="trainer"
        )
    min_participants = data.min_participants or 0
    if min_participants < 0:
        raise ValidationFailed(
            N_("The minimum number of participants cannot be negative."), field="min_participants"
        )
    default_enrolment, default_cancellation = default_deadlines(starts_at)
    enrolment_deadline = (
        wall_clock_to_utc(data.enrolment_deadline, "enrolment_deadline")
        if data.enrolment_deadline is not None
        else default_enrolment
    )
    cancellation_deadline = (
        wall_clock_to_utc(data.cancellation_deadline, "cancellation_deadline")
        if data.cancellation_deadline is not None
        else default_cancellation
    )
    if enrolment_deadline > starts_at:
        raise ValidationFailed(
            N_("The enrolment deadline must not be after the start."), field="enrolment_deadline"
        )
    if cancellation_deadline > starts_at:
        raise ValidationFailed(
            N_("The cancellation deadline must not be after the start."),
            field="cancellation_deadline",
        )
    return {
        "trainer_id": data.trainer_id,
        "min_participants": min_participants,
        "enrolment_deadline": enrolment_deadline,
        "cancellation_deadline": cancellation_deadline,
    }


def _check_capacity(capacity: int | None, min_participants: int) -> int:
    if capacity is None or capacity < 1:
        raise ValidationFailed(N_("The capacity must be at least 1."), field="capacity")
    if min_participants > capacity:
        raise ValidationFailed(
            N_("The minimum number of participants must not exceed the capacity (%(n)s)."),
            field="min_participants",
            n=capacity,
        )
    return capacity


def create_session(
    actor: User, course: Course, data: SessionData, now: datetime, *, allow_past: bool = False
) -> CourseSession:
    """A new session with its meetings, rooms and trainers; it must start in the future
    unless ``allow_past`` (demo data, recording a session that already took place)."""
    if course.archived:
        raise Conflict(N_("An archived course cannot get new sessions."))
    planned = plan_meetings(course, _meeting_rows(data, None))
    values = _validated_session_fields(data, planned)
    capacity = _check_capacity(data.capacity, values["min_participants"])
    if planned[0].starts_at <= now and not allow_past:
        raise ValidationFailed(N_("A new session must start in the future."), field="starts_at")
    check_room_capacity(planned, capacity)
    booking = prepare_booking(
        actor,
        planned,
        lead_user_id=data.trainer_id,
        co_trainer_ids=data.co_trainer_ids or [],
        session=None,
        current=[],
        override_reason=data.override_reason,
        now=now,
    )
    values.update(summary(planned))
    session = CourseSession(
        course_id=course.id, capacity=capacity, confirmed_count=0, created_at=now, **values
    )
    db.session.add(session)
    store_meetings(session, planned)
    link_trainers(session, booking.lead, booking.others)
    db.session.flush()
    details = {k: jsonable(v) for k, v in values.items()}
    details["capacity"] = capacity
    details["meetings"] = describe(session.meetings)
    details["trainers"] = [t.display_name for t in booking.trainers]
    record(
        actor,
        "session.created",
        "course_session",
        session.id,
        to_state="scheduled",
        details=details,
        now=now,
    )
    record_override(actor, session, booking, now)
    db.session.flush()
    return session


def update_session(
    actor: User, session: CourseSession, data: SessionData, now: datetime
) -> CourseSession:
    """Change a session's meetings (dates, places, rooms), trainers, minimum and
    deadlines (not its capacity: that is ``set_capacity``, because seats and the waiting
    list move with it)."""
    if session.is_cancelled:
        raise Conflict(N_("A cancelled session cannot be changed."))
    current = list(session.meetings)
    planned = plan_meetings(
        session.course,
        _meeting_rows(data, session),
        known_ids=[m.id for m in current],
        kept_rooms={m.room_id for m in current if m.room_id is not None},
    )
    values = _validated_session_fields(data, planned)
    _check_capacity(session.capacity, values["min_participants"])
    check_room_capacity(planned, session.capacity, at_room=True)
    trainers = linked_trainers(session)
    co_trainers = data.co_trainer_ids
    if co_trainers is None:
        lead_ids = {link.trainer_id for link in session.trainer_links if link.is_lead}
        co_trainers = [t.id for t in trainers if t.id not in lead_ids]
    booking = prepare_booking(
        actor,
        planned,
        lead_user_id=data.trainer_id,
        co_trainer_ids=co_trainers,
        session=session,
        current=trainers,
        override_reason=data.override_reason,
        now=now,
    )
    changes = apply_changes(session, {**values, **summary(planned)})
    meetings_before = store_meetings(session, planned)
    if meetings_before is not None:
        changes["meetings"] = [meetings_before, describe(session.meetings)]
    trainer_change = link_trainers(session, booking.lead, booking.others)
    if trainer_change is not None:
        changes["trainers"] = trainer_change
    if changes:
        db.session.flush()
        record(actor, "session.updated", "course_session", session.id, details=changes, now=now)
        db.session.flush()
        if changes.keys() & NOTIFIED_FIELDS:
            _tell_participants(session, now)
    record_override(actor, session, booking, now)
    db.session.flush()
    return session


#: Changes the people enrolled in a session are told about.
NOTIFIED_FIELDS = {"starts_at", "ends_at", "location", "online_url", "meetings"}


def _tell_participants(session: CourseSession, now: datetime) -> None:
    """Tell everyone holding or waiting for a place that date or place changed."""
    rows = db.session.execute(
        select(Enrolment.employee_id, Enrolment.state).where(
            Enrolment.session_id == session.id, Enrolment.state.in_(ACTIVE_STATES)
        )
    ).all()
    employee_ids = [employee_id for employee_id, _state in rows]
    recipients = notices.people(employee_ids)
    params = notices.session_params(session)
    for employee_id, state in rows:
        # Those holding a place get the calendar entry updated (a higher SEQUENCE).
        invitations = (
            [calendar_invitation(session, employee_id, REQUEST, now)]
            if state == EnrolmentState.CONFIRMED
            else []
        )
        notices.send(
            recipients.get(employee_id),
            notices.SESSION_CHANGED,
            params,
            now,
            notices.learning_link(),
            invitations,
        )


def set_capacity(actor: User, session: CourseSession, capacity: int, now: datetime) -> None:
    """Check the new capacity against the session's minimum and its rooms' seats, then
    let the enrolment service change it: it refuses going below the confirmed seats,
    moves waitlisted people up when seats are added and writes the audit entry. Call it
    with nothing unsaved in the session (the enrolment service may restart the
    transaction)."""
    from courses.enrolment.waitlist import change_capacity

    if session.is_cancelled:
        raise Conflict(N_("A cancelled session cannot be changed."))
    _check_capacity(capacity, session.min_participants)
    check_room_capacity(as_planned(session.meetings), capacity)
    if capacity != session.capacity:
        change_capacity(actor, session, capacity, now)
