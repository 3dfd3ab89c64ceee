"""Read-side queries of the session pages: a session with its course, HR's list of a
course's sessions with their open requests, the trainer's own sessions (past ones whose
attendance or results are still open first, the urgent ones before them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.extensions import db
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.rooms.queries import trained_sessions
from courses.sessions.models import CourseSession

#: Enrolment states counted per session in HR's list.
COUNTED = (EnrolmentState.PENDING, EnrolmentState.WAITLISTED)
#: States that leave a session's work open: attendance (confirmed), a result (attended).
OPEN_WORK = (EnrolmentState.CONFIRMED, EnrolmentState.ATTENDED)


def session_with_course(session_id: int) -> CourseSession | None:
    """A session with its course and the course's category (HR's pages)."""
    return db.session.scalar(
        select(CourseSession)
        .options(joinedload(CourseSession.course).joinedload(Course.category))
        .where(CourseSession.id == session_id)
    )


def session_with_trainer(session_id: int) -> CourseSession | None:
    """A session with its course and trainer (the roster's pages)."""
    return db.session.scalar(
        select(CourseSession)
        .options(
            joinedload(CourseSession.course),
            joinedload(CourseSession.trainer).lazyload(User.role_assignments),
        )
        .where(CourseSession.id == session_id)
    )


def course_sessions(course: Course) -> Select[tuple[CourseSession]]:
    """A course's sessions, latest first (HR's list)."""
    return (
        select(CourseSession)
        .options(joinedload(CourseSession.trainer))
        .where(CourseSession.course_id == course.id)
        .order_by(CourseSession.starts_at.desc(), CourseSession.id.desc())
    )


def open_request_counts(session_ids: list[int]) -> dict[tuple[int, str], int]:
    """Per session and state, the requests awaiting approval and the people waiting."""
    return {
        (sid, state): n
        for sid, state, n in db.session.execute(
            select(Enrolment.session_id, Enrolment.state, func.count())
            .where(
                Enrolment.session_id.in_(session_ids),
                Enrolment.state.in_([s.value for s in COUNTED]),
            )
            .group_by(Enrolment.session_id, Enrolment.state)
        )
    }


def has_open_work() -> ColumnElement[bool]:
    """A session not cancelled with someone whose attendance or result is still open."""
    return and_(
        CourseSession.cancelled_at.is_(None),
        exists().where(
            Enrolment.session_id == CourseSession.id,
            Enrolment.state.in_([s.value for s in OPEN_WORK]),
        ),
    )


def trainer_sessions(
    trainer: User, now: datetime, *, past: bool, urgent_before: datetime | None = None
) -> Select[tuple[CourseSession]]:
    """The trainer's sessions (as lead or linked trainer): upcoming and running soonest
    first, or past ones latest first – those ended by ``urgent_before`` with work still
    open first, then the others with work open."""
    query = (
        select(CourseSession)
        .options(joinedload(CourseSession.course))
        .where(
            or_(
                CourseSession.trainer_id == trainer.id,
                CourseSession.id.in_(trained_sessions(trainer.id)),
            )
        )
    )
    if past:
        open_ = has_open_work()
        urgent = and_(open_, CourseSession.ends_at <= (urgent_before or now))
        return query.where(CourseSession.ends_at <= now).order_by(
            case((urgent, 0), (open_, 1), else_=2),
            CourseSession.starts_at.desc(),
            CourseSession.id.desc(),
        )
    return query.where(CourseSession.ends_at > now).order_by(
        CourseSession.starts_at, CourseSession.id
    )


def waitlist_counts(session_ids: list[int]) -> dict[int, int]:
    """Per session, the people on its waiting list."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.session_id, func.count())
        .where(
            Enrolment.session_id.in_(session_ids),
            Enrolment.state == EnrolmentState.WAITLISTED.value,
        )
        .group_by(Enrolment.session_id)
    )
    return {session_id: int(n) for session_id, n in rows}


def open_work_counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per session, the people whose attendance (``confirmed``) or result
    (``attended``) is still open, by state (one query)."""
    if not session_ids:
        return {}
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(Enrolment.session_id, Enrolment.state, func.count())
        .where(
            Enrolment.session_id.in_(session_ids),
            Enrolment.state.in_([s.value for s in OPEN_WORK]),
        )
        .group_by(Enrolment.session_id, Enrolment.state)
    )
    for session_id, state, n in rows:
        counts.setdefault(session_id, {})[str(state)] = int(n)
    return counts
