"""Courses that close skill gaps: for one person (``recommendations``) and for a team
(``training_plan``).

Gap closed by a course for a person = Σ over the competences they have a gap in of
``max(min(outcome level, target) − current, 0)`` (``current`` missing counts as 0); an
outcome of a competence that is mapped as equivalent onto the gap's competence counts
for it too. Courses are ranked by gap closed per UE.

"A session the person could join" is decided set-based, in a fixed number of
statements, with the same rules as ``courses.eligibility.check``:

- the session is open: not cancelled, not started, enrolment deadline still ahead,
  the course not archived;
- the person is active, has no active enrolment in the course (pending, confirmed,
  waitlisted, attended) and no still-valid completion of it;
- its prerequisites are completed;
- it does not overlap a session the person holds a confirmed place in (self-paced
  courses never clash);
- a full session can still be joined (waiting list, as in the enrolment service):
  a recommendation names the earliest joinable session with a free seat, else the
  earliest joinable full one with ``waitlist=True``. The team plan only uses sessions
  with free seats and gives each at most ``seats_left`` members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from academy.clock import to_berlin
from academy.extensions import db
from academy.models import Employee
from courses.models import (
    ACTIVE_STATES,
    Course,
    CourseFormat,
    CourseOutcome,
    CoursePrerequisite,
    CourseSession,
    Enrolment,
    EnrolmentState,
)
from talent.gaps import Member, TeamMatrix
from talent.levels import (
    Employees,
    Key,
    Level,
    employee_clauses,
    equivalent_sources,
    expires_on,
    levels_for,
)


@dataclass(frozen=True)
class GapClosure:
    competence_id: int
    current: int | None
    reaches: int  # the level the course brings this person to (capped at the target)
    target: int

    @property
    def closed(self) -> int:
        return max(self.reaches - (self.current or 0), 0)


@dataclass(frozen=True)
class Recommendation:
    employee_id: int
    course: Course
    session: CourseSession  # the earliest open session the person could join
    gap_closed: int
    per_ue: float
    closes: tuple[GapClosure, ...]
    waitlist: bool  # the session is full: enrolling means a waiting-list place


@dataclass(frozen=True)
class MemberBenefit:
    member: Member
    closed: int
    closes: tuple[GapClosure, ...]


@dataclass(frozen=True)
class PlanItem:
    session: CourseSession
    gap_closed: int  # team gap closed: Σ over the members below
    per_ue: float
    members: tuple[MemberBenefit, ...]
    #: Members who would also benefit but find no free seat in this session.
    without_seat: int = 0

    @property
    def course(self) -> Course:
        return self.session.course


# ---------------------------------------------------------------------------
# Set-based loading
# ---------------------------------------------------------------------------


@dataclass
class PersonState:
    """What decides whether someone may join a course's session."""

    active_courses: set[int] = field(default_factory=set)
    completed_courses: set[int] = field(default_factory=set)
    valid_completions: set[int] = field(default_factory=set)
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)


def _person_states(employees: Employees, today: date) -> dict[int, PersonState]:
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


def _offer(competence_ids: Iterable[int], now: datetime) -> Offer:
    """Four statements: mappings, open sessions, their outcomes, prerequisites."""
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
    found = db.session.scalars(
        select(CourseSession)
        .join(Course, Course.id == CourseSession.course_id)
        .options(contains_eager(CourseSession.course))
        .where(
            CourseSession.course_id.in_(with_outcome),
            CourseSession.cancelled_at.is_(None),
            CourseSession.starts_at > now,
            CourseSession.enrolment_deadline > now,
            Course.archived.is_(False),
        )
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


def _closures(offer: Offer, course_id: int, gaps: Mapping[int, Level]) -> tuple[GapClosure, ...]:
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


def _may_take(state: PersonState, offer: Offer, course_id: int) -> bool:
    return (
        course_id not in state.active_courses
        and course_id not in state.valid_completions
        and offer.prerequisites.get(course_id, set()) <= state.completed_courses
    )


def _clashes(busy: Iterable[tuple[datetime, datetime]], session: CourseSession) -> bool:
    if session.course.format == CourseFormat.SELF_PACED.value:
        return False
    return any(start < session.ends_at and end > session.starts_at for start, end in busy)


# ---------------------------------------------------------------------------
# One person (or several, each on their own)
# ---------------------------------------------------------------------------


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
    offer = _offer({c for person in by_person.values() for c in person}, now)
    if not offer.sessions:
        return []
    states = _person_states(sorted(by_person), today)

    result: list[Recommendation] = []
    for employee_id in sorted(by_person):
        state = states.get(employee_id, PersonState())
        found: list[Recommendation] = []
        for course_id, sessions in offer.sessions.items():
            if not _may_take(state, offer, course_id):
                continue
            closes = _closures(offer, course_id, by_person[employee_id])
            if not closes:
                continue
            joinable = [s for s in sessions if not _clashes(state.busy, s)]
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


# ---------------------------------------------------------------------------
# The team
# ---------------------------------------------------------------------------


def training_plan(matrix: TeamMatrix, now: datetime, *, limit: int = 5) -> list[PlanItem]:
    """Sessions that close the most team gap per UE, chosen greedily: each round takes
    the session with the most gap closed per UE over the members who have a gap, may
    take it (see module doc) and fit in its free seats (largest benefit first), then
    counts their gaps as closed by it; a member gets a course at most once and no two
    overlapping sessions. At most ``limit`` items. A fixed number of statements."""
    gaps: dict[int, dict[int, Level]] = defaultdict(dict)
    for (employee_id, competence_id), level in matrix.cells.items():
        if level.gap > 0:
            gaps[employee_id][competence_id] = level
    if not gaps:
        return []
    offer = _offer({c for person in gaps.values() for c in person}, now)
    if not offer.sessions:
        return []
    employees: Employees = matrix.member_query if matrix.member_query is not None else sorted(gaps)
    states = _person_states(employees, to_berlin(now).date())
    order = {m.id: i for i, m in enumerate(matrix.members)}
    members = {m.id: m for m in matrix.members}
    taken: dict[int, set[int]] = defaultdict(set)  # member → courses planned
    planned_busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    candidates = [s for sessions in offer.sessions.values() for s in sessions if s.seats_left > 0]

    plan: list[PlanItem] = []
    while len(plan) < limit and candidates:
        best: tuple[tuple[float, int, datetime, int], PlanItem] | None = None
        for session in candidates:
            item = _plan_item(session, gaps, offer, states, taken, planned_busy, members, order)
            if item is None:
                continue
            rank = (-item.per_ue, -item.gap_closed, session.starts_at, session.id)
            if best is None or rank < best[0]:
                best = (rank, item)
        if best is None:
            break
        item = best[1]
        plan.append(item)
        candidates.remove(item.session)
        for benefit in item.members:
            employee_id = benefit.member.id
            taken[employee_id].add(item.session.course_id)
            planned_busy[employee_id].append((item.session.starts_at, item.session.ends_at))
            for closure in benefit.closes:
                old = gaps[employee_id][closure.competence_id]
                current = max(old.current or 0, closure.reaches)
                gaps[employee_id][closure.competence_id] = Level(
                    current=current,
                    source="course",
                    since=None,
                    self_assessed=old.self_assessed,
                    target=old.target,
                    gap=max((old.target or 0) - current, 0),
                )
    return plan


def _plan_item(
    session: CourseSession,
    gaps: Mapping[int, Mapping[int, Level]],
    offer: Offer,
    states: Mapping[int, PersonState],
    taken: Mapping[int, set[int]],
    planned_busy: Mapping[int, list[tuple[datetime, datetime]]],
    members: Mapping[int, Member],
    order: Mapping[int, int],
) -> PlanItem | None:
    benefits: list[MemberBenefit] = []
    for employee_id, person_gaps in gaps.items():
        if session.course_id in taken.get(employee_id, set()):
            continue
        state = states.get(employee_id, PersonState())
        if not _may_take(state, offer, session.course_id):
            continue
        if _clashes([*state.busy, *planned_busy.get(employee_id, [])], session):
            continue
        closes = _closures(offer, session.course_id, person_gaps)
        if closes:
            benefits.append(
                MemberBenefit(members[employee_id], sum(c.closed for c in closes), closes)
            )
    if not benefits:
        return None
    benefits.sort(key=lambda b: (-b.closed, order[b.member.id]))
    seated = benefits[: session.seats_left]
    closed = sum(b.closed for b in seated)
    return PlanItem(
        session=session,
        gap_closed=closed,
        per_ue=closed / session.course.duration_ue,
        members=tuple(sorted(seated, key=lambda b: order[b.member.id])),
        without_seat=len(benefits) - len(seated),
    )
