"""The courses' scheduled steps: expiring requests, reminders, sessions below minimum."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from academy.audit.models import AuditLogEntry
from academy.notifications.models import Notification
from academy.scheduler import run_tick, tick_steps
from courses.enrolment import tick
from courses.enrolment.models import EnrolmentState
from tests.courses import factories as cf
from tests.courses.support import NOW, audit, hr, inbox, person, upcoming


def test_steps_are_registered(app):
    names = {step.name for step in tick_steps()}
    assert {"courses.expire_requests", "courses.reminders", "courses.below_minimum"} <= names


# ---------------------------------------------------------------------------
# Pending requests expire at the enrolment deadline
# ---------------------------------------------------------------------------


def test_pending_requests_expire_at_the_deadline(db, make):
    session = upcoming(cf.course(requires_approval=True))
    emp, me = person()
    pending = cf.enrolment(session, emp, state=EnrolmentState.PENDING)
    waiting = cf.enrolment(session, state=EnrolmentState.WAITLISTED)
    before = session.enrolment_deadline - timedelta(minutes=1)
    assert tick.expire_pending(before).startswith("0 ")
    assert pending.state == EnrolmentState.PENDING
    summary = tick.expire_pending(session.enrolment_deadline)
    assert summary.startswith("1 ")
    db.session.refresh(pending)
    assert pending.state == EnrolmentState.EXPIRED
    assert waiting.state == EnrolmentState.WAITLISTED
    [entry] = audit(pending, "enrolment.expired")
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "pending_approval",
        "expired",
        None,
    )
    assert [n.kind for n in inbox(me)] == ["enrolment.expired"]
    # idempotent: nothing more the second time
    assert tick.expire_pending(session.enrolment_deadline + timedelta(hours=1)).startswith("0 ")
    assert len(audit(pending)) == 1
    assert len(inbox(me)) == 1


def test_overridden_late_request_expires_at_the_start(db, make):
    session = upcoming(cf.course(requires_approval=True))
    late = cf.enrolment(
        session, state=EnrolmentState.PENDING, override_reason="nach Anmeldeschluss"
    )
    tick.expire_pending(session.enrolment_deadline + timedelta(days=1))
    assert late.state == EnrolmentState.PENDING
    tick.expire_pending(session.starts_at)
    db.session.refresh(late)
    assert late.state == EnrolmentState.EXPIRED


# ---------------------------------------------------------------------------
# Reminders two days before the start, once
# ---------------------------------------------------------------------------


def test_reminder_once_two_days_before_to_confirmed_participants(db, make):
    session = upcoming()
    emp, me = person()
    cf.enrolment(session, emp)
    waiting_emp, waiting = person()
    cf.enrolment(session, waiting_emp, state=EnrolmentState.WAITLISTED)
    no_account = cf.enrolment(session).employee  # confirmed, but without an account
    too_early = session.starts_at - timedelta(days=2, minutes=1)
    assert tick.send_reminders(too_early) == "Erinnerungen: 0 Termin(e), 0 Nachricht(en)."
    assert session.reminder_sent_at is None
    at = session.starts_at - timedelta(days=2)
    # The person without an account is reminded too (by e-mail; in the app later).
    assert tick.send_reminders(at) == "Erinnerungen: 1 Termin(e), 2 Nachricht(en)."
    [theirs] = db.session.scalars(
        select(Notification).where(Notification.employee_id == no_account.id)
    ).all()
    assert theirs.kind == "session.reminder" and theirs.user_id is None
    db.session.refresh(session)
    assert session.reminder_sent_at == at
    [note] = inbox(me)
    assert note.kind == "session.reminder"
    assert session.course.title in note.body
    assert inbox(waiting) == []
    # a second run (or a second host) sends nothing again
    assert tick.send_reminders(at + timedelta(hours=1)).startswith("Erinnerungen: 0 ")
    assert len(inbox(me)) == 1


def test_no_reminder_for_cancelled_or_past_sessions(db, make):
    emp, me = person()
    cancelled = upcoming(days=1, cancelled_at=NOW - timedelta(days=1), cancel_reason="x")
    cf.enrolment(cancelled, emp, state=EnrolmentState.CANCELLED)
    past = upcoming(days=-1)
    cf.enrolment(past, emp)
    tick.send_reminders(NOW)
    assert inbox(me) == []
    assert past.reminder_sent_at is None


def test_claimed_reminder_is_not_sent_by_another_host(db, make):
    session = upcoming(days=1)
    emp, me = person()
    cf.enrolment(session, emp)
    session.reminder_sent_at = NOW - timedelta(minutes=1)  # another host got there first
    db.session.flush()
    tick.send_reminders(NOW)
    assert inbox(me) == []


# ---------------------------------------------------------------------------
# Sessions below their minimum at the enrolment deadline
# ---------------------------------------------------------------------------


def test_session_below_minimum_is_flagged_once_and_hr_told(db, make):
    staff = hr()
    weak = upcoming(min_participants=3)
    cf.enrolment(weak)
    strong = upcoming(min_participants=1)
    cf.enrolment(strong)
    no_minimum = upcoming()
    deadline = weak.enrolment_deadline
    assert tick.flag_below_minimum(deadline - timedelta(minutes=1)).startswith("0 ")
    assert tick.flag_below_minimum(deadline).startswith("1 ")
    assert weak.below_minimum_flagged_at == deadline
    assert strong.below_minimum_flagged_at is None
    assert no_minimum.below_minimum_flagged_at is None
    [note] = inbox(staff)
    assert note.kind == "session.below_minimum"
    assert weak.course.title in note.subject
    [entry] = AuditLogEntry.query.filter_by(
        action="session.below_minimum", object_id=str(weak.id)
    ).all()
    assert entry.details == {"confirmed": 1, "minimum": 3}
    assert tick.flag_below_minimum(deadline + timedelta(hours=1)).startswith("0 ")
    assert len(inbox(staff)) == 1


def test_cancelled_session_is_not_flagged(db, make):
    staff = hr()
    session = upcoming(min_participants=3, cancelled_at=NOW, cancel_reason="x")
    tick.flag_below_minimum(session.enrolment_deadline)
    assert session.below_minimum_flagged_at is None
    assert inbox(staff) == []


def test_run_tick_runs_the_course_steps(db, make):
    session = upcoming(cf.course(requires_approval=True))
    pending = cf.enrolment(session, state=EnrolmentState.PENDING)
    outcomes = {
        o.name: o
        for o in run_tick(
            session.enrolment_deadline,
            only=("courses.expire_requests", "courses.reminders", "courses.below_minimum"),
        )
    }
    assert all(o.ok for o in outcomes.values()), outcomes
    assert outcomes["courses.expire_requests"].summary.startswith("1 ")
    db.session.refresh(pending)
    assert pending.state == EnrolmentState.EXPIRED
