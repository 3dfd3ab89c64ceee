"""Booking a session's rooms and trainers, as the scheduling service creates or changes
it: the trainers chosen, rooms large enough for the session's capacity, and no room or
trainer booked twice — unless HR gives a reason, which goes to the audit log with the
clashes (``session.booking_override``).

A change is checked for clashes it brings: overlaps the session already had before the
change (booked earlier with a reason, or made by a later booking elsewhere) are not
asked about again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.rooms.clashes import BookingClash, Clash, find_clashes, lock_resources
from courses.rooms.models import Trainer
from courses.rooms.staffing import resolve_trainers
from courses.sessions.meetings import PlannedMeeting, field_name
from courses.sessions.models import CourseSession, SessionMeeting

REASON_MAX = 2000


@dataclass
class Booking:
    lead: Trainer | None
    others: list[Trainer]
    #: Clashes booked anyway, with HR's reason.
    overridden: list[Clash] = field(default_factory=list)
    reason: str | None = None

    @property
    def trainers(self) -> list[Trainer]:
        return ([self.lead] if self.lead else []) + self.others


def as_planned(meetings: Sequence[SessionMeeting]) -> list[PlannedMeeting]:
    """Stored meetings in the shape of planned ones (to compare before and after)."""
    return [
        PlannedMeeting(i, m.starts_at, m.ends_at, m.location, m.online_url, m.room, m.id)
        for i, m in enumerate(meetings)
    ]


def check_room_capacity(
    planned: Sequence[PlannedMeeting], capacity: int, *, at_room: bool = False
) -> None:
    """The session's capacity fits every room it books (the message at the capacity,
    or with ``at_room`` at the room of the meeting that is too small)."""
    for meeting in planned:
        room = meeting.room
        if room is not None and capacity > room.capacity:
            raise ValidationFailed(
                N_(
                    "The room “%(room)s” has %(seats)s seats, fewer than the session's "
                    "capacity of %(capacity)s."
                ),
                field=field_name(meeting.index, "room") if at_room else "capacity",
                room=room.label,
                seats=room.capacity,
                capacity=capacity,
            )


def prepare_booking(
    actor: User,
    planned: Sequence[PlannedMeeting],
    *,
    lead_user_id: int | None,
    co_trainer_ids: Sequence[int],
    session: CourseSession | None,
    current: Sequence[Trainer],
    override_reason: str | None,
    now: datetime,
) -> Booking:
    """Resolve the trainers, lock rooms and trainers, and refuse clashes (``BookingClash``)
    unless a reason is given. ``session``/``current``: the session being changed and
    its trainers now (None/[] for a new session)."""
    lead_user = db.session.get(User, lead_user_id) if lead_user_id is not None else None
    lead, others = resolve_trainers(lead_user, co_trainer_ids, current, actor, now)
    booking = Booking(lead, others)
    lock_resources(
        [m.room.id for m in planned if m.room is not None], [t.id for t in booking.trainers]
    )
    session_id = session.id if session is not None else None
    clashes = find_clashes(planned, booking.trainers, session_id)
    if session is not None and clashes:
        before = list(current)
        if lead is not None and lead.user_id == session.trainer_id and lead not in before:
            before.append(lead)
        known = {c.key for c in find_clashes(as_planned(session.meetings), before, session_id)}
        clashes = [c for c in clashes if c.key not in known]
    reason = (override_reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            N_("At most %(n)s characters, please."), field="override_reason", n=REASON_MAX
        )
    if clashes and not reason:
        raise BookingClash(clashes)
    if clashes:
        booking.overridden, booking.reason = clashes, reason
    return booking


def record_override(actor: User, session: CourseSession, booking: Booking, now: datetime) -> None:
    """The audit entry of a booking made despite clashes (with HR's reason)."""
    if not booking.overridden:
        return
    record(
        actor,
        "session.booking_override",
        "course_session",
        session.id,
        reason=booking.reason,
        details={"clashes": [c.audit() for c in booking.overridden]},
        now=now,
    )
