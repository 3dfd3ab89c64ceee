"""The courses package's permission rules (courses/policy.py)."""

from __future__ import annotations

from academy.accounts.models import Role
from academy.auth.policy import can, known_actions
from courses.enrolment.models import EnrolmentState
from tests.courses import factories as cf
from tests.courses.support import head_of, hr, person, upcoming

ACTIONS = {
    "catalogue.view",
    "catalogue.manage",
    "enrolment.request",
    "approvals.view",
    "enrolment.approve",
    "enrolment.cancel",
    "waitlist.manage",
    "trainer.sessions",
    "session.roster",
    "attendance.mark",
    "learning.view",
}


def test_all_actions_are_registered(app):
    assert set(known_actions()) >= ACTIONS


def test_roles(db, make):
    emp, me = person()
    staff = hr()
    trainer = make.user(Role.TRAINER, with_employee=False)
    council = make.user(Role.COUNCIL, with_employee=False)
    head = head_of(make.department())
    assert all(can(u, "catalogue.view") for u in (me, staff, trainer, council, head))
    assert [u for u in (me, staff, trainer, council, head) if can(u, "catalogue.manage")] == [staff]
    assert can(me, "enrolment.request") and can(staff, "enrolment.request")
    assert not can(trainer, "enrolment.request") and not can(council, "enrolment.request")
    assert can(me, "enrolment.request", emp)
    assert not can(me, "enrolment.request", make.employee())
    assert can(staff, "enrolment.request", make.employee())
    assert can(head, "approvals.view") and can(staff, "approvals.view")
    assert not can(me, "approvals.view") and not can(trainer, "approvals.view")
    assert can(staff, "waitlist.manage") and not can(head, "waitlist.manage")
    assert can(trainer, "trainer.sessions") and not can(staff, "trainer.sessions")
    assert can(me, "learning.view") and can(me, "learning.view", emp)
    assert not can(me, "learning.view", make.employee())
    assert not can(trainer, "learning.view")


def test_roster_and_attendance_for_the_sessions_trainer_and_hr(db, make):
    trainer = make.user(Role.TRAINER, with_employee=False)
    other_trainer = make.user(Role.TRAINER, with_employee=False)
    session = upcoming(trainer=trainer)
    enrolment = cf.enrolment(session)
    _, me = person()
    for action, target in (("session.roster", session), ("attendance.mark", enrolment)):
        assert can(trainer, action, target)
        assert can(hr(), action, target)
        assert not can(other_trainer, action, target)
        assert not can(me, action, target)
    assert can(trainer, "session.roster") and not can(me, "session.roster")


def test_cancel_rule(db, make):
    dept = make.department()
    head = head_of(dept)
    trainer = make.user(Role.TRAINER, with_employee=False)
    emp, me = person(dept)
    enrolment = cf.enrolment(upcoming(trainer=trainer), emp, state=EnrolmentState.WAITLISTED)
    _, stranger = person()
    assert can(me, "enrolment.cancel", enrolment)
    assert can(head, "enrolment.cancel", enrolment)
    assert can(hr(), "enrolment.cancel", enrolment)
    assert can(trainer, "enrolment.cancel", enrolment)
    assert not can(stranger, "enrolment.cancel", enrolment)
