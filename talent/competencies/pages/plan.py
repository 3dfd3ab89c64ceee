"""The team's training plan page: the grid of the view (set-based), the gaps of its
members as levels, the plan and the team's total gap (withheld below the minimum group
size)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from academy.accounts.models import User
from academy.org.models import Employee
from talent.competencies.gaps import member_conditions
from talent.competencies.levels import Level
from talent.competencies.pages.team import (
    TeamFilters,
    load_grid,
    minimum_group,
    today_in_berlin,
)
from talent.competencies.team.grid import TeamGrid
from talent.competencies.training_plan import PlanItem, plan_sessions


def gap_levels(grid: TeamGrid) -> dict[int, dict[int, Level]]:
    """Member → competence → ``Level`` where the member is below target."""
    gaps: dict[int, dict[int, Level]] = {}
    for employee_id, cells in grid.cells.items():
        person = {
            competence_id: Level(current, None, None, None, target, gap)
            for competence_id, (current, target, gap) in cells.items()
            if gap
        }
        if person:
            gaps[employee_id] = person
    return gaps


def team_gap(grid: TeamGrid) -> int | None:
    """The whole view's gap, or None (withheld) when fewer than the minimum group size
    have a target at all."""
    with_target = [
        cells for cells in grid.cells.values() if any(t is not None for _c, t, _g in cells.values())
    ]
    if len(with_target) < grid.min_group_size:
        return None
    return sum(g or 0 for cells in with_target for _c, _t, g in cells.values())


def load_plan(
    user: User, filters: TeamFilters, now: datetime
) -> tuple[TeamGrid, list[PlanItem], int | None]:
    grid = load_grid(user, filters, today_in_berlin(now), minimum_group())
    members = member_conditions(user, filters.department_id, filters.job_role_id)
    plan = plan_sessions(grid.members, gap_levels(grid), select(Employee.id).where(*members), now)
    return grid, plan, team_gap(grid)
