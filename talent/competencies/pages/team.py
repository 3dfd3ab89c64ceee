"""The team pages' building blocks: the filters from the query string, the filter form
with the departments of the user's scope, the page's view, the grid of the exports and
the training plan, export labels and files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import Role, User
from academy.auth.policy import has_role
from academy.auth.scope import Scope, scope_of
from academy.clock import to_berlin
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.jobs.runner import JobFile, Progress
from academy.org.heads import order_as_tree
from academy.org.models import Department, JobRole
from academy.web.kit import language, page_number, per_page
from academy.web.urls import MAX_ID
from talent.competencies.forms import TeamFilterForm
from talent.competencies.gaps import member_conditions
from talent.competencies.levels import Level
from talent.competencies.team.cells import CellTexts, row_cells
from talent.competencies.team.export import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    ExportLabels,
    average_gap,
    to_csv,
    to_xlsx,
)
from talent.competencies.team.grid import TeamGrid, team_grid
from talent.competencies.team.view import TeamView, team_view


@dataclass(frozen=True)
class TeamFilters:
    department_id: int | None = None
    area_id: int | None = None
    job_role_id: int | None = None
    only_gaps: bool = False

    def args(self) -> dict[str, int]:
        """The filters as query arguments (for links to the exports and the plan)."""
        values = {
            "department": self.department_id,
            "area": self.area_id,
            "job_role": self.job_role_id,
            "luecken": 1 if self.only_gaps else None,
        }
        return {k: v for k, v in values.items() if v is not None}

    def as_params(self) -> dict[str, Any]:
        return {
            "department_id": self.department_id,
            "area_id": self.area_id,
            "job_role_id": self.job_role_id,
            "only_gaps": self.only_gaps,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> TeamFilters:
        return cls(
            department_id=params.get("department_id"),
            area_id=params.get("area_id"),
            job_role_id=params.get("job_role_id"),
            only_gaps=bool(params.get("only_gaps")),
        )


def _id_arg(name: str) -> int | None:
    """A filter id from the query string: None when absent, -1 (no row) when out of range."""
    value = request.args.get(name, type=int)
    return value if value is None or abs(value) <= MAX_ID else -1


def filters_from_request() -> TeamFilters:
    return TeamFilters(
        department_id=_id_arg("department"),
        area_id=_id_arg("area"),
        job_role_id=_id_arg("job_role"),
        only_gaps=request.args.get("luecken") in ("1", "y", "on"),
    )


def area_page_number() -> int:
    """The page of competence areas asked for with ``?bereich=`` (1 when missing)."""
    value = request.args.get("bereich", 1, type=int) or 1
    return min(max(value, 1), 10_000)


def today_in_berlin(now: datetime) -> date:
    return to_berlin(now).date()


def minimum_group() -> int:
    return int(current_app.config.get("MIN_GROUP_SIZE", 5))


def load_view(user: User, filters: TeamFilters, now: datetime) -> TeamView:
    """The page's view; a department outside the user's scope raises
    ``PermissionDenied`` (403), an unknown one ``NotFound`` (404)."""
    return team_view(
        user,
        today=today_in_berlin(now),
        minimum=minimum_group(),
        department_id=filters.department_id,
        area_id=filters.area_id,
        job_role_id=filters.job_role_id,
        only_gaps=filters.only_gaps,
        page=page_number(),
        per_page=per_page(),
        area_page=area_page_number(),
    )


def load_grid(user: User, filters: TeamFilters, today: date, minimum: int) -> TeamGrid:
    """Every member of the view with their cells (exports, training plan)."""
    members = member_conditions(user, filters.department_id, filters.job_role_id)
    return team_grid(
        members, today, minimum=minimum, area_id=filters.area_id, only_gaps=filters.only_gaps
    )


def filter_form(user: User) -> TeamFilterForm:
    """The filter form with its choices: departments within the user's scope (HR: all
    active ones), areas of the active frameworks, job roles (three queries)."""
    form = TeamFilterForm(formdata=request.args)
    is_hr = has_role(user, Role.HR)
    scope = Scope.whole_organisation() if is_hr else scope_of(user)
    departments = order_as_tree(
        db.session.scalars(
            select(Department).where(Department.active.is_(True), scope.where(Department.id))
        )
    )
    areas = db.session.scalars(
        select(CompetenceArea)
        .join(Framework, Framework.id == CompetenceArea.framework_id)
        .options(joinedload(CompetenceArea.framework))
        .where(Framework.active.is_(True))
        .order_by(Framework.code, CompetenceArea.position, CompetenceArea.code)
    )
    job_roles = db.session.scalars(select(JobRole).order_by(JobRole.title, JobRole.code))
    form.set_choices(
        departments,
        areas,
        job_roles,
        language(),
        all_departments_label=gettext("All departments") if is_hr else gettext("My whole team"),
    )
    return form


def cell_writer() -> Callable[[list[Level], list[Competence]], Markup]:
    """The member rows' cells (``team.cells``) with this request's texts."""
    texts = CellTexts(
        reached=gettext("reached"),
        gap=gettext("gap %(gap)s"),
        no_target=gettext("%(competence)s: no target"),
        spoken=gettext("%(competence)s: gap %(gap)s, current level %(current)s, target %(target)s"),
        none=gettext("none"),
    )
    return lambda levels, competences: row_cells(levels, competences, texts)


def competence_name(competence: Competence) -> str:
    name = getattr(competence, f"name_{language()}", None) or competence.name_de
    return f"{competence.code} {name}"


def withheld_text(minimum: int) -> str:
    return gettext("withheld (fewer than %(n)s people)", n=minimum)


def averages(view: TeamView) -> dict[int, float | None]:
    return {
        cid: average_gap(s.total_gap, s.members_with_target) for cid, s in view.summaries.items()
    }


def export_labels(minimum: int) -> ExportLabels:
    return ExportLabels(
        member=gettext("Member"),
        department=gettext("Department"),
        job_role=gettext("Job role"),
        current="%(competence)s: " + gettext("current level"),
        target="%(competence)s: " + gettext("target"),
        gap="%(competence)s: " + gettext("gap"),
        with_target=gettext("Members with a target"),
        below_target=gettext("Members below target"),
        total_gap=gettext("Total gap"),
        average_gap=gettext("Average gap per member with a target"),
        withheld=withheld_text(minimum),
    )


def export_file(
    user: User,
    filters: TeamFilters,
    kind: str,
    now: datetime,
    progress: Progress | None = None,
    *,
    minimum: int | None = None,
) -> tuple[JobFile, TeamGrid]:
    """The view as a CSV or XLSX file (and the grid it shows, for the access log)."""
    minimum = minimum_group() if minimum is None else minimum
    grid = load_grid(user, filters, today_in_berlin(now), minimum)
    if progress is not None:
        progress(0, len(grid.members))
    labels = export_labels(minimum)
    stem = f"team-kompetenzen-{today_in_berlin(now).isoformat()}"
    if kind == "csv":
        body = to_csv(grid, labels, competence_name, progress)
        return JobFile(f"{stem}.csv", CSV_MIMETYPE, body), grid
    body = to_xlsx(grid, labels, competence_name, gettext("Team competencies"), progress)
    return JobFile(f"{stem}.xlsx", XLSX_MIMETYPE, body), grid
