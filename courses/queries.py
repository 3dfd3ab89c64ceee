"""Read-side queries about enrolments that pages and reports share (no N+1: every
function runs a fixed number of statements, whatever the number of rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from academy.auth.policy import has_role, scope_department_ids
from academy.extensions import db
from academy.models import Employee, Role, User
from courses.models import CourseSession, Enrolment, EnrolmentState

#: Enrolments holding a place in the session (the seat counter counts these).
SEATED = (
    EnrolmentState.CONFIRMED,
    EnrolmentState.ATTENDED,
    EnrolmentState.NO_SHOW,
    EnrolmentState.COMPLETED,
    EnrolmentState.FAILED,
)
#: Enrolments that ended without the person taking part.
CLOSED = (EnrolmentState.CANCELLED, EnrolmentState.DECLINED, EnrolmentState.EXPIRED)
#: The learning record's history.
HISTORY = (
    EnrolmentState.ATTENDED,
    EnrolmentState.COMPLETED,
    EnrolmentState.FAILED,
    EnrolmentState.NO_SHOW,
    *CLOSED,
)


def _values(states: Iterable[EnrolmentState]) -> list[str]:
    return [s.value for s in states]


# ---------------------------------------------------------------------------
# Waiting list positions
# ---------------------------------------------------------------------------


def waitlist_positions(enrolments: Iterable[Enrolment]) -> dict[int, int]:
    """1-based waiting-list positions of the waitlisted ones among ``enrolments`` (by
    enrolment id), in one query: people ahead are those with a lower rank (then id)."""
    ids = [e.id for e in enrolments if e.state == EnrolmentState.WAITLISTED]
    if not ids:
        return {}
    me, ahead = aliased(Enrolment), aliased(Enrolment)
    rows = db.session.execute(
        select(me.id, func.count(ahead.id))
        .join(
            ahead,
            and_(
                ahead.session_id == me.session_id,
                ahead.state == EnrolmentState.WAITLISTED.value,
                or_(
                    ahead.waitlist_rank < me.waitlist_rank,
                    and_(ahead.waitlist_rank == me.waitlist_rank, ahead.id <= me.id),
                ),
            ),
        )
        .where(me.id.in_(ids))
        .group_by(me.id)
    )
    return {enrolment_id: int(count) for enrolment_id, count in rows}


def waitlist_position(enrolment: Enrolment) -> int | None:
    """The enrolment's 1-based place on its session's waiting list; None if not waiting."""
    if enrolment.state != EnrolmentState.WAITLISTED or enrolment.waitlist_rank is None:
        return None
    db.session.flush()
    return waitlist_positions([enrolment]).get(enrolment.id)


# ---------------------------------------------------------------------------
# A session's roster (trainer, HR)
# ---------------------------------------------------------------------------


@dataclass
class Roster:
    session: CourseSession
    #: Holding a place (confirmed, attended, no_show, completed, failed), by name.
    participants: list[Enrolment] = field(default_factory=list)
    #: Waiting, in order: (enrolment, position).
    waitlist: list[tuple[Enrolment, int]] = field(default_factory=list)
    #: Awaiting approval, oldest first.
    pending: list[Enrolment] = field(default_factory=list)
    #: Cancelled, declined or expired, most recent first.
    closed: list[Enrolment] = field(default_factory=list)


def session_roster(session: CourseSession) -> Roster:
    """Everyone enrolled in ``session``, grouped, with their employee and department
    loaded (one query)."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.session_id == session.id)
        .options(joinedload(Enrolment.employee).joinedload(Employee.department))
    ).all()
    roster = Roster(session=session)
    waiting: list[Enrolment] = []
    seated, closed = set(_values(SEATED)), set(_values(CLOSED))
    for enrolment in enrolments:
        if enrolment.state in seated:
            roster.participants.append(enrolment)
        elif enrolment.state == EnrolmentState.WAITLISTED:
            waiting.append(enrolment)
        elif enrolment.state == EnrolmentState.PENDING:
            roster.pending.append(enrolment)
        elif enrolment.state in closed:
            roster.closed.append(enrolment)
    roster.participants.sort(
        key=lambda e: (e.employee.last_name, e.employee.first_name, e.employee.id)
    )
    waiting.sort(key=lambda e: (e.waitlist_rank or 0.0, e.id))
    roster.waitlist = [(e, i) for i, e in enumerate(waiting, 1)]
    roster.pending.sort(key=lambda e: (e.requested_at, e.id))
    roster.closed.sort(key=lambda e: (e.updated_at, e.id), reverse=True)
    return roster


# ---------------------------------------------------------------------------
# Approval inbox (heads, HR)
# ---------------------------------------------------------------------------


#: ``approval_inbox`` filter: requests someone approved (decided, not declined).
APPROVED = "approved"


def approval_inbox(
    user: User,
    state: str | None = EnrolmentState.PENDING.value,
    page: int = 1,
    per_page: int | None = None,
) -> Pagination:
    """Requests ``user`` decides on, as a ``db.paginate`` page: HR sees all, a
    department head those of their subtree (never their own). ``state`` filters
    (default: pending; None: every state; ``APPROVED``: approved by someone, whatever
    state they are in now). Pending oldest first, others newest first."""
    query = select(Enrolment).options(
        joinedload(Enrolment.employee).joinedload(Employee.department),
        joinedload(Enrolment.session).joinedload(CourseSession.course),
    )
    if state == APPROVED:
        query = query.where(
            Enrolment.decided_at.is_not(None), Enrolment.state != EnrolmentState.DECLINED.value
        )
    elif state is not None:
        query = query.where(Enrolment.state == state)
    if not has_role(user, Role.HR):
        scope = scope_department_ids(user) if has_role(user, Role.HEAD) else set()
        if not scope:
            query = query.where(false())
        else:
            query = query.join(Employee, Employee.id == Enrolment.employee_id).where(
                Employee.department_id.in_(scope)
            )
            if user.employee_id is not None:
                query = query.where(Enrolment.employee_id != user.employee_id)
    if state == EnrolmentState.PENDING.value:
        query = query.order_by(Enrolment.requested_at, Enrolment.id)
    elif state == APPROVED:
        query = query.order_by(Enrolment.decided_at.desc(), Enrolment.id.desc())
    else:
        query = query.order_by(Enrolment.updated_at.desc(), Enrolment.id.desc())
    return db.paginate(
        query,
        page=page,
        per_page=per_page or current_app.config.get("PAGE_SIZE", 25),
        error_out=False,
    )


# ---------------------------------------------------------------------------
# An employee's learning record
# ---------------------------------------------------------------------------


@dataclass
class LearningRecord:
    #: Confirmed places in sessions not yet over, soonest first.
    upcoming: list[Enrolment] = field(default_factory=list)
    #: Requests awaiting approval, soonest session first.
    pending: list[Enrolment] = field(default_factory=list)
    #: Waiting-list places: (enrolment, position), soonest session first.
    waitlisted: list[tuple[Enrolment, int]] = field(default_factory=list)
    #: Everything else (attended, completed, failed, no-show, cancelled, declined,
    #: expired, and confirmed places in sessions that are over), most recent first.
    history: list[Enrolment] = field(default_factory=list)
    #: Teaching units (UE) of completed courses per calendar year, newest year first.
    ue_per_year: dict[int, int] = field(default_factory=dict)


def my_learning(employee: Employee, now: datetime) -> LearningRecord:
    """The employee's own learning record, in two queries: every enrolment with its
    session and course, and the waiting-list positions."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.employee_id == employee.id)
        .options(
            joinedload(Enrolment.session).joinedload(CourseSession.course),
            joinedload(Enrolment.session).joinedload(CourseSession.trainer),
        )
    ).all()
    record = LearningRecord()
    waiting: list[Enrolment] = []
    ue: dict[int, int] = defaultdict(int)
    for enrolment in enrolments:
        state = enrolment.state
        if state == EnrolmentState.CONFIRMED and enrolment.session.ends_at > now:
            record.upcoming.append(enrolment)
        elif state == EnrolmentState.PENDING:
            record.pending.append(enrolment)
        elif state == EnrolmentState.WAITLISTED:
            waiting.append(enrolment)
        else:
            record.history.append(enrolment)
        if state == EnrolmentState.COMPLETED and enrolment.completed_on is not None:
            ue[enrolment.completed_on.year] += enrolment.session.course.duration_ue
    positions = waitlist_positions(waiting)

    def soonest(e: Enrolment) -> tuple[datetime, int]:
        return (e.session.starts_at, e.id)

    record.upcoming.sort(key=soonest)
    record.pending.sort(key=soonest)
    waiting.sort(key=soonest)
    record.waitlisted = [(e, positions.get(e.id, 0)) for e in waiting]
    record.history.sort(key=soonest, reverse=True)
    record.ue_per_year = dict(sorted(ue.items(), reverse=True))
    return record
