"""The team's training plan: sessions that close the most team gap per UE, chosen
greedily (``training_plan``). Gap closed and who may join a session are as for one
person (``talent.competencies.recommendations``, ``talent.competencies.course_offer``);
the plan only uses sessions with free seats and gives each at most ``seats_left``
members.
"""

from __future__ import annotations

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
    closures,
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
    offer = course_offer({c for person in gaps.values() for c in person}, now)
    if not offer.sessions:
        return []
    employees: Employees = matrix.member_query if matrix.member_query is not None else sorted(gaps)
    states = person_states(employees, to_berlin(now).date())
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
        if not may_take(state, offer, session.course_id):
            continue
        if clashes([*state.busy, *planned_busy.get(employee_id, [])], session):
            continue
        closes = closures(offer, session.course_id, person_gaps)
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
