"""Read-side queries about enrolments that pages and reports share (no N+1: every
function runs a fixed number of statements, whatever the number of rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from academy.accounts.models import Role, User
from academy.auth.policy import has_role
from academy.auth.scope import scope_of
from academy.extensions import db
from academy.org.models import Employee
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.meetings import session_ue_by_year
from courses.sessions.models import CourseSession

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


@cache
def _waitlist_positions_statement() -> Select[tuple[int, int]]:
    me, ahead = aliased(Enrolment), aliased(Enrolment)
    return (
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
        .where(me.id.in_(bindparam("ids", expanding=True)))
        .group_by(me.id)
    )


def waitlist_positions(enrolments: Iterable[Enrolment]) -> dict[int, int]:
    """1-based waiting-list positions of the waitlisted ones among ``enrolments`` (by
    enrolment id), in one query: people ahead are those with a lower rank (then id)."""
    ids = [e.id for e in enrolments if e.state == EnrolmentState.WAITLISTED]
    if not ids:
        return {}
    rows = db.session.execute(_waitlist_positions_statement(), {"ids": ids})
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


class StatementPage(Pagination):
    """Flask-SQLAlchemy's pagination (what the ``pagination`` macro reads) over two
    prepared statements run with ``params``: ``items_statement`` (with ``limit`` and
    ``offset`` parameters besides) and ``count_statement``. Unlike ``db.paginate`` it
    does not build new statements for every page."""

    def _query_items(self) -> list[Any]:
        params = {
            **self._query_args["params"],
            "limit": self.per_page,
            "offset": self._query_offset,
        }
        return list(db.session.scalars(self._query_args["items_statement"], params))

    def _query_count(self) -> int:
        statement = self._query_args["count_statement"]
        return int(db.session.scalar(statement, self._query_args["params"]) or 0)


@dataclass(frozen=True)
class _InboxShape:
    """Which conditions an inbox page has (their values are parameters)."""

    state: str | None
    #: Only requests from the decider's department subtree (a head; HR sees all) …
    scoped: bool
    #: … and not the decider's own.
    not_own: bool


@lru_cache(maxsize=32)
def _inbox_statements(shape: _InboxShape) -> tuple[Select[Any], Select[Any]]:
    """The inbox page (with employee, department, session and course) and its count,
    built once per shape; the values are parameters."""
    query = select(Enrolment)
    if shape.state == APPROVED:
        query = query.where(
            Enrolment.decided_at.is_not(None), Enrolment.state != EnrolmentState.DECLINED.value
        )
    elif shape.state is not None:
        query = query.where(Enrolment.state == shape.state)
    if shape.scoped:
        query = query.join(Employee, Employee.id == Enrolment.employee_id).where(
            Employee.department_id.in_(bindparam("departments", expanding=True))
        )
        if shape.not_own:
            query = query.where(Enrolment.employee_id != bindparam("own_employee_id"))
    if shape.state == EnrolmentState.PENDING.value:
        order = (Enrolment.requested_at, Enrolment.id)
    elif shape.state == APPROVED:
        order = (Enrolment.decided_at.desc(), Enrolment.id.desc())
    else:
        order = (Enrolment.updated_at.desc(), Enrolment.id.desc())
    items = (
        query.options(
            joinedload(Enrolment.employee).joinedload(Employee.department),
            joinedload(Enrolment.session).joinedload(CourseSession.course),
        )
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    count = select(func.count()).select_from(query.with_only_columns(Enrolment.id).subquery())
    return items, count


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
    params: dict[str, Any] = {}
    scoped = not has_role(user, Role.HR)
    if scoped:
        scope = scope_of(user).department_ids if has_role(user, Role.HEAD) else set()
        params["departments"] = sorted(scope)  # an empty list matches nothing
        params["own_employee_id"] = user.employee_id
    shape = _InboxShape(state, scoped, scoped and user.employee_id is not None)
    items, count = _inbox_statements(shape)
    return StatementPage(
        page=page,
        per_page=per_page or current_app.config.get("PAGE_SIZE", 25),
        max_per_page=None,
        error_out=False,
        items_statement=items,
        count_statement=count,
        params=params,
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
    #: Teaching units (UE) of completed courses per calendar year, newest year first (a
    #: session whose meetings span two years counts in both, by the meetings' lengths).
    ue_per_year: dict[int, int] = field(default_factory=dict)


@cache
def _learning_statement() -> Select[tuple[Enrolment]]:
    session = joinedload(Enrolment.session)
    return (
        select(Enrolment)
        .where(Enrolment.employee_id == bindparam("employee_id"))
        .options(
            session.joinedload(CourseSession.course),
            # the trainer's account without its roles (nobody asks for them here)
            session.joinedload(CourseSession.trainer).lazyload(User.role_assignments),
            # the meetings: a completion's UE are counted in the years they took place
            session.joinedload(CourseSession.meetings),
        )
    )


def my_learning(employee: Employee, now: datetime) -> LearningRecord:
    """The employee's own learning record, in two queries: every enrolment with its
    session and course, and the waiting-list positions."""
    enrolments = (
        db.session.scalars(_learning_statement(), {"employee_id": employee.id}).unique().all()
    )
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
            done_in = enrolment.completed_on.year
            for year, units in session_ue_by_year(enrolment.session, done_in).items():
                ue[year] += units
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
