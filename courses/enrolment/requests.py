"""Requesting a place and deciding on the request (DOMAIN.md). The rest of the lifecycle
has modules of its own beside this one: ``eligibility`` (who may enrol),
``cancellation``, ``waitlist`` (capacity, re-ranking, HR promotion) and ``attendance``
(attendance, results).

Services take ``actor`` and ``now``, flush only, raise ``DomainError`` subclasses and
write the audit log (``enrolment.<verb>``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from academy.accounts.models import Role, User
from academy.auth.policy import can, has_role
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.enrolment import eligibility, notices
from courses.enrolment.invitations import REQUEST, calendar_invitation
from courses.enrolment.lifecycle import (
    NEW,
    confirm,
    lock_session,
    put_on_waitlist,
    reload,
    start_write,
    take_seat,
    transition,
)
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.queries import waitlist_position
from courses.sessions.models import CourseSession


def approver_for(employee: Employee) -> User | None:
    """The head of the employee's department who decides on their requests: walking up
    the tree while a department has no head (with an active account) or the head is the
    employee themselves. None means HR decides."""
    return notices.head_account(employee.id, employee.department)


# ---------------------------------------------------------------------------
# Request
# ---------------------------------------------------------------------------


def _insert(enrolment: Enrolment) -> None:
    """Insert in a savepoint; the partial unique index refuses a second active enrolment
    for the same person and course even when the service check raced."""
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
            db.session.flush()
    except IntegrityError as exc:
        if "uq_enrolments_active_per_course" in str(exc) or "enrolments.employee_id" in str(exc):
            raise Conflict(N_("There is already an active enrolment for this course.")) from exc
        raise


@dataclass
class _Placed:
    state: EnrolmentState
    position: int | None


def _seat_or_waitlist(enrolment: Enrolment, session: CourseSession, now: datetime) -> _Placed:
    if take_seat(session):
        confirm(enrolment, now)
        return _Placed(EnrolmentState.CONFIRMED, None)
    put_on_waitlist(enrolment)
    db.session.flush()
    return _Placed(EnrolmentState.WAITLISTED, waitlist_position(enrolment))


def request_enrolment(
    actor: User,
    employee: Employee,
    session: CourseSession,
    now: datetime,
    *,
    override_reason: str | None = None,
) -> Enrolment:
    """Enrol ``employee`` (the actor themselves, or anyone when the actor is HR).

    Courses that need approval start as ``pending_approval`` (no seat held) and the
    approver is notified; others are confirmed at once or put on the waiting list. HR may
    override prerequisites, the deadline and time clashes by giving ``override_reason``.
    """
    start_write()
    override = (override_reason or "").strip() or None
    is_hr = has_role(actor, Role.HR)
    if actor.employee_id != employee.id and not is_hr:
        raise PermissionDenied(N_("You can only enrol yourself."))
    if override and not is_hr:
        raise PermissionDenied(N_("Only HR development can override the enrolment rules."))
    session = lock_session(session)
    blockers = eligibility.check(employee, session, now)
    for blocker in blockers:
        if not blocker.overridable or override is None:
            raise blocker.error()
    overridden = [b.message for b in blockers]

    course = session.course
    enrolment = Enrolment(
        session_id=session.id,
        course_id=course.id,
        employee_id=employee.id,
        state=(
            EnrolmentState.PENDING.value
            if course.requires_approval
            else EnrolmentState.WAITLISTED.value
        ),
        requested_at=now,
        requested_by_id=actor.id,
        override_reason=override,
        updated_at=now,
    )
    _insert(enrolment)
    details: dict[str, Any] = {"session_id": session.id}
    if overridden:
        details["overridden"] = overridden
    params = notices.session_params(session)
    if course.requires_approval:
        transition(
            actor,
            enrolment,
            EnrolmentState.PENDING,
            now,
            verb="requested",
            from_state=NEW,
            reason=override,
            details=details,
        )
        approver = approver_for(employee)
        recipients = [approver] if approver is not None else notices.hr_users()
        for user in recipients:
            notices.send(
                user,
                notices.APPROVAL_REQUESTED,
                {**params, "employee": employee.full_name},
                now,
                notices.approvals_link(),
            )
        return enrolment

    placed = _seat_or_waitlist(enrolment, session, now)
    transition(
        actor,
        enrolment,
        placed.state,
        now,
        verb="requested",
        from_state=NEW,
        reason=override,
        details=details,
    )
    link = notices.learning_link()
    if placed.state == EnrolmentState.CONFIRMED:
        invitation = calendar_invitation(session, employee.id, REQUEST, now)
        notices.send_to_employee(employee.id, notices.CONFIRMED, params, now, link, [invitation])
    else:
        notices.send_to_employee(
            employee.id, notices.WAITLISTED, {**params, "position": placed.position}, now, link
        )
    return enrolment


# ---------------------------------------------------------------------------
# Approval
# ---------------------------------------------------------------------------


def _approve(actor: User, enrolment: Enrolment, now: datetime) -> Enrolment:
    session = lock_session(enrolment.session)
    reload(enrolment)
    if enrolment.state != EnrolmentState.PENDING:
        raise Conflict(N_("This request has already been decided."))
    if not can(actor, "enrolment.approve", enrolment):
        raise PermissionDenied(N_("You may not decide on this request."))
    if session.is_cancelled:
        raise Conflict(N_("This session has been cancelled."))
    if now >= session.starts_at:
        raise Conflict(N_("This session has already started."))
    if now >= session.enrolment_deadline and enrolment.override_reason is None:
        raise Conflict(N_("The enrolment deadline has passed: the request has expired."))
    enrolment.decided_at = now
    enrolment.decided_by_id = actor.id
    placed = _seat_or_waitlist(enrolment, session, now)
    transition(
        actor,
        enrolment,
        placed.state,
        now,
        verb="approved",
        from_state=EnrolmentState.PENDING.value,
    )
    params = notices.session_params(session)
    link = notices.learning_link()
    if placed.state == EnrolmentState.CONFIRMED:
        invitation = calendar_invitation(session, enrolment.employee_id, REQUEST, now)
        notices.send_to_employee(
            enrolment.employee_id, notices.APPROVED_CONFIRMED, params, now, link, [invitation]
        )
    else:
        notices.send_to_employee(
            enrolment.employee_id,
            notices.APPROVED_WAITLISTED,
            {**params, "position": placed.position},
            now,
            link,
        )
    return enrolment


def approve(actor: User, enrolment: Enrolment, now: datetime) -> Enrolment:
    """Approve a pending request: a seat if one is free, else the waiting list in the
    order of the original request time."""
    start_write()
    return _approve(actor, enrolment, now)


def approve_many(actor: User, enrolments: Iterable[Enrolment], now: datetime) -> list[Enrolment]:
    """Approve several requests at once. Requests someone else decided in the meantime
    are skipped; the approved ones are returned. Sessions are locked in id order."""
    start_write()
    approved: list[Enrolment] = []
    for enrolment in sorted(enrolments, key=lambda e: (e.session_id, e.id)):
        reload(enrolment)
        if enrolment.state != EnrolmentState.PENDING:
            continue
        approved.append(_approve(actor, enrolment, now))
    return approved


def decline(actor: User, enrolment: Enrolment, reason: str, now: datetime) -> Enrolment:
    """Decline a pending request; the reason is required and told to the employee."""
    start_write()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Please give a reason for declining."), field="reason")
    lock_session(enrolment.session)
    reload(enrolment)
    if enrolment.state != EnrolmentState.PENDING:
        raise Conflict(N_("This request has already been decided."))
    if not can(actor, "enrolment.approve", enrolment):
        raise PermissionDenied(N_("You may not decide on this request."))
    enrolment.decided_at = now
    enrolment.decided_by_id = actor.id
    enrolment.decline_reason = reason
    transition(actor, enrolment, EnrolmentState.DECLINED, now, verb="declined", reason=reason)
    notices.send_to_employee(
        enrolment.employee_id,
        notices.DECLINED,
        {**notices.session_params(enrolment.session), "reason": reason},
        now,
        notices.learning_link(),
    )
    return enrolment
