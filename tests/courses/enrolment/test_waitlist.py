"""The waiting list: automatic move-up, capacity changes, HR re-ranking and promotion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from courses.enrolment.cancellation import cancel
from courses.enrolment.models import EnrolmentState
from courses.enrolment.queries import session_roster, waitlist_position
from courses.enrolment.waitlist import change_capacity, promote_from_waitlist, rerank_waitlist
from tests.courses import factories as cf
from tests.courses.support import NOW, audit, head_of, hr, inbox, person, upcoming


def waiting_list(session):
    """The session's waiting list in order (rank, then id)."""
    db.session.flush()
    return [e for e, _ in session_roster(session).waitlist]


def full_session_with_queue(size=3, capacity=1, **fields):
    session = upcoming(capacity=capacity, **fields)
    seated = [cf.enrolment(session) for _ in range(capacity)]
    queue = [
        cf.enrolment(
            session,
            state=EnrolmentState.WAITLISTED,
            requested_at=NOW - timedelta(days=10) + timedelta(minutes=i),
        )
        for i in range(size)
    ]
    return session, seated, queue


def test_first_in_line_moves_up_lowest_rank_then_id(db, make):
    session = upcoming(capacity=1)
    seated = cf.enrolment(session)
    same_time = NOW - timedelta(days=3)
    later = cf.enrolment(
        session, state=EnrolmentState.WAITLISTED, requested_at=same_time + timedelta(seconds=1)
    )
    tie_a = cf.enrolment(session, state=EnrolmentState.WAITLISTED, requested_at=same_time)
    tie_b = cf.enrolment(session, state=EnrolmentState.WAITLISTED, requested_at=same_time)
    assert [waitlist_position(e) for e in (tie_a, tie_b, later)] == [1, 2, 3]
    cancel(hr(), seated, NOW)
    assert tie_a.state == EnrolmentState.CONFIRMED
    assert tie_a.confirmed_at == NOW
    assert (tie_b.state, later.state) == ("waitlisted", "waitlisted")
    assert waitlist_position(tie_b) == 1
    assert waitlist_position(tie_a) is None


def test_no_automatic_move_up_after_the_enrolment_deadline(db, make):
    session, [seated], queue = full_session_with_queue()
    staff = hr()
    after_deadline = session.enrolment_deadline + timedelta(minutes=1)
    cancel(staff, seated, after_deadline)
    assert [e.state for e in queue] == ["waitlisted"] * 3
    db.session.refresh(session)
    assert session.confirmed_count == 0
    # HR decides: promote the second person, with a reason
    with pytest.raises(ValidationFailed):
        promote_from_waitlist(staff, queue[1], " ", after_deadline)
    promote_from_waitlist(staff, queue[1], "Dringender Bedarf", after_deadline)
    assert queue[1].state == EnrolmentState.CONFIRMED
    db.session.refresh(session)
    assert session.confirmed_count == 1
    entry = audit(queue[1], "enrolment.promoted")[0]
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "waitlisted",
        "confirmed",
        "Dringender Bedarf",
    )
    # no seat left now
    with pytest.raises(Conflict):
        promote_from_waitlist(staff, queue[0], "auch", after_deadline)


def test_no_automatic_move_up_once_the_session_started(db, make):
    session, [seated], queue = full_session_with_queue(enrolment_deadline=NOW + timedelta(days=60))
    cancel(hr(), seated, session.starts_at + timedelta(minutes=5))
    assert [e.state for e in queue] == ["waitlisted"] * 3


def test_promotion_is_for_hr_and_notifies(db, make):
    dept = make.department()
    head = head_of(dept)
    session = upcoming(capacity=1)
    emp, me = person(dept)
    waiting = cf.enrolment(session, emp, state=EnrolmentState.WAITLISTED)
    with pytest.raises(PermissionDenied):
        promote_from_waitlist(me, waiting, "bitte", NOW)
    promote_from_waitlist(hr(), waiting, "frei", NOW)
    assert [n.kind for n in inbox(me)] == ["enrolment.moved_up"]
    assert [n.kind for n in inbox(head)] == ["enrolment.moved_up_head"]
    with pytest.raises(Conflict):  # not on the waiting list any more
        promote_from_waitlist(hr(), waiting, "frei", NOW)


def test_lowering_capacity_below_confirmed_is_refused(db, make):
    session = upcoming(capacity=3)
    cf.enrolment(session)
    cf.enrolment(session)
    with pytest.raises(ValidationFailed) as error:
        change_capacity(hr(), session, 1, NOW)
    assert error.value.params == {"count": 2}
    assert "2" in str(error.value)
    db.session.refresh(session)
    assert session.capacity == 3
    change_capacity(hr(), session, 2, NOW)
    assert session.capacity == 2
    with pytest.raises(ValidationFailed):
        change_capacity(hr(), session, -1, NOW)


def test_raising_capacity_moves_people_up(db, make):
    staff = hr()
    session, _, queue = full_session_with_queue(size=3, capacity=1)
    change_capacity(staff, session, 3, NOW)
    assert [e.state for e in queue] == ["confirmed", "confirmed", "waitlisted"]
    assert session.capacity == 3
    assert session.confirmed_count == 3
    assert audit(queue[0], "enrolment.moved_up")[0].details == {"automatic": True}
    [entry] = db.session.query(AuditLogEntry).filter_by(
        action="session.capacity_changed", object_id=str(session.id)
    )
    assert entry.details == {"from": 1, "to": 3}
    assert entry.actor_id == staff.id


def test_raising_capacity_after_the_deadline_moves_nobody(db, make):
    session, _, queue = full_session_with_queue(size=2, capacity=1)
    change_capacity(hr(), session, 5, session.enrolment_deadline)
    assert [e.state for e in queue] == ["waitlisted", "waitlisted"]


def test_capacity_is_hr_business(db, make):
    _, me = person()
    with pytest.raises(PermissionDenied):
        change_capacity(me, upcoming(), 20, NOW)
    cancelled = upcoming(cancelled_at=NOW, cancel_reason="x")
    with pytest.raises(Conflict):
        change_capacity(hr(), cancelled, 20, NOW)


def test_move_up_passes_over_someone_with_a_clash(db, make):
    session, [seated], [busy, free] = full_session_with_queue(size=2)
    cf.enrolment(upcoming(starts_at=session.starts_at), busy.employee)  # confirmed elsewhere
    cancel(hr(), seated, NOW)
    assert busy.state == EnrolmentState.WAITLISTED
    assert free.state == EnrolmentState.CONFIRMED
    assert waitlist_position(busy) == 1


def test_rerank_with_a_reason(db, make):
    staff = hr()
    session, _, queue = full_session_with_queue(size=4)
    a, b, c, d = queue
    with pytest.raises(ValidationFailed):
        rerank_waitlist(staff, d, 1, "", NOW)
    with pytest.raises(ValidationFailed):
        rerank_waitlist(staff, d, 0, "Härtefall", NOW)
    rerank_waitlist(staff, d, 1, "Härtefall", NOW)
    assert waiting_list(session) == [d, a, b, c]
    rerank_waitlist(staff, a, 3, "getauscht", NOW)
    assert waiting_list(session) == [d, b, a, c]
    rerank_waitlist(staff, d, 99, "doch nicht", NOW)  # past the end: last
    assert waiting_list(session) == [b, a, c, d]
    assert [waitlist_position(e) for e in (b, a, c, d)] == [1, 2, 3, 4]
    entry = audit(a, "enrolment.reranked")[0]
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "waitlisted",
        "waitlisted",
        "getauscht",
    )
    assert (entry.details["from_position"], entry.details["to_position"]) == (2, 3)
    # the next free seat goes to the new first
    change_capacity(staff, session, 2, NOW)
    assert b.state == EnrolmentState.CONFIRMED


def test_rerank_keeps_order_when_ranks_run_out(db, make):
    staff = hr()
    session, _, queue = full_session_with_queue(size=3)
    first, second, third = queue
    order = [first, second, third]
    # move the last one to place 2 again and again: the gap halves each time
    for i in range(80):
        mover = order[2]
        rerank_waitlist(staff, mover, 2, f"Runde {i}", NOW)
        order = [order[0], mover, order[1]]
        assert waiting_list(session) == order


def test_rerank_and_promote_need_a_waiting_person(db, make):
    session = upcoming()
    confirmed = cf.enrolment(session)
    with pytest.raises(Conflict):
        rerank_waitlist(hr(), confirmed, 1, "x", NOW)
    _, me = person()
    waiting = cf.enrolment(upcoming(capacity=0), state=EnrolmentState.WAITLISTED)
    with pytest.raises(PermissionDenied):
        rerank_waitlist(me, waiting, 1, "x", NOW)
