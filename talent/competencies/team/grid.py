"""The team's levels as a grid for the exports and the training plan: every member of a
view × every competence a member has a target for, read set-based (``gap_sql``) in a few
statements — no ``Level`` object per cell, so that an organisation-wide export of 50,000
people reads rows instead of deriving 1.5 million levels one by one.

Per member and competence: (current, target, gap); target and gap are ``None`` without
a target, current is ``None`` without evidence. The same rule as ``levels`` (tested
against it in ``tests/talent/competencies/test_gap_sql.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from academy.extensions import db
from academy.frameworks.models import Competence
from talent.competencies.evidence_sql import Members, current_levels
from talent.competencies.gap_sql import competence_figures, pair_rows, with_gaps
from talent.competencies.gaps import CompetenceSummary, Member, member_rows
from talent.competencies.team.view import competences_in_order, summary_of

Cell = tuple[int | None, int | None, int | None]  # current, target, gap
EMPTY: Cell = (None, None, None)


@dataclass
class TeamGrid:
    members: list[Member]
    competences: list[Competence]
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    summaries: dict[int, CompetenceSummary] = field(default_factory=dict)
    min_group_size: int = 5

    def row(self, member_id: int) -> list[Cell]:
        cells = self.cells.get(member_id, {})
        return [cells.get(c.id, EMPTY) for c in self.competences]

    @property
    def any_withheld(self) -> bool:
        return any(s.withheld for s in self.summaries.values())


def team_grid(
    members: Members,
    today: date,
    *,
    minimum: int,
    area_id: int | None = None,
    only_gaps: bool = False,
) -> TeamGrid:
    """Members (by name) and their cells; figures per competence over all members."""
    figures = competence_figures(members, today, area_id)
    wanted = [cid for cid, f in figures.items() if f.below_target > 0 or not only_gaps]
    listed = [*members, with_gaps(members, today, area_id)] if only_gaps else list(members)
    grid = TeamGrid(
        members=member_list(listed),
        competences=competences_in_order(wanted),
        summaries={cid: summary_of(f, cid, minimum) for cid, f in figures.items()},
        min_group_size=minimum,
    )
    shown = {c.id for c in grid.competences}
    if not shown or not grid.members:
        return grid
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    current = current_levels(listed, today)
    for employee_id, competence_id, level in db.session.execute(
        select(current.c.employee_id, current.c.competence_id, current.c.current).where(
            current.c.competence_id.in_(sorted(shown))
        )
    ):
        cells[employee_id][competence_id] = (level, None, None)
    for employee_id, competence_id, target, _level, gap in db.session.execute(
        pair_rows(listed, today, area_id)
    ):
        if competence_id in shown:
            known = cells[employee_id].get(competence_id)
            cells[employee_id][competence_id] = (known[0] if known else None, target, gap)
    grid.cells = dict(cells)
    return grid


def member_list(conditions: Sequence[Any]) -> list[Member]:
    return [Member(*row) for row in db.session.execute(member_rows(conditions))]
