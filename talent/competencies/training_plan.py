"""The team's training plan: sessions that close the most team gap per UE, chosen
greedily (``plan_sessions``). Gap closed and who may join a session are as for one
person (``talent.competencies.recommendations``, ``talent.competencies.course_offer``);
the plan only uses sessions with free seats and gives each at most ``seats_left``
members.

What each member would gain from each course is worked out once and then only again for
the members planned in a round (their gaps and plans change), and a session looks only
at the members who could gain from its course — so a plan for 13,000 people takes a
second or two, not half a minute. The result is the same as trying every member for
every session in every round (``tests/talent/competencies/test_gaps.py``).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from academy.clock import to_berlin
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession
from talent.competencies.course_offer import (
    GapClosure,
    Offer,
    PersonState,
    clashes,
    course_offer,
    may_take,
    person_states,
)
from talent.competencies.gaps import Member, TeamMatrix
from talent.competencies.level_evidence import Employees
from talent.competencies.levels import Level


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


def training_plan(matrix: TeamMatrix, now: datetime, *, limit: int = 5) -> list[PlanItem]:
    """The plan for a matrix (its members and their levels)."""
    gaps: dict[int, dict[int, Level]] = defaultdict(dict)
    for (employee_id, competence_id), level in matrix.cells.items():
        if level.gap > 0:
            gaps[employee_id][competence_id] = level
    employees = matrix.member_query if matrix.member_query is not None else sorted(gaps)
    return plan_sessions(matrix.members, gaps, employees, now, limit=limit)


def plan_sessions(
    members: list[Member],
    gaps: Mapping[int, dict[int, Level]],
    employees: Employees,
    now: datetime,
    *,
    limit: int = 5,
) -> list[PlanItem]:
    """Each round takes the session with the most gap closed per UE over the members who
    have a gap, may take it (see module doc) and fit in its free seats (largest benefit
    first), then counts their gaps as closed by it; a member gets a course at most once
    and no two overlapping sessions. At most ``limit`` items. A fixed number of
    statements (``gaps``: member → competence → ``Level`` of the members below target)."""
    gaps = {e: dict(person) for e, person in gaps.items() if person}
    if not gaps:
        return []
    offer = course_offer({c for person in gaps.values() for c in person}, now)
    if not offer.sessions:
        return []
    planner = _Planner(members, gaps, offer, person_states(employees, to_berlin(now).date()), limit)
    return planner.run()


_NOBODY = PersonState()  # no enrolments, completions or confirmed places


class _Planner:
    """The greedy plan, with what does not change remembered: per course what each
    member would gain (kept sorted; only the members planned in a round are updated),
    per session who is busy at that time (from the few distinct busy intervals)."""

    def __init__(
        self,
        members: list[Member],
        gaps: dict[int, dict[int, Level]],
        offer: Offer,
        states: Mapping[int, PersonState],
        limit: int,
    ) -> None:
        self.gaps, self.offer, self.states, self.limit = gaps, offer, states, limit
        self.order = {m.id: i for i, m in enumerate(members)}
        self.members = {m.id: m for m in members}
        self.taken: dict[int, set[int]] = defaultdict(set)  # member → courses planned
        self.planned: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        self.candidates = [
            s for sessions in offer.sessions.values() for s in sessions if s.seats_left > 0
        ]
        #: course → member → levels closed, only members who gain and may take it
        self.benefits: dict[int, dict[int, int]] = {}
        #: course → sorted keys (-closed, order, member) of ``benefits[course]``
        self.ranked: dict[int, list[tuple[int, int, int]]] = {}
        #: busy interval → members holding a confirmed place then (gap members only)
        self.busy_at: dict[tuple[datetime, datetime], set[int]] = defaultdict(set)
        for employee_id, state in states.items():
            if employee_id in gaps:
                for interval in state.busy:
                    self.busy_at[interval].add(employee_id)
        self.clashing: dict[int, set[int]] = {}  # session → busy members (confirmed places)
        by_competence: dict[int, set[int]] = defaultdict(set)  # competence → members
        for employee_id, person in gaps.items():
            for competence_id in person:
                by_competence[competence_id].add(employee_id)
        #: course → competence → the level the course gives for it (own or mapped)
        self.reach: dict[int, dict[int, int]] = {}
        for course_id in {s.course_id for s in self.candidates}:
            reach = {c: offer.reaches(course_id, c) for c in by_competence}
            self.reach[course_id] = {c: r for c, r in reach.items() if r is not None}
            self.benefits[course_id] = found = {}
            for employee_id in set().union(*(by_competence[c] for c in self.reach[course_id])):
                closed = self._closed(course_id, employee_id)
                if closed:
                    found[employee_id] = closed
            self.ranked[course_id] = sorted((-c, self.order[e], e) for e, c in found.items())

    def _closures(self, course_id: int, person: Mapping[int, Level]) -> tuple[GapClosure, ...]:
        """``course_offer.closures`` with the course's reach worked out once."""
        reach = self.reach[course_id]
        closes = []
        for competence_id in sorted(person):
            level, reaches = person[competence_id], reach.get(competence_id)
            if reaches is None or level.target is None:
                continue
            closure = GapClosure(
                competence_id, level.current, min(reaches, level.target), level.target
            )
            if closure.closed > 0:
                closes.append(closure)
        return tuple(closes)

    def _closed(self, course_id: int, employee_id: int) -> int:
        """Levels the course would close for the member (0: none, or may not take it)."""
        if course_id in self.taken.get(employee_id, ()):
            return 0
        if not may_take(self.states.get(employee_id, _NOBODY), self.offer, course_id):
            return 0
        reach, closed = self.reach[course_id], 0
        for competence_id, level in self.gaps[employee_id].items():
            reaches = reach.get(competence_id)
            if reaches is not None and level.target is not None:
                closed += max(min(reaches, level.target) - (level.current or 0), 0)
        return closed

    def _gain(self, course_id: int, employee_id: int) -> None:
        """Work out again what the member gains from the course (after a round)."""
        found, ranked = self.benefits[course_id], self.ranked[course_id]
        old = found.pop(employee_id, None)
        if old is not None:
            del ranked[bisect_left(ranked, (-old, self.order[employee_id], employee_id))]
        closed = self._closed(course_id, employee_id)
        if closed:
            found[employee_id] = closed
            insort(ranked, (-closed, self.order[employee_id], employee_id))

    def _busy_then(self, session: CourseSession) -> set[int]:
        """Members with a confirmed place in a session overlapping ``session``."""
        known = self.clashing.get(session.id)
        if known is None:
            known = set()
            for interval, people in self.busy_at.items():
                if clashes([interval], session):
                    known |= people
            self.clashing[session.id] = known
        return known

    def _item(self, session: CourseSession) -> PlanItem | None:
        found = self.benefits[session.course_id]
        if not found:
            return None
        clashing = self._busy_then(session) & found.keys()
        clashing |= {
            e for e in self.planned.keys() & found.keys() if clashes(self.planned[e], session)
        }
        eligible = len(found) - len(clashing)
        if not eligible:
            return None
        seated: list[int] = []
        for _minus_closed, _order, employee_id in self.ranked[session.course_id]:
            if employee_id not in clashing:
                seated.append(employee_id)
                if len(seated) == session.seats_left:
                    break
        benefits = [
            MemberBenefit(
                self.members[e], found[e], self._closures(session.course_id, self.gaps[e])
            )
            for e in sorted(seated, key=self.order.__getitem__)
        ]
        closed = sum(b.closed for b in benefits)
        return PlanItem(
            session=session,
            gap_closed=closed,
            per_ue=closed / session.course.duration_ue,
            members=tuple(benefits),
            without_seat=eligible - len(seated),
        )

    def run(self) -> list[PlanItem]:
        plan: list[PlanItem] = []
        while len(plan) < self.limit and self.candidates:
            best: tuple[tuple[float, int, datetime, int], PlanItem] | None = None
            for session in self.candidates:
                item = self._item(session)
                if item is None:
                    continue
                rank = (-item.per_ue, -item.gap_closed, session.starts_at, session.id)
                if best is None or rank < best[0]:
                    best = (rank, item)
            if best is None:
                break
            item = best[1]
            plan.append(item)
            self.candidates.remove(item.session)
            self._take(item)
        return plan

    def _take(self, item: PlanItem) -> None:
        for benefit in item.members:
            employee_id = benefit.member.id
            self.taken[employee_id].add(item.session.course_id)
            self.planned[employee_id].append((item.session.starts_at, item.session.ends_at))
            person = self.gaps[employee_id]
            for closure in benefit.closes:
                old = person[closure.competence_id]
                current = max(old.current or 0, closure.reaches)
                person[closure.competence_id] = Level(
                    current=current,
                    source="course",
                    since=None,
                    self_assessed=old.self_assessed,
                    target=old.target,
                    gap=max((old.target or 0) - current, 0),
                )
            for course_id in self.benefits:
                self._gain(course_id, employee_id)
