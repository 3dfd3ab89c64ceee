"""What the fast-track programmes demo reads: the staff as the core step created them,
and the courses step's sessions and enrolments of the curriculum (a fixed handful of
statements whatever the number of employees)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from academy.accounts.models import User
from academy.demo import data as demo_data
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import DemoContext
from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course, CourseFormat
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from talent.programmes.demo.content import (
    CURRICULUM,
    CourseRecord,
    Person,
    SessionSeat,
    Staff,
)

S = EnrolmentState
#: Enrolment states that occupy the person's time (for the no-overlap rule).
BUSY = (S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.COMPLETED, S.FAILED, S.PENDING, S.WAITLISTED)

# ---------------------------------------------------------------------------
# Reads: the staff as the core step created them
# ---------------------------------------------------------------------------


def staff_from_context(ctx: DemoContext) -> Staff:
    """Two statements: the demo accounts' employees and every active employee."""
    employee_of_user: dict[int, int] = {}
    if ctx.user_ids:
        employee_of_user = {
            user_id: employee_id
            for user_id, employee_id in db.session.execute(
                select(User.id, User.employee_id).where(User.id.in_(list(ctx.user_ids.values())))
            )
            if employee_id is not None
        }
    codes = {id_: code for code, id_ in ctx.department_ids.items()}
    people = {
        id_: Person(id_, codes.get(dept, ""), pay, entry, f"{first} {last}")
        for id_, dept, pay, entry, first, last in db.session.execute(
            select(
                Employee.id,
                Employee.department_id,
                Employee.pay_group,
                Employee.entry_date,
                Employee.first_name,
                Employee.last_name,
            ).where(Employee.active.is_(True))
        )
    }
    parent = {spec.code: spec.parent for spec in demo_data.DEPARTMENTS}
    employee_of = {
        key: employee_of_user[user_id]
        for key, user_id in ctx.user_ids.items()
        if user_id in employee_of_user
    }
    head_account = next(a for a in DEMO_ACCOUNTS if a.key == "head")
    head_dept = head_account.person.department if head_account.person else "12"

    def in_subtree(code: str) -> bool:
        current: str | None = code
        while current is not None:
            if current == head_dept:
                return True
            current = parent.get(current)
        return False

    head = employee_of.get("head")
    team = {e for e, p in people.items() if in_subtree(p.department) and e != head}
    return Staff(
        people=people,
        order=[e for e in ctx.employee_ids if e in people],
        user_of={e: u for u, e in employee_of_user.items()},
        employee_of=employee_of,
        users=dict(ctx.user_ids),
        team=team,
        unit_names={spec.code: spec.name for spec in demo_data.DEPARTMENTS},
    )


# ---------------------------------------------------------------------------
# The courses step's sessions and enrolments of the curriculum
# ---------------------------------------------------------------------------


def course_record(now: datetime, cap: datetime) -> CourseRecord:
    """Three statements: the curriculum's courses, their sessions that ended long enough
    ago (or, self-paced, started before yesterday) with free seats, and every enrolment
    in them."""
    codes = [code for code, _ in CURRICULUM]
    courses = {
        code: (id_, fmt, approval)
        for id_, code, fmt, approval in db.session.execute(
            select(Course.id, Course.code, Course.format, Course.requires_approval).where(
                Course.code.in_(codes)
            )
        )
    }
    ids = [id_ for id_, _, _ in courses.values()]
    info = {id_: (fmt, approval) for id_, fmt, approval in courses.values()}
    sessions: dict[int, list[SessionSeat]] = defaultdict(list)
    if ids:
        for row in db.session.execute(
            select(
                CourseSession.id,
                CourseSession.course_id,
                CourseSession.starts_at,
                CourseSession.ends_at,
                CourseSession.enrolment_deadline,
                CourseSession.trainer_id,
                CourseSession.capacity,
                CourseSession.confirmed_count,
            )
            .where(
                CourseSession.course_id.in_(ids),
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at < now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        ):
            fmt, approval = info[row.course_id]
            self_paced = fmt == CourseFormat.SELF_PACED.value
            # Past sessions whose marks are all made (the demo trainer's latest two weeks
            # still wait for hers); self-paced windows that started at least two days ago.
            usable = (
                row.starts_at < cap - timedelta(days=2)
                if self_paced
                else row.ends_at < now - timedelta(days=15)
            )
            if usable and row.capacity > row.confirmed_count:
                sessions[row.course_id].append(
                    SessionSeat(
                        id=row.id,
                        course_id=row.course_id,
                        starts_at=row.starts_at,
                        ends_at=row.ends_at,
                        enrolment_deadline=row.enrolment_deadline,
                        self_paced=self_paced,
                        approval=approval,
                        trainer_id=row.trainer_id,
                        free=row.capacity - row.confirmed_count,
                    )
                )
    completed: set[tuple[int, int]] = set()
    enrolled: set[tuple[int, int]] = set()
    if ids:
        for employee_id, course_id, state in db.session.execute(
            select(Enrolment.employee_id, Enrolment.course_id, Enrolment.state).where(
                Enrolment.course_id.in_(ids)
            )
        ):
            enrolled.add((employee_id, course_id))
            if state == S.COMPLETED.value:
                completed.add((employee_id, course_id))
    return CourseRecord(
        course_ids={code: courses[code][0] for code in codes if code in courses},
        sessions=dict(sessions),
        completed=completed,
        enrolled=enrolled,
    )


def load_busy(record: CourseRecord, employee_ids: Sequence[int]) -> None:
    """One statement: the time the given people spend in sessions that are not
    self-paced (self-paced courses neither clash nor are clashed with)."""
    if not employee_ids:
        return
    for employee_id, starts, ends in db.session.execute(
        select(Enrolment.employee_id, CourseSession.starts_at, CourseSession.ends_at)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            Enrolment.employee_id.in_(list(employee_ids)),
            Enrolment.state.in_([s.value for s in BUSY]),
            Course.format != CourseFormat.SELF_PACED.value,
        )
    ):
        record.busy.setdefault(employee_id, []).append((starts, ends))
