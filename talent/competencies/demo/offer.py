"""What the demo employee could join: the courses step's open sessions, and which of her
gaps a course with such a session closes (her levels are lowered where none would).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from academy.extensions import db
from courses.catalogue.models import Course, CourseFormat, CourseOutcome, CoursePrerequisite
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession

# ---------------------------------------------------------------------------
# What the demo employee could join: the courses step's open sessions
# ---------------------------------------------------------------------------


@dataclass
class CourseOffer:
    """Courses with an open session the demo employee could join, and her evidence."""

    #: course → competence → outcome level (courses she could join)
    joinable: dict[int, dict[int, int]] = field(default_factory=dict)
    #: competence → highest outcome level of the courses she completed
    evidence: dict[int, int] = field(default_factory=dict)


def employee_offer(employee_id: int, now: datetime) -> CourseOffer:
    """Four statements: open sessions, outcomes, prerequisites, her enrolments. The
    check is stricter than ``talent.competencies.recommendations`` (every completion counts as
    evidence and excludes its course), so what it finds is recommended."""
    open_sessions: dict[int, list[tuple[datetime, datetime, bool]]] = defaultdict(list)
    for course_id, starts, ends, fmt in db.session.execute(
        select(
            CourseSession.course_id, CourseSession.starts_at, CourseSession.ends_at, Course.format
        )
        .join(Course, Course.id == CourseSession.course_id)
        .where(
            CourseSession.cancelled_at.is_(None),
            CourseSession.starts_at > now,
            CourseSession.enrolment_deadline > now,
            Course.archived.is_(False),
        )
    ):
        open_sessions[course_id].append((starts, ends, fmt == CourseFormat.SELF_PACED.value))
    outcomes: dict[int, dict[int, int]] = defaultdict(dict)
    for course_id, competence_id, level in db.session.execute(
        select(CourseOutcome.course_id, CourseOutcome.competence_id, CourseOutcome.level)
    ):
        outcomes[course_id][competence_id] = level
    prerequisites: dict[int, set[int]] = defaultdict(set)
    for course_id, required in db.session.execute(
        select(CoursePrerequisite.course_id, CoursePrerequisite.required_course_id)
    ):
        prerequisites[course_id].add(required)
    active: set[int] = set()
    completed: set[int] = set()
    busy: list[tuple[datetime, datetime]] = []
    for course_id, state, starts, ends, fmt, cancelled in db.session.execute(
        select(
            Enrolment.course_id,
            Enrolment.state,
            CourseSession.starts_at,
            CourseSession.ends_at,
            Course.format,
            CourseSession.cancelled_at,
        )
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.employee_id == employee_id)
    ):
        if state == EnrolmentState.COMPLETED.value:
            completed.add(course_id)
        elif state in {s.value for s in ACTIVE_STATES}:
            active.add(course_id)
            if (
                state == EnrolmentState.CONFIRMED.value
                and fmt != CourseFormat.SELF_PACED.value
                and cancelled is None
            ):
                busy.append((starts, ends))
    offer = CourseOffer()
    for course_id in completed:
        for competence_id, level in outcomes.get(course_id, {}).items():
            offer.evidence[competence_id] = max(offer.evidence.get(competence_id, 0), level)
    for course_id, sessions in sorted(open_sessions.items()):
        if course_id in active or course_id in completed:
            continue
        if not prerequisites.get(course_id, set()) <= completed:
            continue
        if not any(
            self_paced or all(ends <= s or starts >= e for s, e in busy)
            for starts, ends, self_paced in sessions
        ):
            continue
        if outcomes.get(course_id):
            offer.joinable[course_id] = outcomes[course_id]
    return offer


def closable_gaps(
    offer: CourseOffer, targets: dict[int, int], head_levels: dict[int, int]
) -> list[tuple[int, int, int]]:
    """(competence, course, level the course brings her to) for every gap of hers that
    a joinable course closes at least partly."""
    found = []
    for competence_id, target in sorted(targets.items()):
        current = max(head_levels.get(competence_id, 0), offer.evidence.get(competence_id, 0))
        for course_id, outcomes in sorted(offer.joinable.items()):
            reaches = min(outcomes.get(competence_id, 0), target)
            if reaches > current:
                found.append((competence_id, course_id, reaches))
    return found


def ensure_closable(
    offer: CourseOffer, targets: dict[int, int], head_levels: dict[int, int]
) -> dict[int, int]:
    """Her head's levels, lowered in one competence if no joinable course would close
    any of her gaps otherwise (the catalogue's sessions depend on the seed and day)."""
    if closable_gaps(offer, targets, head_levels) or not offer.joinable:
        return head_levels
    best: tuple[int, int, int] | None = None  # (closable, -competence, reaches)
    for competence_id, target in sorted(targets.items()):
        for outcomes in offer.joinable.values():
            reaches = min(outcomes.get(competence_id, 0), target)
            room = reaches - offer.evidence.get(competence_id, 0)
            if room > 0 and (best is None or (room, -competence_id) > best[:2]):
                best = (room, -competence_id, reaches)
    if best is None:
        return head_levels
    adjusted = dict(head_levels)
    adjusted[-best[1]] = min(adjusted.get(-best[1], best[2]), best[2] - 1)
    return adjusted
