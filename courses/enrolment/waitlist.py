"""The waiting list: capacity changes, HR re-ranking and HR promotion.

When seats free up before the enrolment deadline the first person waiting moves up at
once (``courses.enrolment.lifecycle.fill_free_seats``). After the deadline or once the session has
started nobody moves up automatically; HR then promotes someone with a reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.lifecycle import (
    confirm,
    fill_free_seats,
    lock_session,
    notify_moved_up,
    reload,
    start_write,
    take_seat,
    transition,
    waiting,
)
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession

#: Gap between ranks when the list is renumbered (ranks are floats: request times).
RANK_STEP = 1.0


def _require(actor: User, action: str, target: object = None) -> None:
    if not can(actor, action, target):
        raise PermissionDenied(N_("Only HR development can do this."))


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(N_("Please give a reason."), field="reason")
    return text


def change_capacity(actor: User, session: CourseSession, capacity: int, now: datetime) -> None:
    """Set the number of places. Going below the confirmed places is refused; added
    places go to the waiting list at once (before the enrolment deadline)."""
    start_write()
    _require(actor, "catalogue.manage")
    if capacity < 0:
        raise ValidationFailed(N_("The capacity cannot be negative."), field="capacity")
    session = lock_session(session)
    if session.is_cancelled:
        raise Conflict(N_("A cancelled session cannot be changed."))
    old = session.capacity
    if capacity == old:
        return
    changed = db.session.execute(
        update(CourseSession)
        .where(
            CourseSession.id == session.id,
            CourseSession.confirmed_count + CourseSession.reserved_seats <= capacity,
        )
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed and session.reserved_seats:
        raise ValidationFailed(
            N_(
                "The capacity cannot be lower than the confirmed places (%(count)s) and the "
                "seats reserved for units (%(reserved)s). Release reservations first or choose "
                "at least %(total)s."
            ),
            field="capacity",
            count=session.confirmed_count,
            reserved=session.reserved_seats,
            total=session.confirmed_count + session.reserved_seats,
        )
    if not changed:
        raise ValidationFailed(
            N_(
                "The capacity cannot be lower than the number of confirmed places "
                "(%(count)s). Cancel enrolments first or choose at least %(count)s."
            ),
            field="capacity",
            count=session.confirmed_count,
        )
    db.session.refresh(session, ["capacity", "confirmed_count"])
    record(
        actor,
        "session.capacity_changed",
        "course_session",
        session.id,
        details={"from": old, "to": capacity},
        now=now,
    )
    if capacity > old:
        fill_free_seats(actor, session, now)
    db.session.flush()


def _rank_between(before: float | None, after: float | None) -> float | None:
    """A rank strictly between two neighbours (None when floats run out of room)."""
    if before is None and after is None:
        return 0.0
    if before is None:
        return after - RANK_STEP  # type: ignore[operator]
    if after is None:
        return before + RANK_STEP
    middle = (before + after) / 2
    return middle if before < middle < after else None


def rerank_waitlist(
    actor: User, enrolment: Enrolment, new_position: int, reason: str, now: datetime
) -> None:
    """Move a waiting person to ``new_position`` (1-based) on the list (HR, with a
    reason). Positions past the end put them last."""
    start_write()
    _require(actor, "waitlist.manage", enrolment)
    reason = _reason(reason)
    if new_position < 1:
        raise ValidationFailed(N_("The position must be 1 or more."), field="position")
    session = lock_session(enrolment.session)
    reload(enrolment)
    if enrolment.state != EnrolmentState.WAITLISTED:
        raise Conflict(N_("This person is not on the waiting list."))
    ordered = waiting(session)
    old_position = next(i for i, e in enumerate(ordered, 1) if e.id == enrolment.id)
    others = [e for e in ordered if e.id != enrolment.id]
    index = min(new_position, len(others) + 1) - 1
    if index + 1 == old_position:
        return

    def neighbours() -> tuple[float | None, float | None]:
        before = others[index - 1].waitlist_rank if index > 0 else None
        after = others[index].waitlist_rank if index < len(others) else None
        return before, after

    rank = _rank_between(*neighbours())
    if rank is None:  # no room left between the two: renumber the list, keeping its order
        base = others[0].waitlist_rank or 0.0
        for i, other in enumerate(others):
            other.waitlist_rank = base + i * RANK_STEP * 2
        rank = _rank_between(*neighbours())
    old_rank = enrolment.waitlist_rank
    enrolment.waitlist_rank = rank
    transition(
        actor,
        enrolment,
        EnrolmentState.WAITLISTED,
        now,
        verb="reranked",
        reason=reason,
        details={
            "from_position": old_position,
            "to_position": index + 1,
            "from_rank": old_rank,
            "to_rank": rank,
        },
    )


def promote_from_waitlist(
    actor: User, enrolment: Enrolment, reason: str, now: datetime
) -> Enrolment:
    """Give a waiting person a free place (HR, with a reason) — the way to fill seats
    after the enrolment deadline or once the session has started, when nobody moves up
    automatically. Needs a free place: raise the capacity first if there is none."""
    start_write()
    _require(actor, "waitlist.manage", enrolment)
    reason = _reason(reason)
    session = lock_session(enrolment.session)
    reload(enrolment)
    if enrolment.state != EnrolmentState.WAITLISTED:
        raise Conflict(N_("This person is not on the waiting list."))
    if session.is_cancelled:
        raise Conflict(N_("This session has been cancelled."))
    if now >= session.ends_at:
        raise Conflict(N_("This session is over."))
    if not take_seat(session):
        raise Conflict(N_("There is no free place. Raise the capacity first."))
    confirm(enrolment, now)
    transition(
        actor,
        enrolment,
        EnrolmentState.CONFIRMED,
        now,
        verb="promoted",
        from_state=EnrolmentState.WAITLISTED.value,
        reason=reason,
        details={"automatic": False},
    )
    notify_moved_up(enrolment, now)
    return enrolment
