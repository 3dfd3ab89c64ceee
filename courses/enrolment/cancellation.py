"""Cancelling enrolments and whole sessions.

Before the cancellation deadline the employee, their head or HR may cancel; after it
only HR or the session's trainer, and a confirmed place is then recorded as a late
cancellation. A freed seat goes to the first person on the waiting list at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from academy.accounts.models import Role, User
from academy.audit.log import record
from academy.auth.policy import can, has_role
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment import notices
from courses.enrolment.invitations import CANCEL, calendar_invitation
from courses.enrolment.lifecycle import (
    fill_free_seats,
    free_seat,
    lock_session,
    reload,
    start_write,
    transition,
)
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession

#: States from which an enrolment can be cancelled.
CANCELLABLE = (EnrolmentState.PENDING, EnrolmentState.CONFIRMED, EnrolmentState.WAITLISTED)


@dataclass(frozen=True)
class CancelOption:
    """What ``actor`` may do with an enrolment now (shown by pages, enforced by ``cancel``)."""

    #: The actor may cancel this enrolment now.
    allowed: bool
    #: A confirmed place past its cancellation deadline: cancelling now counts as late.
    late: bool
    #: Still open (a request, a place, a waiting-list place) but not the actor's to
    #: cancel now: only HR development or the trainer can.
    only_staff: bool = False


def _hr_or_trainer(actor: User, session: CourseSession) -> bool:
    return has_role(actor, Role.HR) or (
        session.trainer_id is not None and session.trainer_id == actor.id
    )


def cancel_option(actor: User, enrolment: Enrolment, now: datetime) -> CancelOption:
    """May ``actor`` cancel ``enrolment`` now, and would it be late? The one rule that
    both ``cancel`` and the pages use."""
    if enrolment.state not in CANCELLABLE:
        return CancelOption(allowed=False, late=False)
    if not can(actor, "enrolment.cancel", enrolment):
        return CancelOption(allowed=False, late=False, only_staff=True)
    late = (
        enrolment.state == EnrolmentState.CONFIRMED
        and now >= enrolment.session.cancellation_deadline
    )
    allowed = not late or _hr_or_trainer(actor, enrolment.session)
    return CancelOption(allowed=allowed, late=late, only_staff=not allowed)


def cancel(
    actor: User, enrolment: Enrolment, now: datetime, *, reason: str | None = None
) -> Enrolment:
    """Cancel a request, a waiting-list place or a confirmed place.

    Before the cancellation deadline the employee, their head or HR may cancel; after
    it only HR or the session's trainer, and a confirmed place is then recorded as a
    late cancellation. A freed seat goes to the first person on the waiting list.
    """
    start_write()
    reason = (reason or "").strip() or None
    session = lock_session(enrolment.session)
    reload(enrolment)
    if enrolment.state not in CANCELLABLE:
        raise Conflict(N_("This enrolment can no longer be cancelled."))
    if not can(actor, "enrolment.cancel", enrolment):
        raise PermissionDenied(N_("You may not cancel this enrolment."))
    held_seat = enrolment.state == EnrolmentState.CONFIRMED
    option = cancel_option(actor, enrolment, now)
    late = option.late
    if not option.allowed:
        raise PermissionDenied(
            N_(
                "The cancellation deadline has passed. Only HR development or the trainer "
                "can cancel now."
            )
        )
    enrolment.cancelled_at = now
    enrolment.cancelled_by_id = actor.id
    enrolment.cancel_reason = reason
    enrolment.late_cancellation = late
    enrolment.waitlist_rank = None
    transition(
        actor,
        enrolment,
        EnrolmentState.CANCELLED,
        now,
        verb="cancelled",
        reason=reason,
        details={"late": late},
    )
    # A place that was in the person's calendar is taken out of it again.
    invitations = (
        [calendar_invitation(session, enrolment.employee_id, CANCEL, now)] if held_seat else []
    )
    notices.send_to_employee(
        enrolment.employee_id,
        notices.CANCELLED,
        {**notices.session_params(session), "reason": notices.reason_text(reason)},
        now,
        notices.learning_link(),
        invitations,
    )
    if held_seat:
        free_seat(session)
        fill_free_seats(actor, session, now)
    return enrolment


def cancel_session(actor: User, session: CourseSession, reason: str, now: datetime) -> int:
    """Cancel a session (HR): all its active enrolments are cancelled and everyone is
    told. Returns how many enrolments were cancelled."""
    start_write()
    if not has_role(actor, Role.HR):
        raise PermissionDenied(N_("Only HR development can cancel a session."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Please give a reason for the cancellation."), field="reason")
    session = lock_session(session)
    if session.is_cancelled:
        raise Conflict(N_("This session has already been cancelled."))
    marked = db.session.scalar(
        select(Enrolment.id)
        .where(
            Enrolment.session_id == session.id,
            Enrolment.state.in_(
                [
                    EnrolmentState.ATTENDED.value,
                    EnrolmentState.NO_SHOW.value,
                    EnrolmentState.COMPLETED.value,
                    EnrolmentState.FAILED.value,
                ]
            ),
        )
        .limit(1)
    )
    if marked is not None:
        raise Conflict(N_("Attendance has already been recorded for this session."))
    session.cancelled_at = now
    session.cancel_reason = reason
    db.session.flush()
    db.session.execute(
        update(CourseSession)
        .where(CourseSession.id == session.id)
        .values(confirmed_count=0)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(session, ["confirmed_count"])
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .where(
                Enrolment.session_id == session.id,
                Enrolment.state.in_([s.value for s in CANCELLABLE]),
            )
            .order_by(Enrolment.id)
        )
    )
    recipients = notices.people(e.employee_id for e in enrolments)
    params = {**notices.session_params(session), "reason": reason}
    for enrolment in enrolments:
        held_seat = enrolment.state == EnrolmentState.CONFIRMED
        enrolment.cancelled_at = now
        enrolment.cancelled_by_id = actor.id
        enrolment.cancel_reason = reason
        enrolment.late_cancellation = False
        enrolment.waitlist_rank = None
        transition(
            actor,
            enrolment,
            EnrolmentState.CANCELLED,
            now,
            verb="cancelled",
            reason=reason,
            details={"session_cancelled": True},
        )
        invitations = (
            # extra=1: the session's cancellation is recorded below, after the notices.
            [calendar_invitation(session, enrolment.employee_id, CANCEL, now, extra=1)]
            if held_seat
            else []
        )
        notices.send(
            recipients.get(enrolment.employee_id),
            notices.SESSION_CANCELLED,
            params,
            now,
            notices.learning_link(),
            invitations,
        )
    record(
        actor,
        "session.cancelled",
        "course_session",
        session.id,
        from_state="scheduled",
        to_state="cancelled",
        reason=reason,
        details={"enrolments_cancelled": len(enrolments)},
        now=now,
    )
    db.session.flush()
    return len(enrolments)
