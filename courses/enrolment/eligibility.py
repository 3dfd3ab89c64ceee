"""Who may enrol in a session: the rules the enrolment service checks (prerequisites,
deadline, session state, time clashes, one active enrolment per course). HR may
override prerequisites, the deadline and clashes with a recorded reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_, translate
from academy.org.models import Employee
from courses.enrolment.lifecycle import has_clash
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession

# ---------------------------------------------------------------------------
# Why someone may not enrol
# ---------------------------------------------------------------------------


class Blocker(str):
    """A reason why an employee may not enrol: the English text with its parameters
    filled in (so it is a plain ``str``), plus ``message`` and ``params`` to show it
    translated (``blocker.translated()`` or ``translate(b.message, **b.params)``).
    HR may override the ones with ``overridable`` set, giving a reason."""

    message: str
    params: dict[str, Any]
    overridable: bool
    conflict: bool

    def __new__(
        cls, message: str, *, overridable: bool = False, conflict: bool = False, **params: Any
    ) -> Blocker:
        text = message % {k: str(v) for k, v in params.items()} if params else message
        obj = super().__new__(cls, text)
        obj.message = message
        obj.params = params
        obj.overridable = overridable
        obj.conflict = conflict
        return obj

    def translated(self) -> str:
        return translate(self.message, **self.params)

    def error(self) -> ValidationFailed | Conflict:
        kind = Conflict if self.conflict else ValidationFailed
        return kind(self.message, **self.params)


def check(employee: Employee, session: CourseSession, now: datetime) -> list[Blocker]:
    """Every rule ``employee`` would break by enrolling in ``session`` now."""
    found: list[Blocker] = []
    course = session.course
    if session.is_cancelled:
        found.append(Blocker(N_("This session has been cancelled.")))
    elif now >= session.starts_at:
        found.append(Blocker(N_("This session has already started.")))
    if not employee.active:
        found.append(Blocker(N_("%(name)s is no longer employed here."), name=employee.full_name))
    if course.archived:
        found.append(Blocker(N_("This course is no longer offered.")))
    active = db.session.scalar(
        select(Enrolment.id)
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.course_id == course.id,
            Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
        )
        .limit(1)
    )
    if active is not None:
        found.append(
            Blocker(N_("There is already an active enrolment for this course."), conflict=True)
        )
    if now >= session.enrolment_deadline and not (session.is_cancelled or now >= session.starts_at):
        found.append(Blocker(N_("The enrolment deadline has passed."), overridable=True))
    required = {c.id: c for c in course.prerequisites}
    if required:
        done = set(
            db.session.scalars(
                select(Enrolment.course_id).where(
                    Enrolment.employee_id == employee.id,
                    Enrolment.course_id.in_(required),
                    Enrolment.state == EnrolmentState.COMPLETED.value,
                )
            )
        )
        for course_id in sorted(set(required) - done):
            found.append(
                Blocker(
                    N_("Prerequisite not completed: %(course)s"),
                    overridable=True,
                    course=required[course_id].title,
                )
            )
    if has_clash(employee.id, session):
        found.append(
            Blocker(
                N_("You already have a confirmed session at that time."),
                overridable=True,
            )
        )
    return found


def enrolment_blockers(employee: Employee, session: CourseSession, now: datetime) -> list[str]:
    """Reasons (``Blocker`` strings) why ``employee`` may not enrol in ``session``;
    ``[]`` means they may. A full session is no reason: it has a waiting list."""
    return list(check(employee, session, now))
