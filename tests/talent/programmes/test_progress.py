"""Running cohorts: progress against the schedule (hand-computed), constant query count,
and the services — mentor, sign-off and taking it back, drop-out, graduation (by the last
sign-off and by a completed course)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role, User
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.org.models import Employee
from courses.enrolment.attendance import mark_attendance, record_result
from courses.enrolment.models import EnrolmentState
from talent.programmes import milestones as ms
from talent.programmes.cohort_models import CohortMember, MilestoneSignoff
from talent.programmes.models import Cohort, CohortStatus, MemberState, Programme
from talent.programmes.progress import cohort_progress, member_progress, mentees_progress
from talent.programmes.signals import programme_graduated
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import hr, inbox, person
from tests.querycount import count_queries
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW

TODAY = NOW.date()  # 4 March 2030 (Berlin)
START = TODAY - timedelta(days=100)  # 24 November 2029


def running(prog: Programme, starts: date = START) -> Cohort:
    return pf.cohort(
        prog,
        status=CohortStatus.RUNNING,
        opens=starts - timedelta(days=90),
        closes=starts - timedelta(days=60),
        starts=starts,
        ends=starts + timedelta(days=540),
        criteria=(),
    )


def setup_programme(milestones: int = 2) -> tuple[Programme, list, Cohort]:
    """Courses A (due day 30), B (day 60); milestones due day 90, 180."""
    courses = [cf.course(title="A Datenkompetenz", duration_ue=8), cf.course(title="B Scrum")]
    prog = pf.programme(courses=courses, milestones=milestones)
    return prog, courses, running(prog)


def audit_of(member: CohortMember, action: str) -> list[AuditLogEntry]:
    return list(
        db.session.scalars(
            select(AuditLogEntry).where(
                AuditLogEntry.object_type == "cohort_member",
                AuditLogEntry.object_id == str(member.id),
                AuditLogEntry.action == action,
            )
        )
    )


# ---------------------------------------------------------------------------
# Progress maths
# ---------------------------------------------------------------------------


def test_items_due_dates_overdue_and_next_item(db):
    prog, (a, b), cohort = setup_programme()
    m1, _m2 = prog.milestones
    emp = factories.employee()
    member = pf.member(cohort, emp)
    cf.completion(emp, a, on=date(2029, 1, 15))  # before the cohort started: counts
    pf.signoff(member, m1, met_on=TODAY - timedelta(days=12))

    p = member_progress([member], TODAY)[member.id]

    assert [(i.kind, i.title, i.due_on) for i in p.items] == [
        ("course", "A Datenkompetenz", date(2029, 12, 24)),  # START + 30
        ("course", "B Scrum", date(2030, 1, 23)),  # START + 60
        ("milestone", "Meilenstein 1", date(2030, 2, 22)),  # START + 90
        ("milestone", "Meilenstein 2", date(2030, 5, 23)),  # START + 180
    ]
    assert [i.done_on for i in p.items] == [
        date(2029, 1, 15),
        None,
        TODAY - timedelta(days=12),
        None,
    ]
    assert [i.overdue for i in p.items] == [False, True, False, False]
    assert (p.done, p.total, p.percent, p.due_by_today) == (2, 4, 50, 3)
    assert p.behind is True
    assert p.next_item is p.items[1]
    assert p.items[1].course_id == b.id and p.items[0].course_id == a.id
    assert p.items[2].id == m1.id and p.items[2].milestone_kind == m1.kind


def test_percent_is_rounded_down_and_due_today_is_not_overdue(db):
    course = cf.course()
    prog = pf.programme(courses=[course], course_offsets=[100], milestones=2)  # 100, 90, 180
    emp = factories.employee()
    member = pf.member(running(prog), emp)
    pf.signoff(member, prog.milestones[0], met_on=TODAY)

    p = member_progress([member], TODAY)[member.id]

    assert [i.due_on for i in p.items] == [
        TODAY - timedelta(days=10),
        TODAY,
        START + timedelta(180),
    ]
    assert (p.done, p.total, p.percent, p.due_by_today) == (1, 3, 33, 2)
    assert p.behind is False  # the course is due today, not yet overdue
    assert p.next_item.kind == "course"
    pf.signoff(member, prog.milestones[1], met_on=TODAY)
    assert member_progress([member], TODAY)[member.id].percent == 66  # 2 of 3, rounded down
    tomorrow = member_progress([member], TODAY + timedelta(days=1))[member.id]
    assert tomorrow.behind is True and [i.overdue for i in tomorrow.items] == [
        False,
        True,
        False,
    ]


def test_only_own_completed_enrolments_count_earliest_date(db):
    _prog, (a, b), cohort = setup_programme(milestones=0)
    emp, other = factories.employee(), factories.employee()
    member = pf.member(cohort, emp)
    cf.completion(other, a)  # someone else
    cf.enrolment(cf.session(b), emp, state=EnrolmentState.CANCELLED)
    cf.enrolment(cf.session(b), emp, state=EnrolmentState.FAILED)
    cf.completion(emp, cf.course())  # not in the curriculum
    cf.completion(emp, a, on=date(2029, 12, 30))
    cf.completion(emp, a, on=date(2029, 12, 1))

    p = member_progress([member], TODAY)[member.id]

    assert [i.done_on for i in p.items] == [date(2029, 12, 1), None]
    assert (p.done, p.total, p.percent) == (1, 2, 50)
    assert [i.overdue for i in p.items] == [False, True]


def test_everything_done_and_empty_curriculum(db):
    prog, (a, b), cohort = setup_programme(milestones=1)
    emp = factories.employee()
    member = pf.member(cohort, emp)
    for course in (a, b):
        cf.completion(emp, course)
    pf.signoff(member, prog.milestones[0])
    p = member_progress([member], TODAY)[member.id]
    assert (p.done, p.total, p.percent, p.behind, p.next_item) == (3, 3, 100, False, None)
    assert p.complete

    empty = pf.member(running(pf.programme()), factories.employee())
    q = member_progress([empty], TODAY)[empty.id]
    assert (q.total, q.percent, q.behind, q.next_item, q.complete) == (0, 0, False, None, False)
    assert member_progress([], TODAY) == {}


def add_members(cohort: Cohort, prog: Programme, n: int, mentor: Employee) -> None:
    courses = [pc.course for pc in prog.courses]
    for i in range(n):
        emp = factories.employee(last_name=f"Zählmann-{i:03d}")
        member = pf.member(cohort, emp, mentor=mentor)
        cf.completion(emp, courses[i % len(courses)])
        pf.signoff(member, prog.milestones[i % len(prog.milestones)])


def test_query_count_does_not_grow_with_members(db):
    prog, _courses, cohort = setup_programme()
    other_prog, _c2, other_cohort = setup_programme()
    mentor = factories.employee()
    add_members(cohort, prog, 3, mentor)
    add_members(other_cohort, other_prog, 1, mentor)

    def measure() -> tuple[int, int, int]:
        members = list(db.session.scalars(select(CohortMember)))
        with count_queries(db.engine) as q1:
            member_progress(members, TODAY)
        with count_queries(db.engine) as q2:
            rows = cohort_progress(cohort, TODAY)
            [(p.member.employee.full_name, p.member.mentor.full_name) for p in rows]
        with count_queries(db.engine) as q3:
            [p.member.cohort.programme.title for p in mentees_progress(mentor, TODAY)]
        return q1.count, q2.count, q3.count

    small = measure()
    add_members(cohort, prog, 27, mentor)  # 30 members
    large = measure()

    assert small == large, (small, large)
    assert large[0] <= 4
    rows = cohort_progress(cohort, TODAY)
    assert len(rows) == 30
    names = [p.member.employee.last_name for p in rows]
    assert names == sorted(names)


def test_cohort_progress_lists_every_state_by_name(db):
    prog, _courses, cohort = setup_programme()
    zed = pf.member(cohort, factories.employee(last_name="Zander"))
    abel = pf.member(cohort, factories.employee(last_name="Abel"))
    abel.state = MemberState.DROPPED_OUT.value
    mid = pf.member(cohort, factories.employee(last_name="Maier"))
    mid.state = MemberState.GRADUATED.value
    pf.member(running(prog), factories.employee(last_name="Anders"))  # other cohort
    db.session.flush()
    assert [p.member.id for p in cohort_progress(cohort, TODAY)] == [abel.id, mid.id, zed.id]


# ---------------------------------------------------------------------------
# Mentor
# ---------------------------------------------------------------------------


def test_hr_assigns_a_mentor_audited_and_notified(db):
    _prog, _courses, cohort = setup_programme()
    emp, account = person()
    mentor, mentor_account = person()
    member = pf.member(cohort, emp)
    actor = hr()

    ms.assign_mentor(actor, member, mentor, NOW)

    assert member.mentor_id == mentor.id
    [entry] = audit_of(member, "cohort_member.mentor_assigned")
    assert entry.details["mentor_id"] == mentor.id and entry.actor_id == actor.id
    [to_mentor] = inbox(mentor_account, "programme.mentor_assigned")
    assert emp.full_name in to_mentor.subject + to_mentor.body
    [to_member] = inbox(account, "programme.mentor_assigned")
    assert mentor.full_name in to_member.body and mentor.email in to_member.body


def test_mentor_rules(db):
    _prog, _courses, cohort = setup_programme()
    emp, account = person()
    member = pf.member(cohort, emp)
    fellow = factories.employee()
    pf.member(cohort, fellow)
    gone = factories.employee(active=False)
    actor = hr()

    with pytest.raises(PermissionDenied):
        ms.assign_mentor(account, member, factories.employee(), NOW)
    with pytest.raises(PermissionDenied):
        ms.assign_mentor(person(None, Role.COUNCIL)[1], member, factories.employee(), NOW)
    with pytest.raises(ValidationFailed):
        ms.assign_mentor(actor, member, gone, NOW)
    with pytest.raises(ValidationFailed):
        ms.assign_mentor(actor, member, emp, NOW)
    with pytest.raises(ValidationFailed) as error:
        ms.assign_mentor(actor, member, fellow, NOW)
    assert error.value.field == "mentor"
    member.state = MemberState.DROPPED_OUT.value
    with pytest.raises(Conflict):
        ms.assign_mentor(actor, member, factories.employee(), NOW)
    assert member.mentor_id is None
    assert audit_of(member, "cohort_member.mentor_assigned") == []


# ---------------------------------------------------------------------------
# Sign-off
# ---------------------------------------------------------------------------


def mentored(milestones: int = 2) -> tuple[Programme, CohortMember, User]:
    prog, _courses, cohort = setup_programme(milestones)
    mentor, mentor_account = person()
    member = pf.member(cohort, person()[0], mentor=mentor)
    return prog, member, mentor_account


def test_mentor_signs_off_audited(db):
    prog, member, mentor = mentored()
    milestone = prog.milestones[0]

    signoff = ms.sign_off(mentor, member, milestone, TODAY - timedelta(days=3), " Gut ", NOW)

    assert (signoff.met_on, signoff.note, signoff.signed_off_by_id) == (
        TODAY - timedelta(days=3),
        "Gut",
        mentor.id,
    )
    [entry] = audit_of(member, "milestone.signed_off")
    assert entry.details == {"milestone_id": milestone.id, "met_on": "2030-03-01"}
    assert member.state == MemberState.ACTIVE  # courses still open
    p = member_progress([member], TODAY)[member.id]
    assert p.items[2].done_on == TODAY - timedelta(days=3)


def test_sign_off_refusals(db):
    prog, member, mentor = mentored()
    milestone = prog.milestones[0]
    other_prog = pf.programme(milestones=1)
    head = factories.user(emp=factories.employee(member.employee.department))
    member.employee.department.head = head.employee
    db.session.flush()

    for stranger in (person()[1], head):
        with pytest.raises(PermissionDenied):
            ms.sign_off(stranger, member, milestone, TODAY, None, NOW)
    with pytest.raises(NotFound):
        ms.sign_off(mentor, member, other_prog.milestones[0], TODAY, None, NOW)
    with pytest.raises(ValidationFailed) as future:
        ms.sign_off(mentor, member, milestone, TODAY + timedelta(days=1), None, NOW)
    assert future.value.field == "met_on"
    with pytest.raises(ValidationFailed):
        ms.sign_off(mentor, member, milestone, START - timedelta(days=1), None, NOW)
    with pytest.raises(ValidationFailed):
        ms.sign_off(mentor, member, milestone, None, None, NOW)
    with pytest.raises(ValidationFailed):
        ms.sign_off(mentor, member, milestone, TODAY, "x" * 2001, NOW)
    assert db.session.scalar(select(MilestoneSignoff.id)) is None

    ms.sign_off(mentor, member, milestone, START, None, NOW)  # the start day itself is fine
    with pytest.raises(Conflict):
        ms.sign_off(hr(), member, milestone, TODAY, None, NOW)

    member.state = MemberState.DROPPED_OUT.value
    with pytest.raises(Conflict):
        ms.sign_off(mentor, member, prog.milestones[1], TODAY, None, NOW)


def test_hr_signs_off_and_mentor_of_someone_else_cannot(db):
    prog, member, _mentor = mentored()
    _p2, _other_member, other_mentor = mentored()
    with pytest.raises(PermissionDenied):
        ms.sign_off(other_mentor, member, prog.milestones[0], TODAY, None, NOW)
    signoff = ms.sign_off(hr(), member, prog.milestones[0], TODAY, None, NOW)
    assert signoff.id is not None


def test_undo_sign_off(db):
    prog, member, mentor = mentored()
    signoff = ms.sign_off(mentor, member, prog.milestones[0], TODAY, None, NOW)
    actor = hr()

    with pytest.raises(PermissionDenied):
        ms.undo_sign_off(mentor, signoff, "Irrtum", NOW)
    with pytest.raises(ValidationFailed):
        ms.undo_sign_off(actor, signoff, "  ", NOW)
    ms.undo_sign_off(actor, signoff, "Falscher Meilenstein", NOW)

    assert db.session.scalar(select(MilestoneSignoff.id)) is None
    [entry] = audit_of(member, "milestone.sign_off_undone")
    assert (entry.reason, entry.from_state, entry.to_state) == (
        "Falscher Meilenstein",
        "met",
        "open",
    )
    # It can be signed off again.
    ms.sign_off(mentor, member, prog.milestones[0], TODAY, None, NOW)


def test_undo_refused_after_graduation(db):
    prog, member, mentor = mentored(milestones=1)
    for pc in prog.courses:
        cf.completion(member.employee, pc.course)
    signoff = ms.sign_off(mentor, member, prog.milestones[0], TODAY, None, NOW)
    assert member.state == MemberState.GRADUATED
    with pytest.raises(Conflict):
        ms.undo_sign_off(hr(), signoff, "Irrtum", NOW)


# ---------------------------------------------------------------------------
# Drop-out
# ---------------------------------------------------------------------------


def test_drop_out(db):
    _prog, _courses, cohort = setup_programme()
    emp, account = person()
    member = pf.member(cohort, emp)
    actor = hr()
    late = datetime(2030, 3, 4, 23, 30, tzinfo=UTC)  # already 5 March in Berlin

    with pytest.raises(PermissionDenied):
        ms.drop_out(account, member, "Wechsel", late)
    with pytest.raises(ValidationFailed):
        ms.drop_out(actor, member, "", late)
    ms.drop_out(actor, member, "Wechsel in eine andere Behörde", late)

    assert member.state == MemberState.DROPPED_OUT
    assert member.dropped_out_on == date(2030, 3, 5)
    assert member.drop_out_reason == "Wechsel in eine andere Behörde"
    [entry] = audit_of(member, "cohort_member.dropped_out")
    assert (entry.from_state, entry.to_state) == ("active", "dropped_out")
    [note] = inbox(account, "programme.dropped_out")
    assert "Wechsel in eine andere Behörde" in note.body
    with pytest.raises(Conflict):
        ms.drop_out(actor, member, "Nochmal", late)


# ---------------------------------------------------------------------------
# Graduation
# ---------------------------------------------------------------------------


def test_last_sign_off_graduates_and_sends_the_signal(db):
    prog, member, mentor = mentored()
    for pc in prog.courses:
        cf.completion(member.employee, pc.course)
    ms.sign_off(mentor, member, prog.milestones[0], TODAY, None, NOW)
    assert member.state == MemberState.ACTIVE

    received = []
    late = datetime(2030, 3, 4, 23, 30, tzinfo=UTC)
    with programme_graduated.connected_to(lambda m, **kw: received.append((m, kw))):
        ms.sign_off(mentor, member, prog.milestones[1], TODAY, None, late)

    assert member.state == MemberState.GRADUATED
    assert member.graduated_on == date(2030, 3, 5)  # Berlin date of ``now``
    assert received == [(member, {"now": late, "actor": mentor})]
    [entry] = audit_of(member, "cohort_member.graduated")
    assert (entry.from_state, entry.to_state, entry.actor_id) == ("active", "graduated", mentor.id)
    account = db.session.scalar(select(User).where(User.employee_id == member.employee_id))
    assert len(inbox(account, "programme.graduated")) == 1
    # Once only.
    with programme_graduated.connected_to(lambda m, **kw: received.append((m, kw))):
        assert ms.graduate_if_complete(member, None, NOW) is False
    assert len(received) == 1


def test_no_graduation_while_incomplete_or_cohort_not_running(db):
    prog, member, mentor = mentored(milestones=1)
    assert ms.graduate_if_complete(member, None, NOW) is False
    cf.completion(member.employee, prog.courses[0].course)
    cf.completion(member.employee, prog.courses[1].course)
    member.cohort.status = CohortStatus.COMPLETED.value
    ms.sign_off(mentor, member, prog.milestones[0], TODAY, None, NOW)
    assert member.state == MemberState.ACTIVE
    member.cohort.status = CohortStatus.RUNNING.value
    assert ms.graduate_if_complete(member, None, NOW) is True
    assert member.state == MemberState.GRADUATED


def test_empty_curriculum_never_graduates(db):
    member = pf.member(running(pf.programme()), factories.employee())
    assert ms.graduate_if_complete(member, None, NOW) is False


def test_completing_the_last_course_graduates(db):
    """Through the real completion path of ``courses`` (attendance, then the result)."""
    course = cf.course()
    prog = pf.programme(courses=[course], milestones=1)
    cohort = running(prog)
    emp, _account = person()
    mentor, mentor_account = person()
    member = pf.member(cohort, emp, mentor=mentor)
    other_cohort_member = pf.member(running(prog), factories.employee())  # not completing
    ms.sign_off(mentor_account, member, prog.milestones[0], TODAY, None, NOW)
    session = cf.session(course, starts_at=NOW - timedelta(days=2))
    enrolment = cf.enrolment(session, emp, state=EnrolmentState.CONFIRMED)
    actor = hr()

    received = []
    with programme_graduated.connected_to(lambda m, **kw: received.append((m, kw))):
        mark_attendance(actor, enrolment, True, NOW)
        assert member.state == MemberState.ACTIVE
        record_result(actor, enrolment, True, NOW)

    assert member.state == MemberState.GRADUATED and member.graduated_on == TODAY
    assert received == [(member, {"now": NOW, "actor": actor})]
    assert other_cohort_member.state == MemberState.ACTIVE


def test_course_completion_ignores_other_courses_and_inactive_members(db):
    course = cf.course()
    prog = pf.programme(courses=[course])
    emp = factories.employee()
    member = pf.member(running(prog), emp)
    member.state = MemberState.DROPPED_OUT.value
    db.session.flush()
    enrolment = cf.completion(emp, course)
    received = []
    with programme_graduated.connected_to(lambda m, **kw: received.append(m)):
        ms.on_course_completed(enrolment, now=NOW)
        ms.on_course_completed(cf.completion(emp, cf.course()), now=NOW)
    assert received == [] and member.state == MemberState.DROPPED_OUT

    fresh = pf.member(running(prog), factories.employee())
    with programme_graduated.connected_to(lambda m, **kw: received.append(m)):
        ms.on_course_completed(cf.completion(fresh.employee, course), now=NOW)
    assert received == [fresh]


def test_the_pages_get_answers_for_undo_and_changes(db):
    """What HR's member page may offer is decided by the services: changes (mentor,
    sign-off, drop-out) only for an active member, taking back a sign-off not once the
    member has graduated."""
    _prog, _ms, cohort = setup_programme()
    member = pf.member(cohort, factories.employee())
    assert ms.is_active(member) and ms.may_undo_sign_off(member)
    member.state = MemberState.DROPPED_OUT.value
    assert not ms.is_active(member) and ms.may_undo_sign_off(member)
    member.state = MemberState.GRADUATED.value
    assert not ms.is_active(member) and not ms.may_undo_sign_off(member)
