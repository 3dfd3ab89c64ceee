"""The training plan's planner (which remembers per course what each member gains and
updates only the members planned in a round) against the plain reading of the rule —
every member tried for every open session in every round — on random teams, gaps,
courses, prerequisites, enrolments and busy times: both plans must be identical.

No database: sessions, courses and states are built in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from talent.competencies.course_offer import (
    Offer,
    PersonState,
    clashes,
    closures,
    may_take,
)
from talent.competencies.gaps import Member
from talent.competencies.levels import Level
from talent.competencies.training_plan import MemberBenefit, PlanItem, _Planner

START = datetime(2030, 5, 6, 8, tzinfo=UTC)
PEOPLE, COMPETENCES, COURSES = 8, 4, 4


@dataclass(frozen=True)
class FakeCourse:
    id: int
    duration_ue: int
    format: str


@dataclass(frozen=True)
class FakeSession:
    id: int
    course_id: int
    course: FakeCourse
    starts_at: datetime
    ends_at: datetime
    seats_left: int


def reference(
    members: list[Member],
    gaps: dict[int, dict[int, Level]],
    offer: Offer,
    states: Mapping[int, PersonState],
    limit: int,
) -> list[PlanItem]:
    """Every member for every session in every round (the rule as written)."""
    gaps = {e: dict(p) for e, p in gaps.items()}
    order = {m.id: i for i, m in enumerate(members)}
    by_id = {m.id: m for m in members}
    taken: dict[int, set[int]] = defaultdict(set)
    planned: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    candidates = [s for ss in offer.sessions.values() for s in ss if s.seats_left > 0]
    plan: list[PlanItem] = []
    while len(plan) < limit and candidates:
        best = None
        for session in candidates:
            benefits = []
            for e, person in gaps.items():
                state = states.get(e, PersonState())
                if session.course_id in taken[e] or not may_take(state, offer, session.course_id):
                    continue
                if clashes([*state.busy, *planned[e]], session):  # type: ignore[arg-type]
                    continue
                closes = closures(offer, session.course_id, person)
                if closes:
                    benefits.append(MemberBenefit(by_id[e], sum(c.closed for c in closes), closes))
            if not benefits:
                continue
            benefits.sort(key=lambda b: (-b.closed, order[b.member.id]))
            seated = benefits[: session.seats_left]
            closed = sum(b.closed for b in seated)
            item = PlanItem(
                session=session,  # type: ignore[arg-type]
                gap_closed=closed,
                per_ue=closed / session.course.duration_ue,
                members=tuple(sorted(seated, key=lambda b: order[b.member.id])),
                without_seat=len(benefits) - len(seated),
            )
            rank = (-item.per_ue, -item.gap_closed, session.starts_at, session.id)
            if best is None or rank < best[0]:
                best = (rank, item)
        if best is None:
            break
        item = best[1]
        plan.append(item)
        candidates.remove(item.session)
        for benefit in item.members:
            e = benefit.member.id
            taken[e].add(item.session.course_id)
            planned[e].append((item.session.starts_at, item.session.ends_at))
            for closure in benefit.closes:
                old = gaps[e][closure.competence_id]
                current = max(old.current or 0, closure.reaches)
                gaps[e][closure.competence_id] = Level(
                    current, "course", None, old.self_assessed, old.target,
                    max((old.target or 0) - current, 0),
                )  # fmt: skip
    return plan


world = st.fixed_dictionaries(
    {
        "gaps": st.lists(
            st.lists(
                st.tuples(st.integers(1, 5), st.sampled_from([None, 0, 1, 2])),
                min_size=COMPETENCES,
                max_size=COMPETENCES,
            ),
            min_size=PEOPLE,
            max_size=PEOPLE,
        ),
        "outcomes": st.lists(
            st.dictionaries(st.integers(0, COMPETENCES - 1), st.integers(1, 5), max_size=3),
            min_size=COURSES,
            max_size=COURSES,
        ),
        "mapped": st.booleans(),
        "prerequisite": st.booleans(),
        "sessions": st.lists(
            st.tuples(
                st.integers(0, COURSES - 1),
                st.integers(0, 6),
                st.integers(0, 3),
                st.sampled_from(["in_person", "self_paced"]),
            ),
            min_size=1,
            max_size=7,
        ),
        "states": st.lists(
            st.tuples(
                st.sets(st.integers(0, COURSES - 1), max_size=2),
                st.sets(st.integers(0, COURSES - 1), max_size=2),
                st.lists(st.integers(0, 6), max_size=2),
            ),
            min_size=PEOPLE,
            max_size=PEOPLE,
        ),
        "limit": st.integers(1, 5),
    }
)


def build(w: dict[str, Any]) -> tuple[Any, ...]:
    members = [Member(100 + i, "Vor", f"Name{i:02d}", 1, "Amt", 1, "Rolle") for i in range(PEOPLE)]
    gaps: dict[int, dict[int, Level]] = {}
    for member, cells in zip(members, w["gaps"], strict=True):
        person = {}
        for competence, (target, current) in enumerate(cells):
            gap = max(target - (current or 0), 0)
            if gap:
                person[competence] = Level(current, None, None, None, target, gap)
        if person:
            gaps[member.id] = person
    courses = [FakeCourse(i, 4 + 4 * (i % 3), "in_person") for i in range(COURSES)]
    sessions: dict[int, list[Any]] = defaultdict(list)
    for n, (course_id, day, seats, fmt) in enumerate(w["sessions"]):
        course = FakeCourse(course_id, courses[course_id].duration_ue, fmt)
        starts = START + timedelta(days=day)
        sessions[course_id].append(
            FakeSession(n + 1, course_id, course, starts, starts + timedelta(hours=6), seats)
        )
    for listed in sessions.values():
        listed.sort(key=lambda s: (s.starts_at, s.id))
    offer = Offer(
        outcomes={i: dict(o) for i, o in enumerate(w["outcomes"])},
        sessions=dict(sessions),
        prerequisites={1: {0}} if w["prerequisite"] else {},
        sources={0: {3}} if w["mapped"] else {},
    )
    states = {}
    for member, (active, completed, busy_days) in zip(members, w["states"], strict=True):
        busy = [(START + timedelta(days=d), START + timedelta(days=d, hours=2)) for d in busy_days]
        states[member.id] = PersonState(set(active), set(completed), set(completed), busy)
    return members, gaps, offer, states, w["limit"]


def shape(plan: list[PlanItem]) -> list[tuple[Any, ...]]:
    return [
        (
            i.session.id,
            i.gap_closed,
            i.without_seat,
            [(b.member.id, b.closed, b.closes) for b in i.members],
        )
        for i in plan
    ]


@settings(max_examples=300, deadline=None)
@given(w=world)
def test_the_planner_plans_as_the_rule_reads(w: dict[str, Any]) -> None:
    members, gaps, offer, states, limit = build(w)
    expected = reference(members, gaps, offer, states, limit) if gaps else []
    got = _Planner(members, {e: dict(p) for e, p in gaps.items()}, offer, states, limit).run()
    assert shape(got) == shape(expected)
