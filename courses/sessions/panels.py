"""Start-page panels of the courses package: a trainer's next sessions and, for HR, the
sessions that need a decision. Each ``context`` runs a fixed number of queries
(trainer: 2, HR: 3), whatever the number of sessions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.navigation import Panel, add_panel
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from courses.sessions.phase import session_phases

#: How many sessions a panel lists.
PANEL_LIMIT = 5


def trainer_context(user: User) -> dict[str, Any]:
    """The trainer's next sessions (not cancelled, not over), soonest first."""
    now = utcnow()
    conditions = (
        CourseSession.trainer_id == user.id,
        CourseSession.cancelled_at.is_(None),
        CourseSession.ends_at > now,
    )
    sessions = db.session.scalars(
        select(CourseSession)
        .options(joinedload(CourseSession.course))
        .where(*conditions)
        .order_by(CourseSession.starts_at, CourseSession.id)
        .limit(PANEL_LIMIT)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(CourseSession).where(*conditions))
    return {
        "sessions": sessions,
        "total": total or 0,
        "now": now,
        "phases": session_phases(sessions, now),
    }


def _waiting_count() -> Any:
    return (
        select(func.count(Enrolment.id))
        .where(
            Enrolment.session_id == CourseSession.id,
            Enrolment.state == EnrolmentState.WAITLISTED.value,
        )
        .correlate(CourseSession)
        .scalar_subquery()
    )


def attention_conditions(now: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(below the minimum, HR must fill free seats from the waiting list)."""
    below = (
        CourseSession.below_minimum_flagged_at.is_not(None),
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at > now,
        CourseSession.confirmed_count < CourseSession.min_participants,
    )
    someone_waiting = exists().where(
        Enrolment.session_id == CourseSession.id,
        Enrolment.state == EnrolmentState.WAITLISTED.value,
    )
    decide = (
        CourseSession.cancelled_at.is_(None),
        CourseSession.enrolment_deadline <= now,
        CourseSession.ends_at > now,
        CourseSession.confirmed_count < CourseSession.capacity,
        someone_waiting,
    )
    return below, decide


def hr_attention_context(user: User) -> dict[str, Any]:
    """Sessions flagged below their minimum by the tick, and sessions past their
    enrolment deadline with free seats and people waiting (nobody moves up by
    themselves then: HR decides). Counts plus the first few of each, soonest first."""
    now = utcnow()
    below, decide = attention_conditions(now)

    def counted(conditions: tuple[Any, ...]) -> Any:
        return select(func.count()).select_from(CourseSession).where(*conditions).scalar_subquery()

    below_total, decide_total = db.session.execute(select(counted(below), counted(decide))).one()
    below_sessions = db.session.scalars(
        select(CourseSession)
        .options(joinedload(CourseSession.course))
        .where(*below)
        .order_by(CourseSession.starts_at, CourseSession.id)
        .limit(PANEL_LIMIT)
    ).all()
    decide_rows = db.session.execute(
        select(CourseSession, _waiting_count())
        .options(joinedload(CourseSession.course))
        .where(*decide)
        .order_by(CourseSession.starts_at, CourseSession.id)
        .limit(PANEL_LIMIT)
    ).all()
    return {
        "below": below_sessions,
        "below_total": below_total or 0,
        "decide": [(session, int(waiting)) for session, waiting in decide_rows],
        "decide_total": decide_total or 0,
    }


add_panel(
    Panel(
        Role.TRAINER,
        N_("My next sessions"),
        "courses/sessions/panels/trainer.html",
        trainer_context,
        order=25,
    )
)
add_panel(
    Panel(
        Role.HR,
        N_("Sessions needing attention"),
        "courses/sessions/panels/hr_attention.html",
        hr_attention_context,
        order=35,
    )
)
