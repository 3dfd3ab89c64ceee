"""Assigning mandatory training (service by service): targets, first due dates of
existing staff and newcomers, equivalent courses, recurrence, changing and ending,
external evidence, the role profile's assignment — and who may do it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from courses.enrolment.models import EnrolmentState
from courses.mandatory.assignments import (
    AssignmentData,
    end_assignment,
    sync_assignees,
    update_assignment,
)
from courses.mandatory.dates import add_months
from courses.mandatory.evidence import record_evidence, withdraw_evidence
from courses.mandatory.models import Assignee, Origin, Status, TargetKind
from courses.mandatory.role_profiles import role_assignment, set_role_requirement
from tests import factories
from tests.courses import factories as cf
from tests.courses.mandatory.support import TODAY, assign, status_of
from tests.courses.support import NOW, hr, person


def audit_actions(object_type: str, object_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLogEntry.action)
            .where(
                AuditLogEntry.object_type == object_type,
                AuditLogEntry.object_id == str(object_id),
            )
            .order_by(AuditLogEntry.id)
        )
    )


def test_existing_staff_are_due_on_the_first_due_date_newcomers_after_their_days(db):
    role = factories.job_role()
    staff = factories.employee(job_role_id=role.id, entry_date=date(2010, 1, 1))
    newcomer = factories.employee(job_role_id=role.id, entry_date=TODAY + timedelta(days=30))
    course = cf.course()
    assignment = assign(
        hr(),
        [course],
        target_kind=TargetKind.JOB_ROLE.value,
        job_role_id=role.id,
        due_days=60,
        first_due_on=TODAY + timedelta(days=20),
    )
    rows = {r.employee_id: r for r in db.session.scalars(select(Assignee))}
    assert (rows[staff.id].since, rows[staff.id].due_on) == (TODAY, TODAY + timedelta(days=20))
    assert rows[newcomer.id].since == TODAY + timedelta(days=30)
    assert rows[newcomer.id].due_on == TODAY + timedelta(days=90)
    assert status_of(staff.id, assignment).status == Status.OPEN
    assert status_of(staff.id, assignment, TODAY + timedelta(days=21)).status == Status.OVERDUE
    assert audit_actions("mandatory_assignment", assignment.id) == ["mandatory.assignment_created"]


def test_people_who_join_the_target_later_get_their_days_from_that_day(db):
    role = factories.job_role()
    assignment = assign(
        hr(),
        [cf.course()],
        target_kind=TargetKind.JOB_ROLE.value,
        job_role_id=role.id,
        due_days=30,
    )
    mover = factories.employee(job_role_id=role.id, entry_date=date(2005, 5, 1))
    later = TODAY + timedelta(days=10)
    assert sync_assignees([assignment], later) == 1
    assert sync_assignees([assignment], later) == 0  # a second run (another host) adds nothing
    row = db.session.get(Assignee, (assignment.id, mover.id))
    assert (row.since, row.due_on) == (later, later + timedelta(days=30))


def test_any_of_the_equivalent_courses_satisfies_it_until_the_recurrence_runs_out(db):
    emp, _ = person()
    new, old = cf.course("Datenschutz im Alltag"), cf.course("Datenschutz-Grundschulung")
    assignment = assign(hr(), [new, old], recurrence_months=24)
    done_on = TODAY - timedelta(days=100)
    cf.completion(emp, old, on=done_on)
    state = status_of(emp.id, assignment)
    assert state.status == Status.DONE and state.valid_until == add_months(done_on, 24)
    expired = status_of(emp.id, assignment, add_months(done_on, 24) + timedelta(days=1))
    assert expired.status == Status.OVERDUE


def test_an_active_enrolment_shows_as_enrolled(db):
    emp, _ = person()
    course = cf.course()
    assignment = assign(hr(), [course])
    cf.enrolment(cf.session(course), emp, state=EnrolmentState.WAITLISTED)
    assert status_of(emp.id, assignment).status == Status.ENROLLED


def test_named_people_and_department_subtree(db):
    top = factories.department()
    below = factories.department(parent=top)
    inside, outside = factories.employee(below), factories.employee()
    course = cf.course()
    by_dept = assign(hr(), [course], target_kind=TargetKind.DEPARTMENT.value, department_id=top.id)
    named = assign(
        hr(), [course], target_kind=TargetKind.PEOPLE.value, people=[outside.personnel_no]
    )
    assert status_of(inside.id, by_dept) is not None and status_of(outside.id, by_dept) is None
    assert status_of(outside.id, named) is not None and status_of(inside.id, named) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"course_ids": []}, "courses"),
        ({"target_kind": "job_role", "job_role_id": None}, "job_role"),
        ({"target_kind": "department", "department_id": 999999}, "department"),
        ({"target_kind": "people", "people": ["NIEMAND-1"]}, "people"),
        ({"target_kind": "galaxy"}, "target_kind"),
        ({"due_days": -1}, "due_days"),
        ({"recurrence_months": 0}, "recurrence_months"),
        ({"first_due_on": TODAY - timedelta(days=1)}, "first_due_on"),
    ],
)
def test_bad_input_is_refused_at_its_field(db, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        assign(hr(), [cf.course()], **fields)
    assert refused.value.field == field


def test_archived_courses_cannot_be_chosen_and_only_hr_assigns(db):
    with pytest.raises(ValidationFailed):
        assign(hr(), [cf.course(archived=True)])
    _emp, employee = person()
    with pytest.raises(PermissionDenied):
        assign(employee, [cf.course()])


def test_changing_the_rule_moves_the_due_dates_and_ending_stops_it(db):
    emp, _ = person()
    actor = hr()
    course = cf.course()
    assignment = assign(actor, [course], due_days=30)
    data = AssignmentData(
        title="Neu",
        course_ids=[course.id],
        target_kind=TargetKind.EVERYONE.value,
        due_days=30,
        first_due_on=TODAY + timedelta(days=50),
    )
    update_assignment(actor, assignment, data, NOW)
    assert db.session.get(Assignee, (assignment.id, emp.id)).due_on == TODAY + timedelta(days=50)
    with pytest.raises(ValidationFailed):
        end_assignment(actor, assignment, "  ", NOW)
    end_assignment(actor, assignment, "Ersetzt durch eine neue Schulung", NOW)
    assert status_of(emp.id, assignment) is None
    with pytest.raises(Conflict):
        update_assignment(actor, assignment, data, NOW)
    assert audit_actions("mandatory_assignment", assignment.id) == [
        "mandatory.assignment_created",
        "mandatory.assignment_updated",
        "mandatory.assignment_ended",
    ]


def test_external_evidence_satisfies_it_until_its_end_and_can_be_withdrawn(db):
    emp, _ = person()
    actor = hr()
    assignment = assign(actor, [cf.course()], recurrence_months=12)
    evidence = record_evidence(
        actor,
        assignment,
        emp,
        title="Unterweisung Personalversammlung",
        completed_on=TODAY - timedelta(days=10),
        now=NOW,
    )
    assert evidence.valid_until == add_months(TODAY - timedelta(days=10), 12)
    assert status_of(emp.id, assignment).status == Status.DONE
    withdraw_evidence(actor, evidence, "Falsche Person", NOW)
    assert status_of(emp.id, assignment).status == Status.OPEN
    with pytest.raises(Conflict):
        withdraw_evidence(actor, evidence, "noch einmal", NOW)
    assert audit_actions("mandatory_evidence", evidence.id) == [
        "mandatory.evidence_recorded",
        "mandatory.evidence_withdrawn",
    ]


def test_evidence_rules(db):
    emp, user = person()
    actor = hr()
    assignment = assign(actor, [cf.course()])
    with pytest.raises(ValidationFailed) as future:
        record_evidence(
            actor, assignment, emp, title="X", completed_on=TODAY + timedelta(days=1), now=NOW
        )
    assert future.value.field == "completed_on"
    with pytest.raises(ValidationFailed) as before:
        record_evidence(
            actor,
            assignment,
            emp,
            title="X",
            completed_on=TODAY,
            valid_until=TODAY - timedelta(days=1),
            now=NOW,
        )
    assert before.value.field == "valid_until"
    with pytest.raises(PermissionDenied):
        record_evidence(user, assignment, emp, title="X", completed_on=TODAY, now=NOW)
    left = factories.employee(active=False)
    with pytest.raises(Conflict):
        record_evidence(actor, assignment, left, title="X", completed_on=TODAY, now=NOW)


def test_a_role_profile_keeps_one_assignment_for_its_job_role(db):
    role = factories.job_role("UX-Design")
    holder = factories.employee(job_role_id=role.id)
    actor = hr()
    course, other = cf.course(), cf.course()
    hr_own = assign(actor, [course], target_kind=TargetKind.JOB_ROLE.value, job_role_id=role.id)
    made = set_role_requirement(actor, role, [course.id], NOW, due_days=60, recurrence_months=24)
    assert made is not None and made.origin == Origin.ROLE_PROFILE
    assert made.title == "Pflichtschulung für UX-Design"
    changed = set_role_requirement(
        actor, role, [other.id], NOW, due_days=30, recurrence_months=None
    )
    assert (
        changed is not None
        and changed.id == made.id
        and [c.id for c in changed.courses] == [other.id]
    )
    assert status_of(holder.id, changed) is not None
    assert set_role_requirement(actor, role, [], NOW, due_days=30, recurrence_months=None) is None
    assert role_assignment(role.id) is None
    assert hr_own.is_active  # HR's own assignment for the job role stays
    _emp, employee = person()
    with pytest.raises(PermissionDenied):
        set_role_requirement(employee, role, [course.id], NOW, due_days=30, recurrence_months=None)


def test_only_heads_subtree_and_hr_may_see_a_person(db):
    from academy.auth.policy import can

    dept = factories.department()
    member = factories.employee(dept)
    head_emp = factories.employee(dept)
    dept.head = head_emp
    head = factories.user(emp=head_emp)
    stranger_emp, stranger = person()
    assert can(head, "mandatory.person", member)
    assert not can(head, "mandatory.person", stranger_emp)
    assert not can(stranger, "mandatory.person", member)
    assert can(stranger, "mandatory.person", stranger_emp)
    assert can(factories.user(Role.HR), "mandatory.person", member)
