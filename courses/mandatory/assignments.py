"""Creating, changing and ending mandatory training assignments, and keeping track of
since when each person is assigned (``sync_assignees``, at once and from the tick).

Services take ``actor`` and ``now``, flush only, raise ``DomainError`` subclasses at the
field they concern and write the audit log (``mandatory.assignment_<verb>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, select, update

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee, JobRole
from courses.catalogue.models import Course
from courses.mandatory.claims import insert_new
from courses.mandatory.dates import assigned_dates, due_for
from courses.mandatory.models import Assignee, Assignment, Origin, TargetKind
from courses.mandatory.status import Who, targets

TITLE_MAX = 200
MAX_DUE_DAYS = 3650
MAX_RECURRENCE = 120
MAX_PEOPLE = 1000
MAX_COURSES = 20


@dataclass
class AssignmentData:
    """What HR enters (or the role profile sets). ``people`` are personnel numbers."""

    title: str
    course_ids: list[int]
    target_kind: str
    due_days: int
    job_role_id: int | None = None
    department_id: int | None = None
    people: list[str] = field(default_factory=list)
    first_due_on: date | None = None
    recurrence_months: int | None = None
    description: str | None = None


def _require(actor: User, origin: str) -> None:
    action = "profiles.manage" if origin == Origin.ROLE_PROFILE else "mandatory.manage"
    if not can(actor, action):
        raise PermissionDenied(N_("Only HR development can do this."))


def _courses(ids: Sequence[int], existing: Iterable[Course] = ()) -> list[Course]:
    wanted = sorted(set(ids))
    if not wanted:
        raise ValidationFailed(N_("Please choose at least one course."), field="courses")
    if len(wanted) > MAX_COURSES:
        raise ValidationFailed(
            N_("Please choose at most %(n)s courses."), field="courses", n=MAX_COURSES
        )
    found = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(wanted)))}
    kept = {c.id for c in existing}
    for course_id in wanted:
        course = found.get(course_id)
        if course is None or (course.archived and course_id not in kept):
            raise ValidationFailed(
                N_("This course cannot be chosen (it no longer exists or is archived)."),
                field="courses",
            )
    return [found[i] for i in wanted]


def _people(numbers: Sequence[str]) -> list[Employee]:
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise ValidationFailed(N_("Please enter at least one personnel number."), field="people")
    if len(wanted) > MAX_PEOPLE:
        raise ValidationFailed(
            N_("Please name at most %(n)s people; assign larger groups by job role or department."),
            field="people",
            n=MAX_PEOPLE,
        )
    found = {
        e.personnel_no: e
        for e in db.session.scalars(
            select(Employee).where(Employee.personnel_no.in_(wanted), Employee.active.is_(True))
        )
    }
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise ValidationFailed(
            N_("No active employee has the personnel number(s): %(numbers)s"),
            field="people",
            numbers=", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else ""),
        )
    return [found[n] for n in wanted]


def _target(data: AssignmentData) -> tuple[int | None, int | None, list[Employee]]:
    kind = data.target_kind
    if kind == TargetKind.EVERYONE:
        return None, None, []
    if kind == TargetKind.JOB_ROLE:
        if data.job_role_id is None or db.session.get(JobRole, data.job_role_id) is None:
            raise ValidationFailed(N_("Please choose a job role."), field="job_role")
        return data.job_role_id, None, []
    if kind == TargetKind.DEPARTMENT:
        dept = db.session.get(Department, data.department_id) if data.department_id else None
        if dept is None or not dept.active:
            raise ValidationFailed(N_("Please choose a department."), field="department")
        return None, dept.id, []
    if kind == TargetKind.PEOPLE:
        return None, None, _people(data.people)
    raise ValidationFailed(N_("Please choose who must take the training."), field="target_kind")


def _check_numbers(data: AssignmentData) -> None:
    if not 0 <= data.due_days <= MAX_DUE_DAYS:
        raise ValidationFailed(
            N_("Please enter a number of days between 0 and %(n)s."),
            field="due_days",
            n=MAX_DUE_DAYS,
        )
    months = data.recurrence_months
    if months is not None and not 1 <= months <= MAX_RECURRENCE:
        raise ValidationFailed(
            N_("Please enter a number of months between 1 and %(n)s, or leave it empty."),
            field="recurrence_months",
            n=MAX_RECURRENCE,
        )


def _values(data: AssignmentData) -> dict[str, Any]:
    title = (data.title or "").strip()
    if not title:
        raise ValidationFailed(N_("Please enter a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(N_("The title is too long."), field="title")
    _check_numbers(data)
    return {
        "title": title,
        "description": (data.description or "").strip() or None,
        "target_kind": data.target_kind,
        "due_days": data.due_days,
        "recurrence_months": data.recurrence_months,
    }


def _audit_assignment(
    actor: User | None, verb: str, assignment: Assignment, now: datetime, **kw: Any
) -> None:
    record(
        actor, f"mandatory.assignment_{verb}", "mandatory_assignment", assignment.id, now=now, **kw
    )


def create_assignment(
    actor: User, data: AssignmentData, now: datetime, *, origin: str = Origin.HR.value
) -> Assignment:
    """A new assignment from today; everyone now in the target is assigned since today
    (due on the first due date, by default today + ``due_days``)."""
    _require(actor, origin)
    today = to_berlin(now).date()
    values = _values(data)
    courses = _courses(data.course_ids)
    job_role_id, department_id, people = _target(data)
    first_due = data.first_due_on or today + timedelta(days=data.due_days)
    if first_due < today:
        raise ValidationFailed(
            N_("The first due date cannot be in the past."), field="first_due_on"
        )
    assignment = Assignment(
        **values,
        job_role_id=job_role_id,
        department_id=department_id,
        first_due_on=first_due,
        starts_on=today,
        origin=origin,
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
    )
    assignment.courses = courses
    db.session.add(assignment)
    db.session.flush()
    _name_people(assignment, people, today)
    sync_assignees([assignment], today)
    _audit_assignment(
        actor,
        "created",
        assignment,
        now,
        to_state="active",
        details={"courses": [c.code for c in courses], "target": data.target_kind},
    )
    return assignment


def update_assignment(
    actor: User, assignment: Assignment, data: AssignmentData, now: datetime
) -> Assignment:
    """Change title, courses, target, due days, first due date or recurrence. Due dates
    of people already assigned follow the new rule."""
    _require(actor, assignment.origin)
    if not assignment.is_active:
        raise Conflict(N_("This assignment has ended and can no longer be changed."))
    today = to_berlin(now).date()
    values = _values(data)
    courses = _courses(data.course_ids, assignment.courses)
    job_role_id, department_id, people = _target(data)
    first_due = data.first_due_on or assignment.first_due_on
    if first_due != assignment.first_due_on and first_due < today:
        raise ValidationFailed(
            N_("The first due date cannot be in the past."), field="first_due_on"
        )
    for key, value in values.items():
        setattr(assignment, key, value)
    assignment.job_role_id, assignment.department_id = job_role_id, department_id
    assignment.first_due_on = first_due
    assignment.courses = courses
    assignment.updated_at = now
    db.session.flush()
    _name_people(assignment, people, today)
    _recompute_due_dates(assignment)
    sync_assignees([assignment], today)
    _audit_assignment(
        actor,
        "updated",
        assignment,
        now,
        details={"courses": [c.code for c in courses], "target": data.target_kind},
    )
    return assignment


def end_assignment(actor: User, assignment: Assignment, reason: str, now: datetime) -> None:
    """End an assignment: nobody is reminded any more, the figures no longer count it;
    completions and evidence stay."""
    _require(actor, assignment.origin)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Please give a reason."), field="reason")
    if not assignment.is_active:
        raise Conflict(N_("This assignment has already ended."))
    assignment.ended_at = now
    assignment.ended_by_id = actor.id
    assignment.end_reason = reason
    db.session.flush()
    _audit_assignment(
        actor, "ended", assignment, now, from_state="active", to_state="ended", reason=reason
    )


# ---------------------------------------------------------------------------
# Since when people are assigned
# ---------------------------------------------------------------------------


def _name_people(assignment: Assignment, people: list[Employee], today: date) -> None:
    """The named people of a "people" assignment (others' rows are dropped)."""
    keep = {e.id for e in people}
    db.session.execute(
        delete(Assignee)
        .where(
            Assignee.assignment_id == assignment.id,
            Assignee.named.is_(True),
            Assignee.employee_id.not_in(keep) if keep else and_(True),
        )
        .execution_options(synchronize_session=False)
    )
    if not people:
        return
    db.session.execute(
        update(Assignee)
        .where(Assignee.assignment_id == assignment.id, Assignee.employee_id.in_(keep))
        .values(named=True)
        .execution_options(synchronize_session=False)
    )
    rows = []
    for employee in people:
        since, due = _dates(assignment, employee.entry_date, today)
        rows.append(
            {
                "assignment_id": assignment.id,
                "employee_id": employee.id,
                "since": since,
                "due_on": due,
                "named": True,
            }
        )
    insert_new(Assignee, rows, ("assignment_id", "employee_id"))


def _dates(assignment: Assignment, entry_date: date | None, today: date) -> tuple[date, date]:
    return assigned_dates(
        starts_on=assignment.starts_on,
        first_due_on=assignment.first_due_on,
        due_days=assignment.due_days,
        entry_date=entry_date,
        found_on=today,
    )


def _recompute_due_dates(assignment: Assignment) -> None:
    """Existing staff: the first due date; later assignees: ``due_days`` after they
    were assigned (never before the first due date)."""
    db.session.execute(
        update(Assignee)
        .where(Assignee.assignment_id == assignment.id, Assignee.since <= assignment.starts_on)
        .values(due_on=assignment.first_due_on)
        .execution_options(synchronize_session=False)
    )
    later = db.session.execute(
        select(Assignee.employee_id, Assignee.since).where(
            Assignee.assignment_id == assignment.id, Assignee.since > assignment.starts_on
        )
    ).all()
    if later:
        rule = {
            "starts_on": assignment.starts_on,
            "first_due_on": assignment.first_due_on,
            "due_days": assignment.due_days,
        }
        db.session.execute(
            update(Assignee)
            .where(
                Assignee.assignment_id == assignment.id,
                Assignee.employee_id == bindparam("eid"),
            )
            .values(due_on=bindparam("due"))
            .execution_options(synchronize_session=False),
            [{"eid": eid, "due": due_for(since, **rule)} for eid, since in later],
        )


def sync_assignees(assignments: Sequence[Assignment], today: date) -> int:
    """Write the row of everyone in the target of these assignments who has none yet
    (since today, or since their entry date for a new hire). Safe on several hosts:
    rows another host wrote meanwhile are skipped. Returns how many were written."""
    active = [a for a in assignments if a.is_active and a.target_kind != TargetKind.PEOPLE]
    if not active:
        return 0
    found = targets(active, Who.everyone())
    missing = db.session.execute(
        select(found.c.assignment_id, found.c.employee_id, Employee.entry_date)
        .join(Employee, Employee.id == found.c.employee_id)
        .outerjoin(
            Assignee,
            and_(
                Assignee.assignment_id == found.c.assignment_id,
                Assignee.employee_id == found.c.employee_id,
            ),
        )
        .where(Assignee.employee_id.is_(None))
    ).all()
    by_id = {a.id: a for a in active}
    rows = []
    for assignment_id, employee_id, entry_date in missing:
        since, due = _dates(by_id[assignment_id], entry_date, today)
        rows.append(
            {
                "assignment_id": assignment_id,
                "employee_id": employee_id,
                "since": since,
                "due_on": due,
                "named": False,
            }
        )
    insert_new(Assignee, rows, ("assignment_id", "employee_id"))
    return len(rows)
