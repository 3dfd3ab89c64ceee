"""The team figures in set-based SQL (``talent.competencies.gap_sql``) against the
per-person rule (``levels_for``): for random teams, targets, ratings (head, self,
external with validity), completed courses (with validity) and mappings, the figures
per competence, the members with a gap, and every cell of the export grid agree — so
the two cannot drift apart.

Each example writes its rows inside a SAVEPOINT and rolls it back afterwards. The
``db`` fixture is used, not passed: hypothesis would print it with a failing example.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from academy.extensions import db
from academy.org.models import Employee
from talent.competencies.gap_sql import competence_figures, with_gaps
from talent.competencies.gaps import member_conditions, member_filter
from talent.competencies.levels import levels_for
from talent.competencies.team.grid import team_grid
from tests import factories
from tests.talent import factories as tf

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PEOPLE = 4  # the last one has left (inactive) and must never count
COMPETENCES = 3  # 0, 1 in area A; 2 in area B (few, so that evidence piles up)
ROLES = 2
TODAYS = [date(2030, 3, 31), date(2030, 2, 28), date(2028, 2, 29)]
#: Mapping sets to choose from: (source, target, relation); only "equivalent" counts.
MAPPINGS = [
    (),
    ((2, 0, "equivalent"),),
    ((0, 1, "equivalent"), (2, 1, "equivalent")),
    ((1, 2, "related"), (2, 2, "equivalent")),
]


@dataclass(frozen=True)
class Event:
    kind: str  # head | self | external | course
    person: int
    comp: int
    level: int
    offset: int  # days before today (ratings: when; courses: completion)
    extra: int | None = None  # external: valid_until − today in days; course: validity


def events() -> st.SearchStrategy[Event]:
    person = st.integers(0, PEOPLE - 1)
    comp = st.integers(0, COMPETENCES - 1)
    return st.one_of(
        st.builds(
            Event,
            kind=st.sampled_from(["head", "head", "self"]),
            person=person,
            comp=comp,
            level=st.integers(0, 5),
            offset=st.integers(0, 400),
        ),
        st.builds(
            Event,
            kind=st.just("external"),
            person=person,
            comp=comp,
            level=st.integers(0, 5),
            offset=st.integers(0, 400),
            extra=st.none() | st.integers(-40, 40),
        ),
        st.builds(
            Event,
            kind=st.just("course"),
            person=person,
            comp=comp,
            level=st.integers(1, 5),
            offset=st.integers(0, 900),
            extra=st.none() | st.integers(1, 24),
        ),
    )


scenario = st.fixed_dictionaries(
    {
        "today": st.sampled_from(TODAYS),
        "targets": st.lists(
            st.lists(
                st.sampled_from([None, 1, 2, 3, 4, 5]), min_size=COMPETENCES, max_size=COMPETENCES
            ),
            min_size=ROLES,
            max_size=ROLES,
        ),
        "roles": st.lists(st.none() | st.integers(0, ROLES - 1), min_size=PEOPLE, max_size=PEOPLE),
        "mappings": st.sampled_from(MAPPINGS),
        "events": st.lists(events(), max_size=20),
    }
)


@contextmanager
def savepoint() -> Iterator[None]:
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


class Team:
    """The scenario as rows: a head's department with a sub-department."""

    def __init__(self, scene: dict[str, Any]) -> None:
        self.today = scene["today"]
        self.head = factories.user(emp=factories.employee())
        top = factories.department(head=self.head.employee)
        below = factories.department(parent=top)
        roles = [factories.job_role() for _ in range(ROLES)]
        fw = tf.framework()
        self.areas = [tf.area(fw), tf.area(fw)]
        self.comps = [tf.competence(self.areas[min(i // 2, 1)]) for i in range(COMPETENCES)]
        for role, levels in zip(roles, scene["targets"], strict=True):
            for comp, level in zip(self.comps, levels, strict=True):
                if level is not None:
                    tf.target(role, comp, level)
        self.people = []
        for n, role_index in enumerate(scene["roles"]):
            role_id = roles[role_index].id if role_index is not None else None
            person = factories.employee(top if n % 2 else below, job_role_id=role_id)
            self.people.append(person)
        self.people[-1].active = False
        for source, target, relation in scene["mappings"]:
            tf.mapping(self.comps[source], self.comps[target], relation)
        for event in scene["events"]:
            self.add(event)
        db.session.flush()

    def add(self, e: Event) -> None:
        emp, comp = self.people[e.person], self.comps[e.comp]
        at = datetime(self.today.year, self.today.month, self.today.day, 8, tzinfo=UTC)
        at -= timedelta(days=e.offset)
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

    def members(self) -> list[int]:
        """Everyone in the head's subtree who is active (the head included)."""
        conditions = member_conditions(self.head)
        return sorted(db.session.scalars(select(Employee.id).where(*conditions)))

    def expected(self, comps: list[Any]) -> tuple[dict[int, tuple[int, int, int]], set[int]]:
        """Figures per competence and the members with a gap, by the per-person rule."""
        ids = self.members()
        levels = levels_for(ids, [c.id for c in self.comps], self.today)
        figures: dict[int, tuple[int, int, int]] = {}
        gaps: set[int] = set()
        for comp in comps:
            cells = [levels[(e, comp.id)] for e in ids if levels[(e, comp.id)].target]
            if cells:
                figures[comp.id] = (
                    len(cells),
                    sum(1 for lv in cells if lv.gap > 0),
                    sum(lv.gap for lv in cells),
                )
            gaps |= {e for e in ids if levels[(e, comp.id)].gap > 0}
        return figures, gaps


def figures_of(found: dict[int, Any]) -> dict[int, tuple[int, int, int]]:
    return {cid: (f.with_target, f.below_target, f.total_gap) for cid, f in found.items()}


@SETTINGS
@given(scene=scenario)
def test_sql_figures_and_gaps_agree_with_the_per_person_rule(db: Any, scene: Any) -> None:
    with savepoint():
        team = Team(scene)
        members = member_conditions(team.head)
        figures, gaps = team.expected(team.comps)
        assert figures_of(competence_figures(members, team.today)) == figures
        kept = member_filter(team.head)  # the statement built once, values as parameters
        assert figures_of(competence_figures(kept, team.today)) == figures
        listed = set(
            db.session.scalars(select(Employee.id).where(*members, with_gaps(members, team.today)))
        )
        assert listed == gaps
        # one area only: its competences' figures and the gaps in them
        area = team.areas[1]
        in_area = [c for c in team.comps if c.area_id == area.id]
        figures, gaps = team.expected(in_area)
        assert figures_of(competence_figures(members, team.today, area.id)) == figures
        assert figures_of(competence_figures(kept, team.today, area.id)) == figures
        listed = set(
            db.session.scalars(
                select(Employee.id).where(*members, with_gaps(members, team.today, area.id))
            )
        )
        assert listed == gaps


@SETTINGS
@given(scene=scenario)
def test_the_export_grid_has_the_cells_of_the_per_person_rule(db: Any, scene: Any) -> None:
    with savepoint():
        team = Team(scene)
        members = member_conditions(team.head)
        grid = team_grid(members, team.today, minimum=1)
        ids = team.members()
        assert [m.id for m in grid.members] == sorted(
            ids, key=lambda i: (db.session.get(Employee, i).name_key, i)
        )
        levels = levels_for(ids, [c.id for c in grid.competences], team.today)
        for member in grid.members:
            for comp, cell in zip(grid.competences, grid.row(member.id), strict=True):
                level = levels[(member.id, comp.id)]
                expected = (
                    level.current,
                    level.target,
                    level.gap if level.target is not None else None,
                )
                assert cell == expected, (member.id, comp.code)


@pytest.mark.parametrize("only_gaps", [False, True])
def test_only_gaps_keeps_members_and_competences_below_target(db: Any, only_gaps: bool) -> None:
    team = Team(
        {
            "today": TODAYS[0],
            "targets": [[3, 2, None], [None, None, 1]],
            "roles": [0, 0, 1, 0],
            "mappings": (),
            "events": [
                Event("head", 0, 0, 3, 5),  # person 0 reaches c0, not c1
                Event("head", 1, 0, 3, 5),
                Event("head", 1, 1, 2, 5),  # person 1 reaches both: no gap
                Event("external", 2, 2, 1, 5),  # person 2 reaches c2
            ],
        }
    )
    grid = team_grid(member_conditions(team.head), team.today, minimum=1, only_gaps=only_gaps)
    people = {m.id for m in grid.members}
    codes = [c.code for c in grid.competences]
    if only_gaps:
        assert people == {team.people[0].id}
        assert codes == [team.comps[1].code]
    else:
        assert {team.people[0].id, team.people[1].id, team.people[2].id} <= people
        assert codes == [c.code for c in team.comps]
