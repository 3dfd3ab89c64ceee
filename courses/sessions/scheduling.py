"""The sessions (Termine) of a course, as HR schedules them: dates entered as Berlin
wall-clock time and stored in UTC, place or online link by the course's format, trainer,
capacity, minimum and deadlines (by default 7 and 3 days before the start).

Services flush only and write the audit log. A session's capacity changes and its
cancellation go through ``courses.enrolment.requests`` (seats and the waiting list live there):
``set_capacity`` checks the minimum and hands over; cancelling is
``courses.enrolment.requests.cancel_session``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from academy.accounts.models import Role, RoleAssignment, User
from academy.audit.log import record
from academy.clock import berlin_to_utc, to_berlin
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.changes import apply_changes, jsonable
from courses.catalogue.models import Course, CourseFormat
from courses.enrolment import notices
from courses.enrolment.models import ACTIVE_STATES, Enrolment
from courses.sessions.models import CourseSession

#: Defaults for a new session's deadlines, counted back from its start.
ENROLMENT_DEADLINE_BEFORE = timedelta(days=7)
CANCELLATION_DEADLINE_BEFORE = timedelta(days=3)

#: Formats whose sessions need a place, and those that need an online link.
PLACE_FORMATS = (CourseFormat.IN_PERSON, CourseFormat.BLENDED)
LINK_FORMATS = (CourseFormat.ONLINE, CourseFormat.BLENDED, CourseFormat.SELF_PACED)


@dataclass
class SessionData:
    """A session as HR enters it. Naive datetimes are Berlin wall-clock time; aware ones
    are taken as they are. Empty deadlines get the defaults (7 and 3 days before the
    start, Berlin wall-clock). ``capacity`` is used when creating only: an existing
    session's capacity changes through ``set_capacity``."""

    starts_at: datetime | None
    ends_at: datetime | None
    capacity: int | None = None
    min_participants: int | None = 0
    location: str | None = None
    online_url: str | None = None
    trainer_id: int | None = None
    enrolment_deadline: datetime | None = None
    cancellation_deadline: datetime | None = None


def wall_clock_to_utc(value: datetime, field_name: str) -> datetime:
    """Berlin wall-clock time (naive) → aware UTC. A time the spring clock change skips
    (02:30 on the last Sunday of March) is refused rather than guessed."""
    utc = berlin_to_utc(value)
    if value.tzinfo is None and to_berlin(utc).replace(tzinfo=None) != value:
        raise ValidationFailed(
            N_("This time does not exist in Berlin because of the clock change."),
            field=field_name,
        )
    return utc


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


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc) and " " not in url


def _validated_session_fields(course: Course, data: SessionData) -> dict[str, Any]:
    if data.starts_at is None:
        raise ValidationFailed(N_("Please enter the start."), field="starts_at")
    if data.ends_at is None:
        raise ValidationFailed(N_("Please enter the end."), field="ends_at")
    starts_at = wall_clock_to_utc(data.starts_at, "starts_at")
    ends_at = wall_clock_to_utc(data.ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed(N_("The end must be after the start."), field="ends_at")
    location = (data.location or "").strip() or None
    online_url = (data.online_url or "").strip() or None
    if course.format in PLACE_FORMATS and not location:
        raise ValidationFailed(
            N_("Please enter the place: this course takes place in person."), field="location"
        )
    if course.format in LINK_FORMATS and not online_url:
        raise ValidationFailed(
            N_("Please enter the online link: this course takes place online."),
            field="online_url",
        )
    if location and len(location) > 200:
        raise ValidationFailed(N_("The place may have at most 200 characters."), field="location")
    if online_url and (len(online_url) > 500 or not _valid_url(online_url)):
        raise ValidationFailed(
            N_("Please enter a complete web address starting with https://."), field="online_url"
        )
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
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
        "online_url": online_url,
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
    """A new session; it must start in the future unless ``allow_past`` (demo data,
    recording a session that already took place)."""
    if course.archived:
        raise Conflict(N_("An archived course cannot get new sessions."))
    values = _validated_session_fields(course, data)
    capacity = _check_capacity(data.capacity, values["min_participants"])
    if values["starts_at"] <= now and not allow_past:
        raise ValidationFailed(N_("A new session must start in the future."), field="starts_at")
    session = CourseSession(
        course_id=course.id, capacity=capacity, confirmed_count=0, created_at=now, **values
    )
    db.session.add(session)
    db.session.flush()
    details = {k: jsonable(v) for k, v in values.items()}
    details["capacity"] = capacity
    record(
        actor,
        "session.created",
        "course_session",
        session.id,
        to_state="scheduled",
        details=details,
        now=now,
    )
    db.session.flush()
    return session


def update_session(
    actor: User, session: CourseSession, data: SessionData, now: datetime
) -> CourseSession:
    """Change a session's dates, place, trainer, minimum and deadlines (not its capacity:
    that is ``set_capacity``, because seats and the waiting list move with it)."""
    if session.is_cancelled:
        raise Conflict(N_("A cancelled session cannot be changed."))
    values = _validated_session_fields(session.course, data)
    _check_capacity(session.capacity, values["min_participants"])
    changes = apply_changes(session, values)
    if changes:
        db.session.flush()
        record(actor, "session.updated", "course_session", session.id, details=changes, now=now)
        db.session.flush()
        if changes.keys() & NOTIFIED_FIELDS:
            _tell_participants(session, now)
    return session


#: Changes the people enrolled in a session are told about.
NOTIFIED_FIELDS = {"starts_at", "ends_at", "location", "online_url"}


def _tell_participants(session: CourseSession, now: datetime) -> None:
    """Tell everyone holding or waiting for a place that date or place changed."""
    employee_ids = db.session.scalars(
        select(Enrolment.employee_id).where(
            Enrolment.session_id == session.id, Enrolment.state.in_(ACTIVE_STATES)
        )
    ).all()
    accounts = notices.accounts_for(employee_ids)
    params = notices.session_params(session)
    for employee_id in employee_ids:
        notices.send(
            accounts.get(employee_id),
            notices.SESSION_CHANGED,
            params,
            now,
            notices.learning_link(),
        )


def set_capacity(actor: User, session: CourseSession, capacity: int, now: datetime) -> None:
    """Check the new capacity against the session's minimum, then let the enrolment
    service change it: it refuses going below the confirmed seats, moves waitlisted
    people up when seats are added and writes the audit entry. Call it with nothing
    unsaved in the session (the enrolment service may restart the transaction)."""
    from courses.enrolment.waitlist import change_capacity

    if session.is_cancelled:
        raise Conflict(N_("A cancelled session cannot be changed."))
    _check_capacity(capacity, session.min_participants)
    if capacity != session.capacity:
        change_capacity(actor, session, capacity, now)
