"""The team view a head reads (/talente/team): figures for the whole team from the
database, individual levels only for the members on the page.

- Figures per competence (members with a target, below it, total gap) over ALL members
  of the view, computed in SQL (``talent.competencies.gap_sql``, one statement, one row
  per competence); below ``MIN_GROUP_SIZE`` members with a target they are withheld.
- Competences are grouped by area; areas are paginated (``COLUMNS_PER_PAGE`` competence
  columns at most per page, an area is never split), each with the summed gap of its
  competences (withheld when one of them is).
- Members are ordered by name in SQL (``Employee.name_key``) and paginated; "only gaps"
  keeps the members below target in at least one competence of the view (and the
  competences someone is below target in).
- Levels (``levels.load_levels``) are derived only for the members on the page and the
  competences on the area page.

A fixed number of statements whatever the size of the team, and a fixed number of rows
read (one per competence, one per member on the page): see
``tests/talent/competencies/test_team_view_cost.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea
from academy.org.models import Employee
from talent.competencies.gap_sql import Figures, competence_figures, with_gaps
from talent.competencies.gaps import CompetenceSummary, Member, member_filter, member_rows
from talent.competencies.levels import Level, load_levels

#: Competence columns on one area page (an area with more fills a page of its own).
COLUMNS_PER_PAGE = 8


@dataclass(frozen=True)
class AreaGroup:
    """An area and its competences of the view, in the framework's order."""

    area: CompetenceArea
    competences: list[Competence]
    #: Summed gap of the area's competences; ``None`` when one of them is withheld.
    total_gap: int | None
    below_somewhere: int  # competences of the area with a member below target


@dataclass
class TeamView:
    members: Pagination  #: ``items``: the members on this page (``Member``)
    #: Members of the view before "only gaps" (the figures are over all of them).
    members_all: int
    area_pages: list[list[AreaGroup]]
    area_page: int  #: 1-based; the groups shown are ``area_pages[area_page - 1]``
    summaries: dict[int, CompetenceSummary]
    cells: dict[tuple[int, int], Level]
    min_group_size: int
    today: date
    only_gaps: bool = False
    competence_count: int = 0
    any_withheld: bool = field(default=False)

    @property
    def groups(self) -> list[AreaGroup]:
        if not self.area_pages:
            return []
        return self.area_pages[min(self.area_page, len(self.area_pages)) - 1]

    @property
    def competences(self) -> list[Competence]:
        return [c for group in self.groups for c in group.competences]

    def row(self, member: Member) -> list[Level]:
        return [self.cells[(member.id, c.id)] for c in self.competences]


def summary_of(figures: Figures | None, competence_id: int, minimum: int) -> CompetenceSummary:
    with_target = figures.with_target if figures else 0
    withheld = with_target < minimum
    return CompetenceSummary(
        competence_id=competence_id,
        members_with_target=with_target,
        below_target=None if withheld or figures is None else figures.below_target,
        total_gap=None if withheld or figures is None else figures.total_gap,
        withheld=withheld,
    )


def team_view(
    head_or_hr: User,
    *,
    today: date,
    minimum: int,
    department_id: int | None = None,
    area_id: int | None = None,
    job_role_id: int | None = None,
    only_gaps: bool = False,
    page: int = 1,
    per_page: int = 25,
    area_page: int = 1,
) -> TeamView:
    """The team view for a head (their subtree) or HR (any part); raises
    ``PermissionDenied``/``NotFound`` as ``team_matrix`` does."""
    chosen = member_filter(head_or_hr, department_id, job_role_id)
    members = chosen.clauses()
    figures = competence_figures(chosen, today, area_id)
    summaries = {cid: summary_of(f, cid, minimum) for cid, f in figures.items()}
    wanted = [cid for cid, f in figures.items() if f.below_target > 0 or not only_gaps]
    listed = [*members, with_gaps(members, today, area_id)] if only_gaps else members
    total_all = db.session.scalar(select(func.count()).select_from(Employee).where(*members))
    view = TeamView(
        members=_member_page(listed, page, per_page),
        members_all=int(total_all or 0),
        area_pages=_area_pages(competences_in_order(wanted), summaries, figures),
        area_page=max(area_page, 1),
        summaries=summaries,
        cells={},
        min_group_size=minimum,
        today=today,
        only_gaps=only_gaps,
        competence_count=len(wanted),
        any_withheld=any(s.withheld for s in summaries.values()),
    )
    shown = [c.id for c in view.competences]
    people = [m.id for m in view.members.items]
    if shown and people:
        data = load_levels(people, shown, today)
        view.cells = {(e, c): data.level(e, c) for e in people for c in shown}
    return view


class MemberPage(Pagination):
    """A page of members read with LIMIT/OFFSET and counted in SQL (the pagination
    interface of ``db.paginate``, rows of several columns)."""

    def _query_items(self) -> list[Member]:
        # The page's ids first, from ``ix_employees_team_names`` alone (a team of 13,000
        # is ordered and cut in the index), then the columns of just those rows.
        conditions = self._query_args["conditions"]
        page = (
            select(Employee.id)
            .where(*conditions)
            .order_by(Employee.name_key, Employee.id)
            .limit(self.per_page)
            .offset(self._query_offset)
        )
        rows = db.session.execute(member_rows([Employee.id.in_(page)]))
        return [Member(*row) for row in rows]

    def _query_count(self) -> int:
        conditions = self._query_args["conditions"]
        count = db.session.scalar(select(func.count()).select_from(Employee).where(*conditions))
        return int(count or 0)


def _member_page(conditions: list[Any], page: int, per_page: int) -> Pagination:
    return MemberPage(
        page=page, per_page=per_page, max_per_page=None, error_out=False, conditions=conditions
    )


def competences_in_order(ids: list[int]) -> list[Competence]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Competence)
            .join(CompetenceArea, CompetenceArea.id == Competence.area_id)
            .options(joinedload(Competence.area), joinedload(Competence.framework))
            .where(Competence.id.in_(sorted(ids)))
            .order_by(
                Competence.framework_id,
                CompetenceArea.position,
                Competence.area_id,
                Competence.position,
                Competence.code,
            )
        ).unique()
    )


def _area_pages(
    competences: list[Competence],
    summaries: dict[int, CompetenceSummary],
    figures: dict[int, Figures],
) -> list[list[AreaGroup]]:
    groups: list[AreaGroup] = []
    for competence in competences:
        if groups and groups[-1].area.id == competence.area_id:
            groups[-1].competences.append(competence)
        else:
            groups.append(AreaGroup(competence.area, [competence], None, 0))
    finished = [_with_figures(g, summaries, figures) for g in groups]
    pages: list[list[AreaGroup]] = []
    columns = 0
    for group in finished:
        if not pages or columns + len(group.competences) > COLUMNS_PER_PAGE:
            pages.append([])
            columns = 0
        pages[-1].append(group)
        columns += len(group.competences)
    return pages


def _with_figures(
    group: AreaGroup, summaries: dict[int, CompetenceSummary], figures: dict[int, Figures]
) -> AreaGroup:
    shown = [summaries[c.id] for c in group.competences]
    total = None if any(s.withheld for s in shown) else sum(s.total_gap or 0 for s in shown)
    below = sum(1 for c in group.competences if figures[c.id].below_target > 0)
    return AreaGroup(group.area, group.competences, total, below)
