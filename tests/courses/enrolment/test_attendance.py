"""Attendance (from the session's start, by HR or the trainer) and results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from academy.accounts.models import Role
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from courses.enrolment.attendance import mark_attendance, record_result
from courses.enrolment.models import EnrolmentState
from courses.signals import course_completed
from tests.courses import factories as cf
from tests.courses.support import NOW, audit, hr, person, upcoming


@pytest.fixture()
def trainer(make):
    return make.user(Role.TRAINER, with_employee=False)


@pytest.fixture()
def running(trainer):
    """A session that started an hour before NOW, trained by ``trainer``."""
    return upcoming(starts_at=NOW - timedelta(hours=1), trainer=trainer)


def test_attendance_only_from_the_start(db, trainer):
    session = upcoming(trainer=trainer)
    enrolment = cf.enrolment(session)
    with pytest.raises(ValidationFailed):
        mark_attendance(trainer, enrolment, True, session.starts_at - timedelta(minutes=1))
    assert enrolment.state == EnrolmentState.CONFIRMED
    mark_attendance(trainer, enrolment, True, session.starts_at)
    assert enrolment.state == EnrolmentState.ATTENDED
    assert enrolment.attendance_marked_at == session.starts_at
    entry = audit(enrolment, "enrolment.attended")[0]
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "confirmed",
        "attended",
        trainer.id,
    )


def test_no_show_and_correction(db, running, trainer):
    enrolment = cf.enrolment(running)
    mark_attendance(trainer, enrolment, False, NOW)
    assert enrolment.state == EnrolmentState.NO_SHOW
    assert audit(enrolment, "enrolment.no_show")[0].to_state == "no_show"
    mark_attendance(trainer, enrolment, True, NOW)  # a mistake, corrected
    assert enrolment.state == EnrolmentState.ATTENDED
    assert audit(enrolment, "enrolment.attended")[0].from_state == "no_show"
    db.session.refresh(running)
    assert running.confirmed_count == 1  # marking attendance keeps the seat


def test_only_hr_or_the_sessions_trainer(db, make, running):
    enrolment = cf.enrolment(running)
    other_trainer = make.user(Role.TRAINER, with_employee=False)
    _, me = person()
    for outsider in (other_trainer, me):
        with pytest.raises(PermissionDenied):
            mark_attendance(outsider, enrolment, True, NOW)
    mark_attendance(hr(), enrolment, True, NOW)
    with pytest.raises(PermissionDenied):
        record_result(other_trainer, enrolment, True, NOW)
    assert enrolment.state == EnrolmentState.ATTENDED


def test_only_confirmed_places_get_attendance(db, running, trainer):
    for state in (EnrolmentState.WAITLISTED, EnrolmentState.CANCELLED, EnrolmentState.PENDING):
        enrolment = cf.enrolment(running, state=state)
        with pytest.raises(Conflict):
            mark_attendance(trainer, enrolment, True, NOW)


def test_completion_records_the_berlin_date_and_signals(db, trainer):
    late_evening = datetime(2030, 3, 4, 23, 30, tzinfo=UTC)  # already 5 March in Berlin
    session = upcoming(starts_at=late_evening - timedelta(hours=10), trainer=trainer)
    enrolment = cf.enrolment(session)
    mark_attendance(trainer, enrolment, True, late_evening)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    course_completed.connect(receiver)
    try:
        record_result(trainer, enrolment, True, late_evening)
    finally:
        course_completed.disconnect(receiver)
    assert enrolment.state == EnrolmentState.COMPLETED
    assert enrolment.completed_on == date(2030, 3, 5)
    assert enrolment.result_marked_by_id == trainer.id
    assert received == [(enrolment, {"now": late_evening})]
    entry = audit(enrolment, "enrolment.completed")[0]
    assert (entry.from_state, entry.to_state) == ("attended", "completed")


def test_failed_sends_no_completion(db, running, trainer):
    enrolment = cf.enrolment(running)
    mark_attendance(trainer, enrolment, True, NOW)
    received = []

    def receiver(sender, **kwargs):
        received.append(sender)

    course_completed.connect(receiver)
    try:
        record_result(trainer, enrolment, False, NOW)
    finally:
        course_completed.disconnect(receiver)
    assert enrolment.state == EnrolmentState.FAILED
    assert enrolment.completed_on is None
    assert received == []
    assert audit(enrolment, "enrolment.failed")[0].to_state == "failed"
    with pytest.raises(Conflict):  # results are final
        record_result(trainer, enrolment, True, NOW)
    with pytest.raises(Conflict):
        mark_attendance(trainer, enrolment, False, NOW)


def test_result_only_for_attended(db, running, trainer):
    confirmed = cf.enrolment(running)
    with pytest.raises(Conflict):
        record_result(trainer, confirmed, True, NOW)
    no_show = cf.enrolment(running, state=EnrolmentState.NO_SHOW)
    with pytest.raises(Conflict):
        record_result(trainer, no_show, True, NOW)
