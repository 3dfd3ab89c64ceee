"""Heads book for their team (service by service): direct enrolment within their
subtree only (counts as approved; a seat or the waiting list; the member is told and may
cancel under the usual rules), seats reserved for a unit held out of general sale,
given to members, released by the head, HR or the release date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from courses.enrolment.cancellation import cancel
from courses.enrolment.lifecycle import take_seat
from courses.enrolment.models import EnrolmentState
from courses.enrolment.requests import request_enrolment
from courses.enrolment.waitlist import change_capacity
from courses.teambooking.booking import book_members
from courses.teambooking.models import ReservedPlace
from courses.teambooking.reservations import release, release_due, reserve
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import NOW, hr, inbox, person, upcoming
from tests.courses.teambooking.support import team


def test_a_head_enrols_members_directly_as_approved(db):
    _unit, _sub, head, (a, a_user), (b, _) = team()
    session = upcoming(cf.course(requires_approval=True), capacity=5)
    outcomes = book_members(head, session, [a, b], NOW)
    assert [o.confirmed for o in outcomes] == [True, True]
    enrolment = next(o.enrolment for o in outcomes if o.employee.id == a.id)
    assert enrolment.decided_by_id == head.id and enrolment.requested_by_id == head.id
    assert db.session.get(type(session), session.id).confirmed_count == 2
    [entry] = db.session.scalars(
        select(AuditLogEntry).where(
            AuditLogEntry.object_type == "enrolment",
            AuditLogEntry.object_id == str(enrolment.id),
        )
    ).all()
    assert entry.action == "enrolment.booked" and entry.to_state == "confirmed"
    [note] = inbox(a_user)
    assert note.kind == "teambooking.booked" and head.display_name in note.body
    # the member may cancel under the usual rules
    cancel(a_user, enrolment, NOW)
    assert enrolment.state == EnrolmentState.CANCELLED


def test_a_full_session_puts_them_on_the_waiting_list(db):
    _unit, _sub, head, (a, a_user), _b = team()
    session = upcoming(capacity=1)
    cf.enrolment(session)
    [outcome] = book_members(head, session, [a], NOW)
    assert outcome.enrolment.state == EnrolmentState.WAITLISTED
    [note] = inbox(a_user)
    assert "Warteliste" in note.body or "waiting list" in note.body


def test_heads_book_only_within_their_subtree(db):
    _unit, _sub, head, _a, _b = team()
    other, _ = person()
    session = upcoming()
    with pytest.raises(PermissionDenied):
        book_members(head, session, [other], NOW)
    with pytest.raises(PermissionDenied):
        book_members(head, session, [head.employee], NOW)  # not themselves
    _emp, plain = person()
    with pytest.raises(PermissionDenied):
        book_members(plain, session, [other], NOW)


def test_the_usual_rules_hold_per_member(db):
    _unit, _sub, head, (a, _), (b, _) = team()
    course = cf.course()
    session = upcoming(course)
    cf.enrolment(upcoming(course, days=40), a)  # a: already enrolled in the course
    clash = upcoming(days=30)
    cf.enrolment(clash, b)  # b: a confirmed session at the same time
    outcomes = {o.employee.id: o for o in book_members(head, session, [a, b], NOW)}
    assert isinstance(outcomes[a.id].error, Conflict)
    assert outcomes[b.id].error is not None and b.full_name in str(outcomes[b.id].error)
    late = upcoming(days=3)  # enrolment deadline 7 days before: passed
    [outcome] = book_members(head, late, [a], NOW)
    assert outcome.error is not None and outcome.enrolment is None


def test_reserved_seats_are_held_out_of_general_sale_and_given_to_members(db):
    unit, _sub, head, (a, _), _b = team()
    session = upcoming(capacity=3)
    reservation = reserve(head, session, unit, 2, NOW)
    assert session.reserved_seats == 2 and session.seats_left == 1
    outsider, outsider_user = person()
    first = request_enrolment(outsider_user, outsider, session, NOW)
    assert first.state == EnrolmentState.CONFIRMED
    second_emp, second_user = person()
    waiting = request_enrolment(second_user, second_emp, session, NOW)
    assert waiting.state == EnrolmentState.WAITLISTED  # the held seats are not on sale
    [outcome] = book_members(head, session, [a], NOW, reservation=reservation)
    assert outcome.confirmed and reservation.filled == 1
    assert db.session.get(ReservedPlace, outcome.enrolment.id).reservation_id == reservation.id
    db.session.refresh(session)
    assert (session.confirmed_count, session.reserved_seats) == (2, 1)
    assert not take_seat(session)
    # releasing hands the last held seat to the waiting list at once
    returned = release(head, reservation, NOW)
    assert returned == 1
    db.session.refresh(waiting)
    assert waiting.state == EnrolmentState.CONFIRMED
    db.session.refresh(session)
    assert (session.confirmed_count, session.reserved_seats) == (3, 0)
    with pytest.raises(Conflict):
        release(head, reservation, NOW)


def test_reservation_rules(db):
    unit, _sub, head, (a, _), _b = team()
    session = upcoming(capacity=2)
    with pytest.raises(ValidationFailed) as too_many:
        reserve(head, session, unit, 3, NOW)
    assert too_many.value.field == "seats"
    other_unit = factories.department()
    with pytest.raises(PermissionDenied):
        reserve(head, session, other_unit, 1, NOW)
    with pytest.raises(ValidationFailed) as late_release:
        reserve(
            head, session, unit, 1, NOW, release_at=session.enrolment_deadline + timedelta(hours=1)
        )
    assert late_release.value.field == "release_at"
    reservation = reserve(head, session, unit, 2, NOW)
    # the capacity cannot drop below confirmed + reserved
    with pytest.raises(ValidationFailed):
        change_capacity(factories.user(Role.HR), session, 1, NOW)
    # a member of another unit cannot get a seat of the reservation
    stranger, _ = person()
    with pytest.raises(PermissionDenied):
        book_members(head, session, [stranger], NOW, reservation=reservation)
    assert a is not None


def test_hr_releases_with_a_reason_and_the_head_is_told(db):
    unit, _sub, head, _a, _b = team()
    session = upcoming(capacity=4)
    reservation = reserve(head, session, unit, 3, NOW)
    hr_user = factories.user(Role.HR)
    with pytest.raises(ValidationFailed):
        release(hr_user, reservation, NOW)
    assert release(hr_user, reservation, NOW, reason="Warteliste ist lang") == 3
    [note] = inbox(head)
    assert note.kind == "teambooking.reservation_released" and "Warteliste ist lang" in note.body
    _emp, plain = person()
    with pytest.raises(PermissionDenied):
        release(plain, reserve(head, session, unit, 1, NOW), NOW)


def test_the_tick_releases_at_the_release_date_once(db, app):
    unit, _sub, head, _a, _b = team()
    session = upcoming(capacity=4)
    reservation = reserve(head, session, unit, 2, NOW, release_at=NOW + timedelta(days=2))
    assert "0 Kontingent" in release_due(NOW + timedelta(days=1))
    assert "1 Kontingent" in release_due(NOW + timedelta(days=2))
    assert "0 Kontingent" in release_due(NOW + timedelta(days=3))
    db.session.refresh(reservation)
    assert reservation.released_at is not None and reservation.released_by_id is None
    db.session.refresh(session)
    assert session.reserved_seats == 0
    assert hr() is not None
