"""The status of every (assignment, person) pair, set-based in SQL: one statement
gives the pairs of any number of people with their status, so the compliance pages count
with ``GROUP BY`` and load per-person detail only for the rows of a page.

A pair is (an active assignment, an active employee in its current target: all staff,
the job role, the department subtree, or a named person). Its status follows
``courses.mandatory.dates.person_status``:

- *done*: a completed enrolment in one of the assignment's courses still valid today
  (``completed_on >= valid_from(recurrence)``, the threshold computed in Python per
  recurrence, so SQL compares dates only), or external evidence valid today;
- *overdue*: not done, and either there was evidence that has run out, or the first
  due date (``mandatory_assignees.due_on``; without a row yet: the assignment's first
  due date for existing staff) has passed;
- *enrolled*: an active enrolment (awaiting approval, confirmed, waiting list,
  attended) in one of its courses; else *not started*.

``Who`` narrows the people (scope, subtree, one person, a name). Every function here
runs a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload

from academy.auth.scope import Scope, subtree_statement
from academy.extensions import db
from academy.org.models import Department, Employee
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.mandatory.dates import FOREVER, Facts, fallback_due, person_status, valid_from
from courses.mandatory.models import (
    Assignee,
    Assignment,
    AssignmentCourse,
    Evidence,
    Status,
    TargetKind,
)

E = Employee
A = Assignment
ACTIVE = [s.value for s in ACTIVE_STATES]
COMPLETED = EnrolmentState.COMPLETED.value
#: Sort rank of the statuses in person lists (what needs attention first).
RANK = {Status.OVERDUE: 0, Status.OPEN: 1, Status.ENROLLED: 2, Status.DONE: 3}


@dataclass(frozen=True)
class Who:
    """Conditions on ``Employee`` that select the people looked at."""

    conditions: tuple[ColumnElement[bool], ...] = ()
    nobody: bool = False

    @classmethod
    def everyone(cls) -> Who:
        return cls()

    @classmethod
    def in_scope(cls, scope: Scope) -> Who:
        if scope.everything:
            return cls()
        if not scope.department_ids:
            return cls(nobody=True)
        return cls((scope.where(E.department_id),))

    @classmethod
    def person(cls, employee_id: int) -> Who:
        return cls((E.id == employee_id,))

    def below(self, department: Department | None) -> Who:
        """Only people in ``department``'s subtree (None: no change)."""
        if department is None:
            return self
        subtree = E.department_id.in_(subtree_statement(department.path))
        return Who((*self.conditions, subtree), self.nobody)

    def named(self, text: str | None) -> Who:
        """Only people whose name or personnel number contains ``text``."""
        text = (text or "").strip().lower()
        if not text:
            return self
        pattern = f"%{text}%"
        match = or_(
            func.lower(E.last_name + ", " + E.first_name).like(pattern),
            func.lower(E.first_name + " " + E.last_name).like(pattern),
            func.lower(E.personnel_no).like(pattern),
        )
        return Who((*self.conditions, match), self.nobody)


def active_assignments(ids: Iterable[int] | None = None) -> list[Assignment]:
    """Active assignments (all, or those with these ids) with their courses, by title
    (two statements)."""
    if ids is None:
        return list(db.session.scalars(_active_statement()))
    return list(db.session.scalars(_active_statement().where(Assignment.id.in_(sorted(set(ids))))))


@cache
def _active_statement() -> Select[tuple[Assignment]]:
    """Active assignments with their courses, by title (built once: asked for on every
    "My learning" and start page)."""
    return (
        select(Assignment)
        .options(selectinload(Assignment.courses))
        .where(Assignment.ended_at.is_(None))
        .order_by(func.lower(Assignment.title), Assignment.id)
    )


#: What every target row carries, so the pairs need not look people or assignments up
#: again: the person's department, names, entry date and the assignment's rule.
def _columns() -> tuple[Any, ...]:
    return (
        A.id.label("assignment_id"),
        E.id.label("employee_id"),
        E.department_id,
        E.last_name,
        E.first_name,
        E.personnel_no,
        E.entry_date,
        A.title,
        A.recurrence_months,
        A.starts_on,
        A.first_due_on,
    )


def targets(assignments: Sequence[Assignment], who: Who) -> Any:
    """The (assignment, person) pairs of the assignments' current targets, as a
    materialised common table expression (computed once, however often it is joined)."""
    by_kind: dict[str, list[int]] = {}
    for assignment in assignments:
        by_kind.setdefault(assignment.target_kind, []).append(assignment.id)
    parts: list[Select[Any]] = []
    if ids := by_kind.get(TargetKind.EVERYONE.value):
        parts.append(
            select(*_columns()).join(E, E.active.is_(True)).where(A.id.in_(ids), *who.conditions)
        )
    if ids := by_kind.get(TargetKind.JOB_ROLE.value):
        parts.append(
            select(*_columns())
            .join(E, E.job_role_id == A.job_role_id)
            .where(A.id.in_(ids), E.active.is_(True), *who.conditions)
        )
    if ids := by_kind.get(TargetKind.DEPARTMENT.value):
        root, below = aliased(Department), aliased(Department)
        parts.append(
            select(*_columns())
            .join(root, root.id == A.department_id)
            .join(below, below.path.startswith(root.path))
            .join(E, E.department_id == below.id)
            .where(A.id.in_(ids), E.active.is_(True), *who.conditions)
        )
    if ids := by_kind.get(TargetKind.PEOPLE.value):
        parts.append(
            select(*_columns())
            .join(Assignee, Assignee.assignment_id == A.id)
            .join(E, E.id == Assignee.employee_id)
            .where(
                A.id.in_(ids),
                Assignee.named.is_(True),
                E.active.is_(True),
                *who.conditions,
            )
        )
    found = parts[0] if len(parts) == 1 else union_all(*parts)
    return found.cte("targets").prefix_with("MATERIALIZED")


def _enrolments(ids: list[int], who: Who, found: Any) -> Subquery:
    """Per pair: the latest completion and whether an enrolment is active."""
    query = (
        select(
            AssignmentCourse.assignment_id,
            Enrolment.employee_id,
            func.max(case((Enrolment.state == COMPLETED, Enrolment.completed_on))).label("done_on"),
            func.max(case((Enrolment.state.in_(ACTIVE), 1), else_=0)).label("enrolled"),
        )
        .join(Enrolment, Enrolment.course_id == AssignmentCourse.course_id)
        .where(AssignmentCourse.assignment_id.in_(ids), Enrolment.state.in_([COMPLETED, *ACTIVE]))
        .group_by(AssignmentCourse.assignment_id, Enrolment.employee_id)
    )
    if who.conditions:  # only the people looked at (by the index on the person)
        query = query.where(Enrolment.employee_id.in_(select(found.c.employee_id)))
    return query.subquery("taken")


def _evidence(ids: list[int], who: Who, found: Any) -> Subquery:
    """Per pair: the latest end of validity of external evidence (``FOREVER``: none)."""
    query = (
        select(
            Evidence.assignment_id,
            Evidence.employee_id,
            func.max(func.coalesce(Evidence.valid_until, literal(FOREVER, Date))).label("until"),
        )
        .where(Evidence.assignment_id.in_(ids), Evidence.withdrawn_at.is_(None))
        .group_by(Evidence.assignment_id, Evidence.employee_id)
    )
    if who.conditions:  # only the people looked at (by the index on the person)
        query = query.where(Evidence.employee_id.in_(select(found.c.employee_id)))
    return query.subquery("evidence")


def pairs(assignments: Sequence[Assignment], who: Who, today: date) -> Subquery | None:
    """Every pair of these assignments and the people of ``who`` with its status and
    the facts for its dates; None when there is nothing to look at."""
    if not assignments or who.nobody:
        return None
    ids = [a.id for a in assignments]
    found = targets(assignments, who)
    taken = _enrolments(ids, who, found)
    evidence = _evidence(ids, who, found)
    thresholds = {
        r: literal(valid_from(r, today), Date)
        for r in sorted({a.recurrence_months for a in assignments if a.recurrence_months})
    }
    still_valid: ColumnElement[bool] = found.c.recurrence_months.is_(None)
    if thresholds:
        still_valid = or_(
            still_valid, taken.c.done_on >= case(thresholds, value=found.c.recurrence_months)
        )
    done = or_(
        and_(taken.c.done_on.is_not(None), still_valid),
        evidence.c.until >= literal(today, Date),
    )
    had = or_(taken.c.done_on.is_not(None), evidence.c.until.is_not(None))
    base_due = case(
        (Assignee.due_on.is_not(None), Assignee.due_on),
        (
            or_(found.c.entry_date.is_(None), found.c.entry_date <= found.c.starts_on),
            found.c.first_due_on,
        ),
        else_=None,
    )
    status = case(
        (done, Status.DONE.value),
        (or_(had, base_due < literal(today, Date)), Status.OVERDUE.value),
        (taken.c.enrolled > 0, Status.ENROLLED.value),
        else_=Status.OPEN.value,
    )
    return (
        select(
            *found.c,
            Assignee.due_on,
            taken.c.done_on,
            taken.c.enrolled,
            evidence.c.until.label("evidence_until"),
            status.label("status"),
        )
        .select_from(found)
        .outerjoin(
            Assignee,
            and_(
                Assignee.assignment_id == found.c.assignment_id,
                Assignee.employee_id == found.c.employee_id,
            ),
        )
        .outerjoin(
            taken,
            and_(
                taken.c.assignment_id == found.c.assignment_id,
                taken.c.employee_id == found.c.employee_id,
            ),
        )
        .outerjoin(
            evidence,
            and_(
                evidence.c.assignment_id == found.c.assignment_id,
                evidence.c.employee_id == found.c.employee_id,
            ),
        )
        .subquery("pairs")
    )


def facts_of(row: Any) -> Facts:
    """The facts of one row of ``pairs`` (for its dates, computed per row on a page)."""
    return Facts(
        recurrence_months=row.recurrence_months,
        due_on=row.due_on,
        fallback_due=fallback_due(
            entry_date=row.entry_date, starts_on=row.starts_on, first_due_on=row.first_due_on
        ),
        done_on=row.done_on,
        evidence_until=row.evidence_until,
        enrolled=bool(row.enrolled),
    )


def status_of(row: Any, today: date) -> Any:
    """``person_status`` of one row of ``pairs``."""
    return person_status(facts_of(row), today)


# ---------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------


def empty_counts() -> dict[Status, int]:
    return dict.fromkeys(Status, 0)


def counts(subquery: Subquery | None) -> dict[Status, int]:
    """Pairs per status (one statement)."""
    result = empty_counts()
    if subquery is None:
        return result
    for status, number in db.session.execute(
        select(subquery.c.status, func.count()).group_by(subquery.c.status)
    ):
        result[Status(status)] = number
    return result


def counts_by(subquery: Subquery | None, column: str) -> dict[int, dict[Status, int]]:
    """Pairs per value of ``column`` (``department_id``, ``assignment_id``) and status."""
    result: dict[int, dict[Status, int]] = {}
    if subquery is None:
        return result
    key = subquery.c[column]
    for value, status, number in db.session.execute(
        select(key, subquery.c.status, func.count()).group_by(key, subquery.c.status)
    ):
        result.setdefault(value, empty_counts())[Status(status)] = number
    return result


def people_overdue(subquery: Subquery | None) -> int:
    """People with at least one overdue training (one statement)."""
    if subquery is None:
        return 0
    return int(
        db.session.scalar(
            select(func.count(func.distinct(subquery.c.employee_id))).where(
                subquery.c.status == Status.OVERDUE.value
            )
        )
        or 0
    )


def rows(subquery: Subquery, statuses: Iterable[Status] = ()) -> Select[Any]:
    """The pairs as rows in list order (what needs attention first, then by name)."""
    rank = case({s.value: n for s, n in RANK.items()}, value=subquery.c.status)
    query = select(subquery).order_by(
        rank,
        func.lower(subquery.c.last_name),
        func.lower(subquery.c.first_name),
        subquery.c.employee_id,
        func.lower(subquery.c.title),
        subquery.c.assignment_id,
    )
    wanted = [s.value for s in statuses]
    if wanted:
        query = query.where(subquery.c.status.in_(wanted))
    return query
