"""What a course offers to people with gaps, decided set-based in a fixed number of
statements with the same rules as ``courses.enrolment.eligibility.check``: the open
sessions of courses with outcomes for the competences in question (``course_offer``),
whether a person may take a course and a session fits their calendar (``person_states``,
``may_take``, ``clashes``) and which gaps a course closes (``closures``).

- the session is open: not cancelled, not started, enrolment deadline still ahead,
  the course not archived;
- the person is active, has no active enrolment in the course (pending, confirmed,
  waitlisted, attended) and no still-valid completion of it;
- its prerequisites are completed;
- it does not overlap a session the person holds a confirmed place in (self-paced
  courses never clash).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import contains_eager

from academy.extensions import db
from courses.catalogue.models import Course, CourseFormat, CourseOutcome, CoursePrerequisite
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from talent.competencies.level_evidence import Employees, employee_clauses, equivalent_sources
from talent.competencies.levels import Level, expires_on


@dataclass(frozen=True)
class GapClosure:
    competence_id: int
    current: int | None
    reaches: int  # the level the course brings this person to (capped at the target)
    target: int

    @property
    def closed(self) -> int:
        return max(self.reaches - (self.current or 0), 0)


@dataclass
class PersonState:
    """What decides whether someone may join a course's session."""

    active_courses: set[int] = field(default_factory=set)
    completed_courses: set[int] = field(default_factory=set)
    valid_completions: set[int] = field(default_factory=set)
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)


def person_states(employees: Employees, today: date) -> dict[int, PersonState]:
    """Active enrolments, completions and confirmed session times, one statement."""
    states: dict[int, PersonState] = defaultdict(PersonState)
    wanted = [s.value for s in ACTIVE_STATES] + [EnrolmentState.COMPLETED.value]
    for clause in employee_clauses(Enrolment.employee_id, employees):
        rows = db.session.execute(
            select(
                Enrolment.employee_id,
                Enrolment.course_id,
                Enrolment.state,
                Enrolment.completed_on,
                Course.validity_months,
                Course.format,
                CourseSession.starts_at,
                CourseSession.ends_at,
                CourseSession.cancelled_at,
            )
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .join(Course, Course.id == Enrolment.course_id)
            .where(clause, Enrolment.state.in_(wanted))
        )
        for emp, course_id, state, done_on, validity, fmt, starts, ends, cancelled in rows:
            person = states[emp]
            if state == EnrolmentState.COMPLETED.value:
                person.completed_courses.add(course_id)
                until = expires_on(done_on, validity) if done_on is not None else None
                if done_on is not None and (until is None or until >= today):
                    person.valid_completions.add(course_id)
                continue
            person.active_courses.add(course_id)
            if (
                state == EnrolmentState.CONFIRMED.value
                and fmt != CourseFormat.SELF_PACED.value
                and cancelled is None
            ):
                person.busy.append((starts, ends))
    return states


@dataclass
class Offer:
    """Courses with outcomes for the competences in question and open sessions."""

    outcomes: dict[int, dict[int, int]]  # course → competence → level
    sessions: dict[int, list[CourseSession]]  # course → open sessions, earliest first
    prerequisites: dict[int, set[int]]  # course → required course ids
    sources: dict[int, set[int]]  # target competence → equivalent source competences

    def reaches(self, course_id: int, competence_id: int) -> int | None:
        """The level the course gives for ``competence_id`` (own or mapped outcome)."""
        outcomes = self.outcomes.get(course_id, {})
        found = [
            outcomes[c]
            for c in (competence_id, *self.sources.get(competence_id, ()))
            if c in outcomes
        ]
        return max(found) if found else None


def _first_sessions(conditions: list[Any], busy: Iterable[tuple[datetime, datetime]]) -> Any:
    """Ids of the sessions one person could take first per course: the earliest one that
    does not overlap their confirmed sessions (``busy``; self-paced courses never clash)
    and the earliest such one with a free seat — all ``recommendations`` picks from."""
    fits = and_(
        true(),
        *[
            or_(CourseSession.starts_at >= end, CourseSession.ends_at <= start)
            for start, end in busy
        ],
    )
    free = (
        CourseSession.capacity
        - CourseSession.confirmed_count
        - func.coalesce(CourseSession.reserved_seats, 0)
    ) > 0
    order = (CourseSession.starts_at, CourseSession.id)
    ranked = (
        select(
            CourseSession.id,
            free.label("free"),
            func.row_number()
            .over(partition_by=CourseSession.course_id, order_by=order)
            .label("first"),
            func.row_number()
            .over(partition_by=(CourseSession.course_id, free), order_by=order)
            .label("first_of_kind"),
        )
        .join(Course, Course.id == CourseSession.course_id)
        .where(*conditions, or_(Course.format == CourseFormat.SELF_PACED.value, fits))
        .subquery("ranked")
    )
    return select(ranked.c.id).where(
        or_(ranked.c.first == 1, and_(ranked.c.free, ranked.c.first_of_kind == 1))
    )


def course_offer(
    competence_ids: Iterable[int],
    now: datetime,
    *,
    busy: Iterable[tuple[datetime, datetime]] | None = None,
) -> Offer:
    """Four statements: mappings, open sessions, their outcomes, prerequisites. For one
    person (``busy``: their confirmed sessions) only the sessions they could take first
    per course are read, not every open session of the catalogue."""
    wanted = sorted(set(competence_ids))
    sources = equivalent_sources(wanted)
    outcome_comp = sorted(set(wanted).union(*sources.values()))
    sessions: dict[int, list[CourseSession]] = defaultdict(list)
    outcomes: dict[int, dict[int, int]] = defaultdict(dict)
    prerequisites: dict[int, set[int]] = defaultdict(set)
    if not outcome_comp:
        return Offer({}, {}, {}, sources)
    with_outcome = select(CourseOutcome.course_id).where(
        CourseOutcome.competence_id.in_(outcome_comp)
    )
    conditions = [
        CourseSession.course_id.in_(with_outcome),
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at > now,
        CourseSession.enrolment_deadline > now,
        Course.archived.is_(False),
    ]
    if busy is not None:
        conditions = [CourseSession.id.in_(_first_sessions(conditions, busy))]
    found = db.session.scalars(
        select(CourseSession)
        .join(Course, Course.id == CourseSession.course_id)
        .options(contains_eager(CourseSession.course))
        .where(*conditions)
        .order_by(CourseSession.starts_at, CourseSession.id)
    )
    for session in found:
        sessions[session.course_id].append(session)
    if not sessions:
        return Offer({}, {}, {}, sources)
    course_ids = sorted(sessions)
    for course_id, competence_id, level in db.session.execute(
        select(CourseOutcome.course_id, CourseOutcome.competence_id, CourseOutcome.level).where(
            CourseOutcome.course_id.in_(course_ids), CourseOutcome.competence_id.in_(outcome_comp)
        )
    ):
        outcomes[course_id][competence_id] = level
    for course_id, required_id in db.session.execute(
        select(CoursePrerequisite.course_id, CoursePrerequisite.required_course_id).where(
            CoursePrerequisite.course_id.in_(course_ids)
        )
    ):
        prerequisites[course_id].add(required_id)
    return Offer(dict(outcomes), dict(sessions), dict(prerequisites), sources)


def closures(offer: Offer, course_id: int, gaps: Mapping[int, Level]) -> tuple[GapClosure, ...]:
    """What ``course_id`` closes of one person's gaps (competence → Level)."""
    closes = []
    for competence_id in sorted(gaps):
        level = gaps[competence_id]
        reaches = offer.reaches(course_id, competence_id)
        if reaches is None or level.target is None:
            continue
        closure = GapClosure(competence_id, level.current, min(reaches, level.target), level.target)
        if closure.closed > 0:
            closes.append(closure)
    return tuple(closes)


def may_take(state: PersonState, offer: Offer, course_id: int) -> bool:
    return (
        course_id not in state.active_courses
        and course_id not in state.valid_completions
        and offer.prerequisites.get(course_id, set()) <= state.completed_courses
    )


def clashes(busy: Iterable[tuple[datetime, datetime]], session: CourseSession) -> bool:
    if session.course.format == CourseFormat.SELF_PACED.value:
        return False
    return any(start < session.ends_at and end > session.starts_at for start, end in busy)
