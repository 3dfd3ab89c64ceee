"""The set-based status in SQL agrees with the date rules in Python, for any entry
dates, completions, external evidence, enrolments and days (hypothesis); and the
targets: a job role, a department with everything below it, named people — active
people only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from academy.extensions import db
from courses.enrolment.models import EnrolmentState
from courses.mandatory.dates import FOREVER, Facts, fallback_due, person_status
from courses.mandatory.models import Assignee, Assignment, Evidence, Origin, Status, TargetKind
from courses.mandatory.status import Who, counts, pairs, rows, status_of
from tests import factories
from tests.courses import factories as cf

START = date(2026, 1, 15)
offsets = st.integers(min_value=-800, max_value=800)


def make_assignment(
    course,
    *,
    kind=TargetKind.JOB_ROLE,
    recurrence=None,
    due_days=90,
    first_due=None,
    job_role=None,
    department=None,
) -> Assignment:
    assignment = Assignment(
        title="Datenschutz-Unterweisung",
        target_kind=kind.value,
        job_role_id=job_role.id if job_role else None,
        department_id=department.id if department else None,
        due_days=due_days,
        first_due_on=first_due or START + timedelta(days=due_days),
        recurrence_months=recurrence,
        starts_on=START,
        origin=Origin.HR.value,
        created_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
        updated_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
    )
    assignment.courses = [course]
    db.session.add(assignment)
    db.session.flush()
    return assignment


person = st.fixed_dictionaries(
    {
        "entry": st.one_of(st.none(), offsets),
        "row_due": st.one_of(st.none(), offsets),
        "done": st.lists(offsets, max_size=2),
        "evidence": st.lists(
            st.tuples(offsets, st.one_of(st.none(), st.integers(0, 1000)), st.booleans()),
            max_size=2,
        ),
        "enrolled": st.booleans(),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(person, min_size=1, max_size=5),
    recurrence=st.one_of(st.none(), st.integers(1, 36)),
    due_days=st.integers(0, 200),
    first_extra=st.integers(0, 300),
    today_offset=st.integers(-100, 1500),
)
def test_sql_status_agrees_with_the_date_rules(
    db, people, recurrence, due_days, first_extra, today_offset
):
    savepoint = db.session.begin_nested()
    try:
        role = factories.job_role()
        course = cf.course()
        past = cf.session(course, starts_at=datetime(2020, 1, 6, 8, tzinfo=UTC), capacity=100)
        later = cf.session(course, starts_at=datetime(2031, 1, 6, 8, tzinfo=UTC), capacity=100)
        first_due = START + timedelta(days=first_extra)
        assignment = make_assignment(
            course, recurrence=recurrence, due_days=due_days, first_due=first_due, job_role=role
        )
        today = START + timedelta(days=today_offset)
        expected = {}
        for spec in people:
            entry = START + timedelta(days=spec["entry"]) if spec["entry"] is not None else None
            employee = factories.employee(job_role_id=role.id, entry_date=entry)
            row_due = None
            if spec["row_due"] is not None:
                row_due = START + timedelta(days=spec["row_due"])
                db.session.add(
                    Assignee(
                        assignment_id=assignment.id,
                        employee_id=employee.id,
                        since=START,
                        due_on=row_due,
                        named=False,
                    )
                )
            done_days = [START + timedelta(days=d) for d in spec["done"]]
            for day in done_days:
                cf.enrolment(past, employee, state=EnrolmentState.COMPLETED, completed_on=day)
            if spec["enrolled"]:
                cf.enrolment(later, employee, state=EnrolmentState.PENDING)
            ends = []
            for completed, length, withdrawn in spec["evidence"]:
                done_on = START + timedelta(days=completed)
                until = done_on + timedelta(days=length) if length is not None else None
                db.session.add(
                    Evidence(
                        assignment_id=assignment.id,
                        employee_id=employee.id,
                        title="Nachweis",
                        completed_on=done_on,
                        valid_until=until,
                        withdrawn_at=datetime(2026, 2, 1, tzinfo=UTC) if withdrawn else None,
                    )
                )
                if not withdrawn:
                    ends.append(until or FOREVER)
            facts = Facts(
                recurrence_months=recurrence,
                due_on=row_due,
                fallback_due=fallback_due(
                    entry_date=entry, starts_on=START, first_due_on=first_due
                ),
                done_on=max(done_days) if done_days else None,
                evidence_until=max(ends) if ends else None,
                enrolled=spec["enrolled"],
            )
            expected[employee.id] = person_status(facts, today)
        db.session.flush()
        subquery = pairs([assignment], Who.everyone().below(None), today)
        found = {r.employee_id: r for r in db.session.execute(rows(subquery))}
        mine = {k: v for k, v in found.items() if k in expected}
        assert {k: Status(r.status) for k, r in mine.items()} == {
            k: v.status for k, v in expected.items()
        }
        for employee_id, row in mine.items():
            assert status_of(row, today) == expected[employee_id]
    finally:
        savepoint.rollback()


def test_targets_job_role_department_subtree_and_named_people(db):
    course = cf.course()
    role = factories.job_role()
    top = factories.department("Dezernat")
    below = factories.department("Amt", parent=top)
    other = factories.department("Anderes Amt")
    in_role = factories.employee(other, job_role_id=role.id)
    left = factories.employee(other, job_role_id=role.id, active=False)
    deep = factories.employee(below)
    outside = factories.employee(other)
    by_role = make_assignment(course, job_role=role)
    by_dept = make_assignment(course, kind=TargetKind.DEPARTMENT, department=top)
    named = make_assignment(course, kind=TargetKind.PEOPLE)
    db.session.add_all(
        [
            Assignee(
                assignment_id=named.id,
                employee_id=outside.id,
                since=START,
                due_on=START,
                named=True,
            ),
            Assignee(
                assignment_id=named.id, employee_id=left.id, since=START, due_on=START, named=True
            ),
        ]
    )
    db.session.flush()
    subquery = pairs([by_role, by_dept, named], Who.everyone(), START)
    got = {(r.assignment_id, r.employee_id) for r in db.session.execute(select(subquery))}
    assert got == {(by_role.id, in_role.id), (by_dept.id, deep.id), (named.id, outside.id)}
    # narrowed to a subtree and to one person
    assert {
        r.employee_id
        for r in db.session.execute(
            select(pairs([by_role, by_dept, named], Who.everyone().below(top), START))
        )
    } == {deep.id}
    assert counts(pairs([by_role], Who.person(in_role.id), START))[Status.OPEN] == 1
    assert counts(pairs([by_role], Who.person(outside.id), START)) == dict.fromkeys(Status, 0)
