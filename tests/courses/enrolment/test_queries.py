"""Read-side queries: waiting-list positions, roster, approval inbox, learning record —
with a fixed number of statements however many rows there are."""

from __future__ import annotations

from datetime import date, timedelta

from academy.extensions import db as ext_db
from courses.enrolment.models import EnrolmentState
from courses.enrolment.queries import (
    approval_inbox,
    my_learning,
    session_roster,
    waitlist_position,
    waitlist_positions,
)
from tests.courses import factories as cf
from tests.courses.support import NOW, head_of, hr, person, upcoming
from tests.querycount import count_queries


def test_waitlist_positions_in_one_query(db, make):
    session = upcoming(capacity=0)
    queue = [
        cf.enrolment(
            session, state=EnrolmentState.WAITLISTED, requested_at=NOW + timedelta(minutes=i)
        )
        for i in range(4)
    ]
    confirmed = cf.enrolment(upcoming())
    with count_queries(ext_db.engine) as queries:
        positions = waitlist_positions([*queue, confirmed])
    assert queries.count == 1, str(queries)
    assert positions == {e.id: i for i, e in enumerate(queue, 1)}
    assert waitlist_position(queue[2]) == 3
    assert waitlist_position(confirmed) is None


def test_session_roster_groups_in_one_query(db, make):
    session = upcoming(capacity=3)
    bauer = cf.enrolment(session, make.employee(last_name="Bauer"))
    adler = cf.enrolment(session, make.employee(last_name="Adler"), state=EnrolmentState.ATTENDED)
    second = cf.enrolment(session, state=EnrolmentState.WAITLISTED, requested_at=NOW)
    first = cf.enrolment(
        session, state=EnrolmentState.WAITLISTED, requested_at=NOW - timedelta(hours=1)
    )
    pending = cf.enrolment(session, state=EnrolmentState.PENDING)
    gone = cf.enrolment(session, state=EnrolmentState.CANCELLED)
    ext_db.session.expire_all()
    ext_db.session.refresh(session)
    with count_queries(ext_db.engine) as queries:
        roster = session_roster(session)
        names = [e.employee.last_name for e in roster.participants]
        departments = [e.employee.department.name for e in roster.participants]
    assert queries.count == 1, str(queries)
    assert names == ["Adler", "Bauer"]
    assert len(departments) == 2
    assert [(e.id, p) for e, p in roster.waitlist] == [(first.id, 1), (second.id, 2)]
    assert [e.id for e in roster.pending] == [pending.id]
    assert [e.id for e in roster.closed] == [gone.id]
    assert {bauer.id, adler.id} == {e.id for e in roster.participants}


def test_approval_inbox_hr_sees_all_heads_their_subtree(db, make):
    top = make.department()
    dept = make.department(parent=top)
    other = make.department()
    head = head_of(dept)
    staff = hr()
    course = cf.course(requires_approval=True)
    session = upcoming(course)
    mine = [cf.enrolment(session, make.employee(dept), state="pending_approval") for _ in range(3)]
    own = cf.enrolment(session, head.employee, state="pending_approval")
    foreign = cf.enrolment(session, make.employee(other), state="pending_approval")
    cf.enrolment(session, make.employee(dept), state="confirmed")
    page = approval_inbox(head, EnrolmentState.PENDING.value, 1)
    assert [e.id for e in page.items] == [e.id for e in mine]
    hr_ids = {e.id for e in approval_inbox(staff, EnrolmentState.PENDING.value, 1, 100).items}
    assert {own.id, foreign.id, *(e.id for e in mine)} <= hr_ids
    _, nobody = person()
    assert approval_inbox(nobody, EnrolmentState.PENDING.value, 1).items == []
    assert approval_inbox(head, None, 1).total == 4  # every state, own never
    small = approval_inbox(head, EnrolmentState.PENDING.value, 2, per_page=2)
    assert [e.id for e in small.items] == [mine[2].id]


def test_approval_inbox_query_count_does_not_grow(db, make):
    dept = make.department()
    head = head_of(dept)
    session = upcoming(cf.course(requires_approval=True))

    def load():
        ext_db.session.expire_all()
        head._scope = None
        head._headed_department_ids = None
        with count_queries(ext_db.engine) as queries:
            page = approval_inbox(head, EnrolmentState.PENDING.value, 1)
            for e in page.items:
                _ = (e.employee.full_name, e.employee.department.name, e.session.course.title)
        return queries.count

    cf.enrolment(session, make.employee(dept), state="pending_approval")
    one = load()
    for _ in range(5):
        cf.enrolment(
            upcoming(cf.course(requires_approval=True)),
            make.employee(dept),
            state="pending_approval",
        )
    assert load() == one


def test_my_learning_groups_positions_and_ue(db, make):
    emp, _ = person()
    ue8 = cf.course(duration_ue=8)
    ue4 = cf.course(duration_ue=4)
    soon = upcoming(days=10)
    later = upcoming(days=20)
    upcoming_confirmed = [cf.enrolment(later, emp), cf.enrolment(soon, emp)]
    full = upcoming(capacity=0)
    cf.enrolment(full, state=EnrolmentState.WAITLISTED, requested_at=NOW - timedelta(days=2))
    waiting = cf.enrolment(
        full, emp, state=EnrolmentState.WAITLISTED, requested_at=NOW - timedelta(days=1)
    )
    pending = cf.enrolment(
        upcoming(cf.course(requires_approval=True)), emp, state="pending_approval"
    )
    done_2029 = cf.enrolment(
        upcoming(ue8, days=-100), emp, state="completed", completed_on=date(2029, 11, 25)
    )
    cf.enrolment(upcoming(ue4, days=-10), emp, state="completed", completed_on=date(2030, 2, 22))
    cf.enrolment(upcoming(days=-5), emp, state="completed", completed_on=date(2030, 2, 27))
    failed = cf.enrolment(upcoming(days=-30), emp, state="failed")
    gone = cf.enrolment(upcoming(days=40), emp, state="cancelled")
    unmarked = cf.enrolment(upcoming(days=-2), emp, state="confirmed")  # over, not yet marked
    cf.enrolment(upcoming(), state="confirmed")  # someone else's
    ext_db.session.expire_all()
    ext_db.session.refresh(emp)
    with count_queries(ext_db.engine) as queries:
        record = my_learning(emp, NOW)
        for e in record.upcoming + record.pending + record.history:
            _ = (e.session.course.title, e.session.starts_at)
        for e, _ in record.waitlisted:
            _ = e.session.course.title
    assert queries.count == 2, str(queries)
    assert [e.id for e in record.upcoming] == [upcoming_confirmed[1].id, upcoming_confirmed[0].id]
    assert [e.id for e in record.pending] == [pending.id]
    assert [(e.id, p) for e, p in record.waitlisted] == [(waiting.id, 2)]
    history_ids = [e.id for e in record.history]
    assert {done_2029.id, failed.id, gone.id, unmarked.id} <= set(history_ids)
    assert len(history_ids) == 6
    assert record.ue_per_year == {2030: 4 + 8, 2029: 8}
