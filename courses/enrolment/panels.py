"""Start-page panels of the courses package: an employee's next courses and a department
head's approvals. Each ``context`` runs a small, fixed number of queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.navigation import Panel, add_panel
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.queries import approval_inbox, waitlist_positions
from courses.sessions.models import CourseSession

#: How many sessions / requests a panel lists.
PANEL_ROWS = 3


def next_courses_context(user: User) -> dict[str, Any]:
    """The next confirmed sessions, open requests and waiting-list places (3 queries)."""
    if user.employee_id is None:
        return {"upcoming": [], "pending": 0, "waitlisted": []}
    now = utcnow()
    upcoming = list(
        db.session.scalars(
            select(Enrolment)
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .options(joinedload(Enrolment.session).joinedload(CourseSession.course))
            .where(
                Enrolment.employee_id == user.employee_id,
                Enrolment.state == EnrolmentState.CONFIRMED.value,
                CourseSession.ends_at > now,
            )
            .order_by(CourseSession.starts_at, Enrolment.id)
            .limit(PANEL_ROWS)
        )
    )
    waiting = list(
        db.session.scalars(
            select(Enrolment)
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .options(joinedload(Enrolment.session).joinedload(CourseSession.course))
            .where(
                Enrolment.employee_id == user.employee_id,
                Enrolment.state.in_(
                    [EnrolmentState.PENDING.value, EnrolmentState.WAITLISTED.value]
                ),
            )
            .order_by(CourseSession.starts_at, Enrolment.id)
        )
    )
    waitlisted = [e for e in waiting if e.state == EnrolmentState.WAITLISTED]
    positions = waitlist_positions(waitlisted)
    return {
        "upcoming": upcoming,
        "pending": sum(1 for e in waiting if e.state == EnrolmentState.PENDING),
        "waitlisted": [(e, positions.get(e.id)) for e in waitlisted],
    }


def approvals_context(user: User) -> dict[str, Any]:
    """How many requests await the head's decision and the oldest of them (2 queries)."""
    page = approval_inbox(user, EnrolmentState.PENDING.value, 1, per_page=PANEL_ROWS)
    return {"count": page.total or 0, "oldest": list(page.items)}


add_panel(
    Panel(
        Role.EMPLOYEE,
        N_("My next courses"),
        "courses/enrolment/panels/my_next_courses.html",
        next_courses_context,
        order=15,
    )
)
add_panel(
    Panel(
        Role.HEAD,
        N_("Approvals"),
        "courses/enrolment/panels/pending_approvals.html",
        approvals_context,
        order=25,
    )
)
