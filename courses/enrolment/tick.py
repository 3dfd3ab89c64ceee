"""Scheduled work of the courses package, run by ``flask academy tick``.

Each step is idempotent and safe when several hosts run it at once: every change is
claimed with a conditional UPDATE (only the host whose UPDATE changed the row goes on to
audit and notify), commits its own work and returns a one-line German summary.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from academy.audit.log import record
from academy.extensions import db
from academy.scheduler import register_tick_step
from courses.enrolment import notices
from courses.enrolment.lifecycle import audit_transition, lock_session, start_write
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.reminders import remind_later_meetings
from courses.sessions.models import CourseSession

#: Reminders go out this long before a session starts.
REMINDER_BEFORE = timedelta(days=2)


def expire_pending(now: datetime) -> str:
    """Requests still awaiting approval at the enrolment deadline expire (requests HR
    made past the deadline, with an override, at the session's start)."""
    start_write()
    candidates = db.session.scalars(
        select(Enrolment)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(
            Enrolment.state == EnrolmentState.PENDING.value,
            or_(
                and_(
                    CourseSession.enrolment_deadline <= now,
                    Enrolment.override_reason.is_(None),
                ),
                CourseSession.starts_at <= now,
            ),
        )
        .options(joinedload(Enrolment.session).joinedload(CourseSession.course))
        .order_by(Enrolment.session_id, Enrolment.id)
    ).all()
    recipients = notices.people(e.employee_id for e in candidates)
    locked: set[int] = set()
    expired = 0
    for enrolment in candidates:
        if enrolment.session_id not in locked:  # serialise with a concurrent approval
            lock_session(enrolment.session)
            locked.add(enrolment.session_id)
        changed = db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.state == EnrolmentState.PENDING.value)
            .values(state=EnrolmentState.EXPIRED.value, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            continue
        set_committed_value(enrolment, "state", EnrolmentState.EXPIRED.value)
        set_committed_value(enrolment, "updated_at", now)
        audit_transition(
            None,
            enrolment,
            EnrolmentState.PENDING.value,
            EnrolmentState.EXPIRED,
            now,
            verb="expired",
            reason="enrolment deadline",
        )
        notices.send(
            recipients.get(enrolment.employee_id),
            notices.EXPIRED,
            notices.session_params(enrolment.session),
            now,
            notices.learning_link(),
        )
        expired += 1
    db.session.commit()
    return f"{expired} unbeantwortete Anmeldeanfrage(n) zum Anmeldeschluss abgelaufen."


def send_reminders(now: datetime) -> str:
    """Once per meeting, two days before it starts: a reminder to every confirmed
    participant. The first meeting is claimed by setting the session's
    ``reminder_sent_at``, each later one by its own (``courses.enrolment.reminders``)."""
    start_write()
    sessions = db.session.scalars(
        select(CourseSession)
        .where(
            CourseSession.reminder_sent_at.is_(None),
            CourseSession.cancelled_at.is_(None),
            CourseSession.starts_at > now,
            CourseSession.starts_at <= now + REMINDER_BEFORE,
        )
        .options(joinedload(CourseSession.course))
        .order_by(CourseSession.starts_at, CourseSession.id)
    ).all()
    done = sent = 0
    for session in sessions:
        claimed = db.session.execute(
            update(CourseSession)
            .where(CourseSession.id == session.id, CourseSession.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        set_committed_value(session, "reminder_sent_at", now)
        employee_ids = db.session.scalars(
            select(Enrolment.employee_id).where(
                Enrolment.session_id == session.id,
                Enrolment.state == EnrolmentState.CONFIRMED.value,
            )
        ).all()
        params = notices.session_params(session)
        link = notices.learning_link()
        recipients = notices.people(employee_ids)
        for employee_id in employee_ids:
            recipient = recipients.get(employee_id)
            if recipient is not None:
                notices.send(recipient, notices.REMINDER, params, now, link)
                sent += 1
        done += 1
    later_done, later_sent = remind_later_meetings(now)  # a session's later meetings
    db.session.commit()
    return f"Erinnerungen: {done + later_done} Termin(e), {sent + later_sent} Nachricht(en)."


def flag_below_minimum(now: datetime) -> str:
    """At the enrolment deadline, a session with fewer confirmed participants than its
    minimum is flagged once (``below_minimum_flagged_at``) and HR is told."""
    start_write()
    below = and_(
        CourseSession.below_minimum_flagged_at.is_(None),
        CourseSession.cancelled_at.is_(None),
        CourseSession.enrolment_deadline <= now,
        CourseSession.starts_at > now,
        CourseSession.min_participants > 0,
        CourseSession.confirmed_count < CourseSession.min_participants,
    )
    sessions = db.session.scalars(
        select(CourseSession)
        .where(below)
        .options(joinedload(CourseSession.course))
        .order_by(CourseSession.starts_at, CourseSession.id)
    ).all()
    hr = notices.hr_users() if sessions else []
    flagged = 0
    for session in sessions:
        claimed = db.session.execute(
            update(CourseSession)
            .where(CourseSession.id == session.id, below)
            .values(below_minimum_flagged_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        set_committed_value(session, "below_minimum_flagged_at", now)
        record(
            None,
            "session.below_minimum",
            "course_session",
            session.id,
            details={"confirmed": session.confirmed_count, "minimum": session.min_participants},
            now=now,
        )
        params = {
            **notices.session_params(session),
            "count": session.confirmed_count,
            "minimum": session.min_participants,
        }
        for user in hr:
            notices.send(user, notices.BELOW_MINIMUM, params, now, notices.hr_session_link(session))
        flagged += 1
    db.session.commit()
    return f"{flagged} Termin(e) unter der Mindestteilnehmerzahl gemeldet."


def register_tick_steps() -> None:
    register_tick_step("courses.expire_requests", expire_pending, order=20)
    register_tick_step("courses.below_minimum", flag_below_minimum, order=30)
    register_tick_step("courses.reminders", send_reminders, order=40)
