"""What a page may offer for an enrolment (``cancel_option``): the answer the cancel page
and "my learning" show, instead of the templates deciding which states may be cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.accounts.models import Role
from courses.enrolment.cancellation import CancelOption, cancel_option
from courses.enrolment.models import EnrolmentState
from tests.courses import factories as cf
from tests.courses.support import NOW, hr, person, upcoming

OPEN = [EnrolmentState.PENDING, EnrolmentState.CONFIRMED, EnrolmentState.WAITLISTED]
CLOSED = [
    EnrolmentState.DECLINED,
    EnrolmentState.EXPIRED,
    EnrolmentState.CANCELLED,
    EnrolmentState.ATTENDED,
    EnrolmentState.NO_SHOW,
    EnrolmentState.COMPLETED,
    EnrolmentState.FAILED,
]


@pytest.mark.parametrize("state", OPEN)
def test_the_employee_may_cancel_an_open_enrolment_before_the_deadline(db, state):
    emp, me = person()
    enrolment = cf.enrolment(upcoming(days=30), emp, state=state)
    assert cancel_option(me, enrolment, NOW) == CancelOption(allowed=True, late=False)


@pytest.mark.parametrize("state", CLOSED)
def test_a_closed_enrolment_cannot_be_cancelled_by_anyone(db, state):
    emp, me = person()
    session = upcoming(days=30)
    enrolment = cf.enrolment(session, emp, state=state)
    for actor in (me, hr()):
        option = cancel_option(actor, enrolment, NOW)
        assert option == CancelOption(allowed=False, late=False, only_staff=False)


def test_after_the_deadline_only_hr_or_the_trainer_may_cancel_a_place(db):
    emp, me = person()
    _trainer_emp, trainer = person(None, Role.TRAINER)
    session = upcoming(days=1, trainer=trainer)  # cancellation deadline 3 days before
    enrolment = cf.enrolment(session, emp, state=EnrolmentState.CONFIRMED)
    assert cancel_option(me, enrolment, NOW) == CancelOption(
        allowed=False, late=True, only_staff=True
    )
    for staff in (hr(), trainer):
        assert cancel_option(staff, enrolment, NOW) == CancelOption(allowed=True, late=True)


def test_a_request_or_waiting_place_is_never_late(db):
    session = upcoming(days=1)
    for state in (EnrolmentState.PENDING, EnrolmentState.WAITLISTED):
        other, _user = person()
        enrolment = cf.enrolment(session, other, state=state)
        option = cancel_option(hr(), enrolment, NOW)
        assert option.allowed and not option.late and not option.only_staff
    assert NOW + timedelta(days=1) > session.cancellation_deadline
