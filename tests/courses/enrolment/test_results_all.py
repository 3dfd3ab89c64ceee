"""'Alle bestanden': everyone who attended and has no result yet is recorded as
completed in one step – audited like single results, final like them, and only by HR
or the session's trainer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.accounts.models import Role
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from courses.enrolment.attendance import mark_attendance, record_all_passed, record_result
from courses.enrolment.models import EnrolmentState
from courses.signals import course_completed
from tests.courses import factories as cf
from tests.courses.support import NOW, audit, hr, upcoming


@pytest.fixture()
def trainer(make):
    return make.user(Role.TRAINER, with_employee=False)


@pytest.fixture()
def running(trainer):
    return upcoming(starts_at=NOW - timedelta(hours=1), trainer=trainer)


def test_everyone_attended_without_a_result_passes(db, running, trainer):
    attended = [cf.enrolment(running) for _ in range(3)]
    for enrolment in attended:
        mark_attendance(trainer, enrolment, True, NOW)
    failed = cf.enrolment(running)
    mark_attendance(trainer, failed, True, NOW)
    record_result(trainer, failed, False, NOW)
    absent = cf.enrolment(running, state=EnrolmentState.NO_SHOW)
    open_ = cf.enrolment(running)  # attendance not recorded yet
    waiting = cf.enrolment(running, state=EnrolmentState.WAITLISTED)
    received = []

    def receiver(sender, **kwargs):
        received.append(sender)

    course_completed.connect(receiver)
    try:
        passed = record_all_passed(trainer, running, NOW)
    finally:
        course_completed.disconnect(receiver)

    assert sorted(e.id for e in passed) == sorted(e.id for e in attended)
    assert received == passed
    for enrolment in attended:
        assert enrolment.state == EnrolmentState.COMPLETED
        assert enrolment.completed_on is not None
        assert enrolment.result_marked_by_id == trainer.id
        entry = audit(enrolment, "enrolment.completed")[0]
        assert (entry.from_state, entry.to_state, entry.actor_id) == (
            "attended",
            "completed",
            trainer.id,
        )
    assert failed.state == EnrolmentState.FAILED
    assert absent.state == EnrolmentState.NO_SHOW
    assert open_.state == EnrolmentState.CONFIRMED
    assert waiting.state == EnrolmentState.WAITLISTED
    # nobody is left; a recorded result stays final
    assert record_all_passed(trainer, running, NOW) == []
    with pytest.raises(Conflict):
        record_result(trainer, attended[0], False, NOW)


def test_only_hr_or_the_sessions_trainer(db, make, running):
    enrolment = cf.enrolment(running, state=EnrolmentState.ATTENDED)
    other = make.user(Role.TRAINER, with_employee=False)
    with pytest.raises(PermissionDenied):
        record_all_passed(other, running, NOW)
    assert enrolment.state == EnrolmentState.ATTENDED
    assert audit(enrolment, "enrolment.completed") == []
    assert [e.id for e in record_all_passed(hr(), running, NOW)] == [enrolment.id]


def test_not_before_the_last_meeting(db, trainer):
    session = upcoming(starts_at=NOW + timedelta(hours=1), trainer=trainer)
    enrolment = cf.enrolment(session, state=EnrolmentState.ATTENDED)
    with pytest.raises(ValidationFailed):
        record_all_passed(trainer, session, NOW)
    assert enrolment.state == EnrolmentState.ATTENDED
