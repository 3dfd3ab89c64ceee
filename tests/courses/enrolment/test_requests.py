"""Requesting, approving, declining and cancelling enrolments (DOMAIN.md, Enrolment
lifecycle), service by service, with the audit entries and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.accounts.models import Role
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from courses.catalogue.models import CourseFormat
from courses.enrolment import eligibility
from courses.enrolment.cancellation import cancel, cancel_session
from courses.enrolment.eligibility import enrolment_blockers
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.requests import (
    approve,
    approve_many,
    approver_for,
    decline,
    request_enrolment,
)
from tests.courses import factories as cf
from tests.courses.support import NOW, audit, head_of, hr, inbox, person, upcoming

# ---------------------------------------------------------------------------
# Request without approval
# ---------------------------------------------------------------------------


def test_request_confirms_when_a_seat_is_free(db, make):
    emp, me = person()
    session = upcoming(capacity=2)
    enrolment = request_enrolment(me, emp, session, NOW)
    assert enrolment.state == EnrolmentState.CONFIRMED
    assert enrolment.confirmed_at == NOW
    assert enrolment.requested_at == NOW
    assert enrolment.requested_by_id == me.id
    assert enrolment.course_id == session.course_id
    db.session.refresh(session)
    assert session.confirmed_count == 1
    [entry] = audit(enrolment)
    assert entry.action == "enrolment.requested"
    assert (entry.from_state, entry.to_state) == (None, "confirmed")
    assert entry.actor_id == me.id
    [note] = inbox(me)
    assert note.kind == "enrolment.confirmed"
    assert session.course.title in note.body
    assert note.link is not None and note.link.startswith("/kurse")


def test_request_waitlists_when_full_ordered_by_request_time(db, make):
    session = upcoming(capacity=1)
    cf.enrolment(session, state=EnrolmentState.CONFIRMED)
    first_emp, first = person()
    second_emp, second = person()
    a = request_enrolment(first, first_emp, session, NOW)
    b = request_enrolment(second, second_emp, session, NOW + timedelta(minutes=1))
    assert a.state == b.state == EnrolmentState.WAITLISTED
    assert a.waitlist_rank == NOW.timestamp()
    assert a.waitlist_rank < b.waitlist_rank
    db.session.refresh(session)
    assert session.confirmed_count == 1
    assert audit(b)[0].to_state == "waitlisted"
    [note] = inbox(second)
    assert note.kind == "enrolment.waitlisted"
    assert " 2 " in note.body  # position 2 on the list


def test_one_active_enrolment_per_course(db, make):
    emp, me = person()
    course = cf.course()
    first = upcoming(course)
    other = upcoming(course, days=40)
    request_enrolment(me, emp, first, NOW)
    with pytest.raises(Conflict):
        request_enrolment(me, emp, first, NOW)
    with pytest.raises(Conflict):
        request_enrolment(me, emp, other, NOW)
    assert "There is already an active enrolment for this course." in enrolment_blockers(
        emp, other, NOW
    )


def test_cancelled_enrolment_allows_a_new_one(db, make):
    emp, me = person()
    session = upcoming()
    old = request_enrolment(me, emp, session, NOW)
    cancel(me, old, NOW)
    new = request_enrolment(me, emp, session, NOW + timedelta(hours=1))
    assert new.id != old.id
    assert new.state == EnrolmentState.CONFIRMED


def test_database_index_backs_up_the_service_check(db, make, monkeypatch):
    """Two requests that both passed the check: the partial unique index refuses the
    second and the service turns that into a Conflict (the transaction stays usable)."""
    emp, me = person()
    session = upcoming()
    cf.enrolment(session, emp, state=EnrolmentState.WAITLISTED)
    monkeypatch.setattr(eligibility, "check", lambda *args: [])
    with pytest.raises(Conflict):
        request_enrolment(me, emp, upcoming(session.course, days=50), NOW)
    count = db.session.query(Enrolment).filter_by(employee_id=emp.id).count()
    assert count == 1


def test_only_oneself_or_hr(db, make):
    _, me = person()
    other_emp, _ = person()
    session = upcoming()
    with pytest.raises(PermissionDenied):
        request_enrolment(me, other_emp, session, NOW)
    staff = hr()
    enrolment = request_enrolment(staff, other_emp, session, NOW)
    assert enrolment.requested_by_id == staff.id
    assert enrolment.state == EnrolmentState.CONFIRMED


def test_blockers_empty_when_allowed(db, make):
    emp, _ = person()
    assert enrolment_blockers(emp, upcoming(), NOW) == []


# ---------------------------------------------------------------------------
# Rules: prerequisites, deadline, session state, clashes; HR override
# ---------------------------------------------------------------------------


def test_prerequisites_must_be_completed(db, make):
    emp, me = person()
    basics = cf.course("Scrum Grundlagen")
    advanced = cf.course("Scrum Master", prerequisites=[basics])
    session = upcoming(advanced)
    blockers = enrolment_blockers(emp, session, NOW)
    assert blockers == ["Prerequisite not completed: Scrum Grundlagen"]
    assert blockers[0].overridable
    with pytest.raises(ValidationFailed) as error:
        request_enrolment(me, emp, session, NOW)
    assert error.value.params == {"course": "Scrum Grundlagen"}
    # attended is not enough, completed is
    attended = cf.enrolment(upcoming(basics, days=-20), emp, state=EnrolmentState.ATTENDED)
    assert enrolment_blockers(emp, session, NOW)
    attended.state = EnrolmentState.COMPLETED.value
    db.session.flush()
    assert enrolment_blockers(emp, session, NOW) == []
    assert request_enrolment(me, emp, session, NOW).state == EnrolmentState.CONFIRMED


def test_no_request_after_the_enrolment_deadline(db, make):
    emp, me = person()
    session = upcoming(days=5)  # deadline was 2 days ago
    assert enrolment_blockers(emp, session, NOW) == ["The enrolment deadline has passed."]
    with pytest.raises(ValidationFailed):
        request_enrolment(me, emp, session, NOW)


def test_hr_overrides_with_a_recorded_reason(db, make):
    emp, _ = person()
    staff = hr()
    basics = cf.course()
    session = upcoming(cf.course(prerequisites=[basics]), days=5)
    with pytest.raises(ValidationFailed):  # HR, but without a reason
        request_enrolment(staff, emp, session, NOW)
    enrolment = request_enrolment(
        staff, emp, session, NOW, override_reason="  Vorkenntnisse aus dem Studium  "
    )
    assert enrolment.state == EnrolmentState.CONFIRMED
    assert enrolment.override_reason == "Vorkenntnisse aus dem Studium"
    [entry] = audit(enrolment, "enrolment.requested")
    assert entry.reason == "Vorkenntnisse aus dem Studium"
    assert set(entry.details["overridden"]) == {
        "The enrolment deadline has passed.",
        "Prerequisite not completed: %(course)s",
    }


def test_only_hr_may_override(db, make):
    emp, me = person()
    with pytest.raises(PermissionDenied):
        request_enrolment(me, emp, upcoming(days=5), NOW, override_reason="bitte")


@pytest.mark.parametrize("problem", ["cancelled", "started"])
def test_no_request_for_cancelled_or_started_sessions_even_by_hr(db, make, problem):
    emp, me = person()
    if problem == "cancelled":
        session = upcoming(cancelled_at=NOW - timedelta(days=1), cancel_reason="krank")
    else:
        session = upcoming(days=0)  # started at 09:00 Berlin, NOW is 10:00
        assert session.starts_at < NOW
    assert enrolment_blockers(emp, session, NOW)
    with pytest.raises(ValidationFailed):
        request_enrolment(me, emp, session, NOW)
    with pytest.raises(ValidationFailed):
        request_enrolment(hr(), emp, session, NOW, override_reason="trotzdem")


def test_archived_course_and_inactive_employee_are_blocked(db, make):
    emp, _ = person()
    session = upcoming()
    session.course.archived = True
    db.session.flush()
    assert enrolment_blockers(emp, session, NOW) == ["This course is no longer offered."]
    session.course.archived = False
    emp.active = False
    db.session.flush()
    with pytest.raises(ValidationFailed):
        request_enrolment(hr(), emp, session, NOW, override_reason="x")


def test_time_clash_with_confirmed_sessions_only(db, make):
    emp, me = person()
    mine = upcoming()
    cf.enrolment(mine, emp, state=EnrolmentState.CONFIRMED)
    overlapping = upcoming(starts_at=mine.starts_at + timedelta(hours=3))
    later = upcoming(starts_at=mine.ends_at)  # touching is not overlapping
    assert enrolment_blockers(emp, overlapping, NOW) == [
        "You already have a confirmed session at that time."
    ]
    assert enrolment_blockers(emp, later, NOW) == []
    with pytest.raises(ValidationFailed):
        request_enrolment(me, emp, overlapping, NOW)
    # a waiting-list place or a cancelled session does not clash
    other_emp, _ = person()
    cf.enrolment(mine, other_emp, state=EnrolmentState.WAITLISTED)
    assert enrolment_blockers(other_emp, overlapping, NOW) == []
    mine.cancelled_at = NOW
    db.session.flush()
    assert enrolment_blockers(emp, overlapping, NOW) == []


def test_hr_overrides_a_clash(db, make):
    emp, _ = person()
    mine = upcoming()
    cf.enrolment(mine, emp, state=EnrolmentState.CONFIRMED)
    overlapping = upcoming(starts_at=mine.starts_at)
    enrolment = request_enrolment(hr(), emp, overlapping, NOW, override_reason="Halbtags")
    assert enrolment.state == EnrolmentState.CONFIRMED
    assert enrolment.override_reason == "Halbtags"


def test_blocker_is_translatable(db, make, app):
    emp, _ = person()
    basics = cf.course("Kanban")
    [blocker] = enrolment_blockers(emp, upcoming(cf.course(prerequisites=[basics])), NOW)
    assert blocker.message == "Prerequisite not completed: %(course)s"
    assert blocker.params == {"course": "Kanban"}
    assert "Kanban" in blocker.translated()


# ---------------------------------------------------------------------------
# Approval
# ---------------------------------------------------------------------------


def test_approval_request_holds_no_seat_and_tells_the_head(db, make):
    dept = make.department()
    head = head_of(dept)
    emp, me = person(dept)
    session = upcoming(cf.course(requires_approval=True), capacity=1)
    enrolment = request_enrolment(me, emp, session, NOW)
    assert enrolment.state == EnrolmentState.PENDING
    db.session.refresh(session)
    assert session.confirmed_count == 0
    [entry] = audit(enrolment)
    assert (entry.action, entry.from_state, entry.to_state) == (
        "enrolment.requested",
        None,
        "pending_approval",
    )
    [note] = inbox(head, "enrolment.approval_requested")
    assert emp.full_name in note.subject
    assert inbox(me) == []


def test_approver_walks_up_the_tree(db, make):
    top = make.department()
    middle = make.department(parent=top)
    leaf = make.department(parent=middle)
    emp, _ = person(leaf)
    assert approver_for(emp) is None  # nobody: HR decides
    top_head = head_of(top)
    assert approver_for(emp) == top_head
    middle_head = head_of(middle)
    assert approver_for(emp) == middle_head
    # the head of the employee's own department is the employee: the next one up
    leaf.head = emp
    db.session.flush()
    assert approver_for(emp) == middle_head
    # a head without an account cannot decide: the next one up
    middle.head = make.employee(middle)
    db.session.flush()
    assert approver_for(emp) == top_head


def test_without_a_head_hr_is_asked(db, make):
    emp, me = person()
    staff, other_staff = hr(), hr()
    request_enrolment(me, emp, upcoming(cf.course(requires_approval=True)), NOW)
    assert len(inbox(staff, "enrolment.approval_requested")) == 1
    assert len(inbox(other_staff, "enrolment.approval_requested")) == 1


def test_approve_gives_a_seat(db, make):
    dept = make.department()
    head = head_of(dept)
    emp, me = person(dept)
    session = upcoming(cf.course(requires_approval=True))
    enrolment = request_enrolment(me, emp, session, NOW)
    later = NOW + timedelta(days=1)
    approve(head, enrolment, later)
    assert enrolment.state == EnrolmentState.CONFIRMED
    assert (enrolment.decided_by_id, enrolment.decided_at) == (head.id, later)
    db.session.refresh(session)
    assert session.confirmed_count == 1
    entry = audit(enrolment, "enrolment.approved")[0]
    assert (entry.from_state, entry.to_state, entry.actor_id) == (
        "pending_approval",
        "confirmed",
        head.id,
    )
    assert [n.kind for n in inbox(me)] == ["enrolment.approved"]


def test_approval_when_full_waitlists_by_original_request_time(db, make):
    dept = make.department()
    head = head_of(dept)
    session = upcoming(cf.course(requires_approval=True), capacity=1)
    cf.enrolment(session, state=EnrolmentState.CONFIRMED)
    early_emp, early = person(dept)
    late_emp, late = person(dept)
    first = request_enrolment(early, early_emp, session, NOW)
    second = request_enrolment(late, late_emp, session, NOW + timedelta(hours=1))
    # approved in the opposite order: the earlier request still comes first
    approve(head, second, NOW + timedelta(days=1))
    approve(head, first, NOW + timedelta(days=2))
    assert first.state == second.state == EnrolmentState.WAITLISTED
    assert first.waitlist_rank == NOW.timestamp()
    assert first.waitlist_rank < second.waitlist_rank
    [note] = inbox(early)
    assert note.kind == "enrolment.approved"
    assert " 1 " in note.body


def test_who_may_approve(db, make):
    top = make.department()
    dept = make.department(parent=top)
    other = make.department()
    head, top_head, other_head = head_of(dept), head_of(top), head_of(other)
    emp, me = person(dept)
    enrolment = request_enrolment(me, emp, upcoming(cf.course(requires_approval=True)), NOW)
    assert can(head, "enrolment.approve", enrolment)
    assert can(top_head, "enrolment.approve", enrolment)
    assert can(hr(), "enrolment.approve", enrolment)
    assert not can(other_head, "enrolment.approve", enrolment)
    assert not can(me, "enrolment.approve", enrolment)
    with pytest.raises(PermissionDenied):
        approve(other_head, enrolment, NOW)
    with pytest.raises(PermissionDenied):
        decline(me, enrolment, "nein", NOW)
    assert enrolment.state == EnrolmentState.PENDING


def test_head_cannot_approve_own_request(db, make):
    top = make.department()
    dept = make.department(parent=top)
    head = head_of(dept)
    top_head = head_of(top)
    own = request_enrolment(head, head.employee, upcoming(cf.course(requires_approval=True)), NOW)
    assert approver_for(head.employee) == top_head
    assert not can(head, "enrolment.approve", own)
    with pytest.raises(PermissionDenied):
        approve(head, own, NOW)
    approve(top_head, own, NOW)
    assert own.state == EnrolmentState.CONFIRMED


def test_approve_twice_or_after_the_deadline_is_refused(db, make):
    staff = hr()
    emp, me = person()
    session = upcoming(cf.course(requires_approval=True))
    decided = request_enrolment(me, emp, session, NOW)
    approve(staff, decided, NOW)
    with pytest.raises(Conflict):
        approve(staff, decided, NOW)
    other_emp, other = person()
    late = request_enrolment(other, other_emp, session, NOW)
    with pytest.raises(Conflict):
        approve(staff, late, session.enrolment_deadline)
    assert late.state == EnrolmentState.PENDING


def test_decline_needs_a_reason_and_tells_the_employee(db, make):
    staff = hr()
    emp, me = person()
    enrolment = request_enrolment(me, emp, upcoming(cf.course(requires_approval=True)), NOW)
    with pytest.raises(ValidationFailed):
        decline(staff, enrolment, "   ", NOW)
    decline(staff, enrolment, "Dienstliche Gründe", NOW)
    assert enrolment.state == EnrolmentState.DECLINED
    assert enrolment.decline_reason == "Dienstliche Gründe"
    entry = audit(enrolment, "enrolment.declined")[0]
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "pending_approval",
        "declined",
        "Dienstliche Gründe",
    )
    [note] = inbox(me)
    assert note.kind == "enrolment.declined"
    assert "Dienstliche Gründe" in note.body
    with pytest.raises(Conflict):
        approve(staff, enrolment, NOW)


def test_approve_many_skips_requests_already_decided(db, make):
    staff = hr()
    session = upcoming(cf.course(requires_approval=True), capacity=5)
    requests = []
    for _ in range(3):
        emp, me = person()
        requests.append(request_enrolment(me, emp, session, NOW))
    decline(staff, requests[1], "nein", NOW)
    approved = approve_many(staff, requests, NOW)
    assert [e.id for e in approved] == [requests[0].id, requests[2].id]
    assert [e.state for e in requests] == ["confirmed", "declined", "confirmed"]
    db.session.refresh(session)
    assert session.confirmed_count == 2


# ---------------------------------------------------------------------------
# Cancellation
# ---------------------------------------------------------------------------


def test_employee_cancels_before_the_deadline_and_the_next_moves_up(db, make):
    dept = make.department()
    head = head_of(dept)
    session = upcoming(capacity=1)
    emp, me = person()
    mine = request_enrolment(me, emp, session, NOW)
    waiting_emp, waiting = person(dept)
    moved = request_enrolment(waiting, waiting_emp, session, NOW + timedelta(minutes=5))
    assert moved.state == EnrolmentState.WAITLISTED
    cancel(me, mine, NOW + timedelta(days=1), reason="Urlaub")
    assert mine.state == EnrolmentState.CANCELLED
    assert mine.late_cancellation is False
    assert (mine.cancelled_by_id, mine.cancel_reason) == (me.id, "Urlaub")
    assert moved.state == EnrolmentState.CONFIRMED
    assert moved.waitlist_rank is None
    db.session.refresh(session)
    assert session.confirmed_count == 1
    entry = audit(mine, "enrolment.cancelled")[0]
    assert (entry.from_state, entry.to_state, entry.reason) == ("confirmed", "cancelled", "Urlaub")
    assert entry.details == {"late": False}
    up = audit(moved, "enrolment.moved_up")[0]
    assert (up.from_state, up.to_state) == ("waitlisted", "confirmed")
    assert [n.kind for n in inbox(waiting)][-1] == "enrolment.moved_up"
    assert [n.kind for n in inbox(head)] == ["enrolment.moved_up_head"]
    assert "enrolment.cancelled" in [n.kind for n in inbox(me)]


def test_after_the_cancellation_deadline_only_hr_or_trainer_and_it_is_late(db, make):
    trainer = make.user(Role.TRAINER, with_employee=False)
    session = upcoming(trainer=trainer)
    emp, me = person()
    a = cf.enrolment(session, emp)
    late = session.cancellation_deadline + timedelta(minutes=1)
    with pytest.raises(PermissionDenied):
        cancel(me, a, late)
    assert a.state == EnrolmentState.CONFIRMED
    cancel(trainer, a, late, reason="krank gemeldet")
    assert a.late_cancellation is True
    assert audit(a, "enrolment.cancelled")[0].details == {"late": True}
    b = cf.enrolment(session)
    cancel(hr(), b, late)
    assert b.late_cancellation is True
    db.session.refresh(session)
    assert session.confirmed_count == 0


def test_waiting_list_place_can_be_given_up_after_the_deadline(db, make):
    session = upcoming(capacity=0)
    emp, me = person()
    waiting = cf.enrolment(session, emp, state=EnrolmentState.WAITLISTED)
    cancel(me, waiting, session.cancellation_deadline + timedelta(hours=1))
    assert waiting.state == EnrolmentState.CANCELLED
    assert waiting.late_cancellation is False
    assert waiting.waitlist_rank is None


def test_who_may_cancel(db, make):
    dept = make.department()
    head = head_of(dept)
    outsider = make.user()
    other_trainer = make.user(Role.TRAINER, with_employee=False)
    emp, _ = person(dept)
    session = upcoming()
    enrolment = cf.enrolment(session, emp)
    assert not can(outsider, "enrolment.cancel", enrolment)
    with pytest.raises(PermissionDenied):
        cancel(outsider, enrolment, NOW)
    with pytest.raises(PermissionDenied):
        cancel(other_trainer, enrolment, NOW)
    cancel(head, enrolment, NOW)
    assert enrolment.state == EnrolmentState.CANCELLED
    assert enrolment.cancelled_by_id == head.id


def test_pending_request_can_be_withdrawn_and_finished_ones_not(db, make):
    emp, me = person()
    pending = request_enrolment(me, emp, upcoming(cf.course(requires_approval=True)), NOW)
    cancel(me, pending, NOW)
    assert pending.state == EnrolmentState.CANCELLED
    done = cf.enrolment(upcoming(days=-10), emp, state=EnrolmentState.COMPLETED)
    with pytest.raises(Conflict):
        cancel(hr(), done, NOW)
    with pytest.raises(Conflict):
        cancel(me, pending, NOW)


def test_cancel_session_cancels_everyone_and_tells_them(db, make):
    staff = hr()
    session = upcoming(capacity=1, cancellation_deadline=NOW - timedelta(days=1))
    people = [person() for _ in range(3)]
    confirmed = cf.enrolment(session, people[0][0])
    waiting = cf.enrolment(session, people[1][0], state=EnrolmentState.WAITLISTED)
    pending = cf.enrolment(session, people[2][0], state=EnrolmentState.PENDING)
    gone = cf.enrolment(session, state=EnrolmentState.CANCELLED)
    with pytest.raises(PermissionDenied):
        cancel_session(people[0][1], session, "Trainer krank", NOW)
    with pytest.raises(ValidationFailed):
        cancel_session(staff, session, "", NOW)
    assert cancel_session(staff, session, "Trainer krank", NOW) == 3
    assert session.cancelled_at == NOW
    assert session.cancel_reason == "Trainer krank"
    assert session.confirmed_count == 0
    for enrolment in (confirmed, waiting, pending):
        assert enrolment.state == EnrolmentState.CANCELLED
        assert enrolment.late_cancellation is False
        assert enrolment.cancel_reason == "Trainer krank"
        assert audit(enrolment, "enrolment.cancelled")[0].reason == "Trainer krank"
    assert gone.state == EnrolmentState.CANCELLED
    for _, account in people:
        [note] = inbox(account)
        assert note.kind == "session.cancelled"
        assert "Trainer krank" in note.body
    with pytest.raises(Conflict):
        cancel_session(staff, session, "nochmal", NOW)


def test_cancel_session_after_attendance_is_refused(db, make):
    session = upcoming(days=-1)
    cf.enrolment(session, state=EnrolmentState.ATTENDED)
    with pytest.raises(Conflict):
        cancel_session(hr(), session, "zu spät", NOW)
    assert session.cancelled_at is None


def test_employee_without_account_gets_no_notification(db, make):
    emp = make.employee()
    session = upcoming()
    enrolment = request_enrolment(hr(), emp, session, NOW)
    assert enrolment.state == EnrolmentState.CONFIRMED  # and nothing failed


def test_self_paced_courses_never_clash(db, make):
    emp, _ = person()
    elearning = upcoming(cf.course(format=CourseFormat.SELF_PACED.value))
    elearning.ends_at = elearning.starts_at + timedelta(weeks=6)
    cf.enrolment(elearning, emp, state=EnrolmentState.CONFIRMED)
    workshop = upcoming(starts_at=elearning.starts_at + timedelta(days=3))
    assert enrolment_blockers(emp, workshop, NOW) == []
    cf.enrolment(workshop, emp, state=EnrolmentState.CONFIRMED)
    another = upcoming(cf.course(format=CourseFormat.SELF_PACED.value))
    assert enrolment_blockers(emp, another, NOW) == []
