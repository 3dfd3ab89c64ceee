"""Property tests: for random ratings and evidence, ``levels_for`` agrees with a
straightforward Python reading of the rule (DOMAIN.md), gaps are never negative, valid
evidence never widens a gap and self-assessments never move the current level.

Each example writes its rows inside a SAVEPOINT and rolls it back afterwards. The
``db`` fixture is used, not passed: hypothesis would print it with a failing example.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.clock import to_berlin
from academy.extensions import db
from talent.competencies.levels import Level, levels_for
from tests import factories
from tests.talent import factories as tf

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PEOPLE = 2
COMPETENCES = 3  # competence 2 is mapped (equivalent) onto competence 0
MAPPED = {0: [2]}
TODAYS = [date(2030, 3, 31), date(2030, 2, 28), date(2028, 2, 29), date(2030, 1, 15)]


@dataclass(frozen=True)
class Event:
    kind: str  # head | self | external | course
    person: int
    comp: int
    level: int
    offset: int  # days before today (ratings: when; courses: completion)
    extra: int | None = None  # external: valid_until − today in days; course: validity months


def events() -> st.SearchStrategy[Event]:
    person = st.integers(0, PEOPLE - 1)
    comp = st.integers(0, COMPETENCES - 1)
    level = st.integers(0, 5)
    ratings = st.builds(
        Event,
        kind=st.sampled_from(["head", "self"]),
        person=person,
        comp=comp,
        level=level,
        offset=st.integers(0, 800),
    )
    externals = st.builds(
        Event,
        kind=st.just("external"),
        person=person,
        comp=comp,
        level=level,
        offset=st.integers(0, 800),
        extra=st.none() | st.integers(-40, 40),
    )
    courses = st.builds(
        Event,
        kind=st.just("course"),
        person=person,
        comp=comp,
        level=st.integers(1, 5),
        offset=st.integers(0, 1200),
        extra=st.none() | st.integers(1, 36),
    )
    return st.one_of(ratings, externals, courses)


scenario = st.fixed_dictionaries(
    {
        "today": st.sampled_from(TODAYS),
        "targets": st.lists(
            st.none() | st.integers(1, 5), min_size=COMPETENCES, max_size=COMPETENCES
        ),
        "events": st.lists(events(), max_size=12),
    }
)


# ---------------------------------------------------------------------------
# The reference: the rule read literally
# ---------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rated_at(today: date, offset: int) -> datetime:
    return datetime(today.year, today.month, today.day, 8, tzinfo=UTC) - timedelta(days=offset)


def reference(scene: dict[str, Any], person: int, comp: int) -> tuple[Level, int | None]:
    """The level and, when it comes from a mapped competence, that competence's index."""
    today = scene["today"]
    numbered = list(enumerate(scene["events"]))
    counting: list[tuple[tuple[int, date, int, int], Event, int]] = []  # (rank, event, comp)
    rank_of = {"external": 0, "course": 1, "head": 2}
    for source_comp in [comp, *MAPPED.get(comp, [])]:
        own = int(source_comp == comp)
        mine = [(i, e) for i, e in numbered if e.person == person and e.comp == source_comp]
        heads = [(i, e) for i, e in mine if e.kind == "head"]
        if heads:  # only the latest head rating (then the last recorded) counts
            _, latest = max(heads, key=lambda p: (rated_at(today, p[1].offset), p[0]))
            since = to_berlin(rated_at(today, latest.offset)).date()
            counting.append(((latest.level, since, rank_of["head"], own), latest, source_comp))
        for _i, e in mine:
            if e.kind == "external" and (e.extra is None or e.extra >= 0):
                since = to_berlin(rated_at(today, e.offset)).date()
                counting.append(((e.level, since, rank_of["external"], own), e, source_comp))
            if e.kind == "course":
                done = today - timedelta(days=e.offset)
                if e.extra is None or add_months(done, e.extra) >= today:
                    counting.append(((e.level, done, rank_of["course"], own), e, source_comp))
    selfs = [
        (i, e) for i, e in numbered if e.person == person and e.comp == comp and e.kind == "self"
    ]
    self_assessed = None
    if selfs:
        self_assessed = max(selfs, key=lambda p: (rated_at(today, p[1].offset), p[0]))[1].level
    target = scene["targets"][comp]
    if not counting:
        return Level(None, None, None, self_assessed, target, target or 0), None
    rank, best, source_comp = max(counting, key=lambda c: c[0])
    current = best.level
    level = Level(
        current=current,
        source=best.kind,
        since=rank[1],
        self_assessed=self_assessed,
        target=target,
        gap=max(target - current, 0) if target is not None else 0,
    )
    return level, None if source_comp == comp else source_comp


# ---------------------------------------------------------------------------
# Writing a scenario as rows
# ---------------------------------------------------------------------------


@contextmanager
def savepoint() -> Iterator[None]:
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


class World:
    def __init__(self, scene: dict[str, Any]) -> None:
        self.today = scene["today"]
        role = factories.job_role()
        self.people = [factories.employee(job_role_id=role.id) for _ in range(PEOPLE)]
        self.comps = [tf.competence() for _ in range(COMPETENCES)]
        for target_index, sources in MAPPED.items():
            for source_index in sources:
                tf.mapping(self.comps[source_index], self.comps[target_index])
        for comp, level in zip(self.comps, scene["targets"], strict=True):
            if level is not None:
                tf.target(role, comp, level)
        for event in scene["events"]:
            self.add(event)

    def add(self, e: Event) -> None:
        emp, comp = self.people[e.person], self.comps[e.comp]
        at = rated_at(self.today, e.offset)
        if e.kind == "head":
            tf.head_rating(emp, comp, e.level, at=at)
        elif e.kind == "self":
            tf.self_rating(emp, comp, e.level, at=at)
        elif e.kind == "external":
            until = None if e.extra is None else self.today + timedelta(days=e.extra)
            tf.external(emp, comp, e.level, valid_until=until, at=at)
        else:
            done = self.today - timedelta(days=e.offset)
            tf.course_evidence(emp, comp, e.level, completed_on=done, validity_months=e.extra)

    def levels(self) -> dict[tuple[int, int], Level]:
        found = levels_for([p.id for p in self.people], [c.id for c in self.comps], self.today)
        return {
            (pi, ci): found[(p.id, c.id)]
            for pi, p in enumerate(self.people)
            for ci, c in enumerate(self.comps)
        }

    def expected(self, scene: dict[str, Any]) -> dict[tuple[int, int], Level]:
        result = {}
        for pi in range(PEOPLE):
            for ci in range(COMPETENCES):
                ref, via = reference(scene, pi, ci)
                if via is not None:
                    ref = replace(ref, via_competence_id=self.comps[via].id)
                result[(pi, ci)] = ref
        return result


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@pytest.mark.usefixtures("db")
@SETTINGS
@given(scene=scenario)
def test_levels_for_agrees_with_the_reference(scene: dict[str, Any]) -> None:
    with savepoint():
        world = World(scene)
        found = world.levels()
        assert found == world.expected(scene)
        assert all(level.gap >= 0 for level in found.values())


valid_evidence = st.one_of(
    st.builds(
        Event,
        kind=st.just("external"),
        person=st.integers(0, PEOPLE - 1),
        comp=st.integers(0, COMPETENCES - 1),
        level=st.integers(0, 5),
        offset=st.integers(0, 800),
        extra=st.none() | st.integers(0, 40),
    ),
    st.builds(
        Event,
        kind=st.just("course"),
        person=st.integers(0, PEOPLE - 1),
        comp=st.integers(0, COMPETENCES - 1),
        level=st.integers(1, 5),
        offset=st.integers(0, 25),  # within the shortest validity
        extra=st.none() | st.integers(1, 36),
    ),
)


@pytest.mark.usefixtures("db")
@SETTINGS
@given(scene=scenario, more=st.lists(valid_evidence, min_size=1, max_size=3))
def test_adding_valid_evidence_never_widens_a_gap(scene: dict[str, Any], more: list[Event]) -> None:
    with savepoint():
        world = World(scene)
        before = world.levels()
        for event in more:
            world.add(event)
        after = world.levels()
        for key, level in before.items():
            assert after[key].gap <= level.gap
            assert (after[key].current or 0) >= (level.current or 0)


@pytest.mark.usefixtures("db")
@SETTINGS
@given(
    scene=scenario,
    selfs=st.lists(
        st.tuples(
            st.integers(0, PEOPLE - 1),
            st.integers(0, COMPETENCES - 1),
            st.integers(0, 5),
            st.integers(0, 800),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_self_assessments_never_change_the_current_level(
    scene: dict[str, Any], selfs: list[tuple[int, int, int, int]]
) -> None:
    with savepoint():
        world = World(scene)
        before = world.levels()
        for person, comp, level, offset in selfs:
            world.add(Event("self", person, comp, level, offset))
        after = world.levels()
        for key, level in before.items():
            assert (after[key].current, after[key].source, after[key].since) == (
                level.current,
                level.source,
                level.since,
            )
            assert after[key].gap == level.gap
