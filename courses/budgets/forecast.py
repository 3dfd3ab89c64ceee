"""HR's forecast for a budget year: what is spent and committed, what the requests
awaiting a decision would add, and what the planned sessions of the year would still
cost if their free places were taken (their fixed costs too, where nobody is booked yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from academy.extensions import db
from courses.budgets.costs import session_costs
from courses.budgets.money import ZERO
from courses.budgets.queries import Figures, year_bounds
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession


@dataclass(frozen=True)
class Forecast:
    figures: Figures  #: the organisation: budget, spent, committed, pending
    planned: Decimal  #: free places of the year's planned sessions
    sessions: int  #: planned sessions counted

    @property
    def total(self) -> Decimal:
        return self.figures.forecast + self.planned

    @property
    def left(self) -> Decimal | None:
        budget = self.figures.budget
        return None if budget is None else budget - self.total


def planned_costs(year: int, now: datetime) -> tuple[Decimal, int]:
    """The cost of the free places of catalogue sessions that start later in ``year``
    (not cancelled), with their fixed costs where no place is charged yet."""
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(CourseSession.id, CourseSession.capacity)
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            CourseSession.starts_at >= max(start, now),
            CourseSession.starts_at < end,
            CourseSession.cancelled_at.is_(None),
            Course.external.is_(False),
        )
    ).all()
    ids = [session_id for session_id, _capacity in rows]
    costs = session_costs(ids)
    planned = ZERO
    for session_id, capacity in rows:
        cost = costs.get(session_id)
        if cost is None:
            continue
        booked = cost.charged
        free = max(capacity - booked, 0)
        planned += (cost.price + cost.travel) * free
        if booked == 0 and free > 0:
            planned += cost.fixed
    return planned, len(rows)


def forecast(total: Figures, year: int, now: datetime) -> Forecast:
    planned, sessions = planned_costs(year, now)
    return Forecast(total, planned, sessions)
