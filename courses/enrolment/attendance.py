"""Attendance and results, marked by HR or the session's trainer from the session's start.

confirmed → attended | no_show (a mistake can be corrected while no result is recorded);
attended → completed (``completed_on`` = the Berlin date) | failed. Completion sends
``courses.signals.course_completed``, to which evidence and certificates subscribe.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.lifecycle import lock_session, reload, start_write, transition
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.signals import course_completed

#: States attendance can be marked (or corrected) from.
MARKABLE = (EnrolmentState.CONFIRMED, EnrolmentState.ATTENDED, EnrolmentState.NO_SHOW)


def _prepare(actor: User, enrolment: Enrolment, now: datetime) -> None:
    start_write()
    session = lock_session(enrolment.session)
    reload(enrolment)
    if not can(actor, "attendance.mark", enrolment):
        raise PermissionDenied(N_("Only HR development or the session's trainer can do this."))
    if now < session.starts_at:
        raise ValidationFailed(N_("Attendance can be recorded from the start of the session."))


def mark_attendance(actor: User, enrolment: Enrolment, attended: bool, now: datetime) -> Enrolment:
    """Record whether a confirmed participant attended (or correct that record)."""
    _prepare(actor, enrolment, now)
    if enrolment.state not in MARKABLE:
        raise Conflict(N_("Attendance cannot be recorded for this enrolment."))
    target = EnrolmentState.ATTENDED if attended else EnrolmentState.NO_SHOW
    if enrolment.state == target:
        return enrolment
    enrolment.attendance_marked_at = now
    enrolment.result_marked_by_id = actor.id
    try:
        with db.session.begin_nested():
            transition(actor, enrolment, target, now, verb=target.value)
    except IntegrityError as exc:
        # attended is an active state: the person has meanwhile enrolled again.
        db.session.refresh(enrolment)
        raise Conflict(N_("There is already an active enrolment for this course.")) from exc
    return enrolment


def record_result(actor: User, enrolment: Enrolment, passed: bool, now: datetime) -> Enrolment:
    """Record the result of an attended enrolment: completed (with today's date in
    Berlin) or failed. Completion sends ``course_completed``."""
    _prepare(actor, enrolment, now)
    if enrolment.state != EnrolmentState.ATTENDED:
        raise Conflict(N_("A result can only be recorded for someone who attended."))
    enrolment.result_marked_by_id = actor.id
    if passed:
        enrolment.completed_on = to_berlin(now).date()
        transition(actor, enrolment, EnrolmentState.COMPLETED, now, verb="completed")
        course_completed.send(enrolment, now=now)
    else:
        transition(actor, enrolment, EnrolmentState.FAILED, now, verb="failed")
    return enrolment
