"""Courses that close one person's skill gaps (``recommendations``); the team's plan is
``talent.competencies.training_plan``.

Gap closed by a course for a person = Σ over the competences they have a gap in of
``max(min(outcome level, target) − current, 0)`` (``current`` missing counts as 0); an
outcome of a competence that is mapped as equivalent onto the gap's competence counts
for it too. Courses are ranked by gap closed per UE. Whether the person could join a
session follows ``talent.competencies.course_offer``; a full session can still be joined
(waiting list, as in the enrolment service): a recommendation names the earliest
joinable session with a free seat, else the earliest joinable full one with
``waitlist=True``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from academy.clock import to_berlin
from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession
from talent.competencies.course_offer import (
    GapClosure,
    PersonState,
    clashes,
    closures,
    course_offer,
    may_take,
    person_states,
)
from talent.competencies.level_evidence import Key
from talent.competencies.levels import Level, levels_for


@dataclass(frozen=True)
class Recommendation:
    employee_id: int
    course: Course
    session: CourseSession  # the earliest open session the person could join
    gap_closed: int
    per_ue: float
    closes: tuple[GapClosure, ...]
    waitlist: bool  # the session is full: enrolling means a waiting-list place


def recommendations(
    employee_ids: int | Sequence[int],
    gaps: Mapping[Key, Level] | None,
    now: datetime,
    limit: int = 5,
) -> list[Recommendation]:
    """Courses that close the most of each person's gap per UE, each with the earliest
    open session the person could join; at most ``limit`` per person, best first (then
    ordered by person). ``gaps`` are ``levels_for`` results (only pairs with a gap
    matter); ``None`` computes them. A fixed number of statements."""
    people = sorted({employee_ids} if isinstance(employee_ids, int) else set(employee_ids))
    if not people:
        return []
    today = to_berlin(now).date()
    if gaps is None:
        gaps = levels_for(people, None, today)
    active = set(
        db.session.scalars(
            select(Employee.id).where(Employee.id.in_(people), Employee.active.is_(True))
        )
    )
    by_person: dict[int, dict[int, Level]] = defaultdict(dict)
    for (employee_id, competence_id), level in gaps.items():
        if employee_id in active and level.gap > 0:
            by_person[employee_id][competence_id] = level
    if not by_person:
        return []
    states = person_states(sorted(by_person), today)
    # one person: only the sessions they could take first per course are read
    alone = next(iter(by_person)) if len(by_person) == 1 else None
    busy = states.get(alone, PersonState()).busy if alone is not None else None
    offer = course_offer({c for person in by_person.values() for c in person}, now, busy=busy)
    if not offer.sessions:
        return []

    result: list[Recommendation] = []
    for employee_id in sorted(by_person):
        state = states.get(employee_id, PersonState())
        found: list[Recommendation] = []
        for course_id, sessions in offer.sessions.items():
            if not may_take(state, offer, course_id):
                continue
            closes = closures(offer, course_id, by_person[employee_id])
            if not closes:
                continue
            joinable = [s for s in sessions if not clashes(state.busy, s)]
            if not joinable:
                continue
            free = [s for s in joinable if s.seats_left > 0]
            session = free[0] if free else joinable[0]
            closed = sum(c.closed for c in closes)
            found.append(
                Recommendation(
                    employee_id=employee_id,
                    course=session.course,
                    session=session,
                    gap_closed=closed,
                    per_ue=closed / session.course.duration_ue,
                    closes=closes,
                    waitlist=not free,
                )
            )
        found.sort(key=lambda r: (-r.per_ue, -r.gap_closed, r.session.starts_at, r.course.code))
        result.extend(found[:limit])
    return result
