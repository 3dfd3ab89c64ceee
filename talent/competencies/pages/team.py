"""The team pages' building blocks: the filters from the query string, the filter form
with the departments of the user's scope, the matrix, its figures and export labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from academy.accounts.models import Role, User
from academy.auth.policy import has_role
from academy.auth.scope import Scope, scope_of
from academy.clock import to_berlin
from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.org.heads import order_as_tree
from academy.org.models import Department, JobRole
from academy.web.kit import ListPagination, language, page_number, per_page
from talent.competencies.forms import TeamFilterForm
from talent.competencies.gaps import TeamMatrix, team_matrix
from talent.competencies.team_export import (
    ExportLabels,
    average_gap,
    matrix_table,
    to_csv,
    to_xlsx,
)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class TeamFilters:
    department_id: int | None = None
    area_id: int | None = None
    job_role_id: int | None = None

    def args(self) -> dict[str, int]:
        """The filters as query arguments (for links to the exports and the plan)."""
        values = {
            "department": self.department_id,
            "area": self.area_id,
            "job_role": self.job_role_id,
        }
        return {k: v for k, v in values.items() if v is not None}


#: The largest id a filter may name (a database INTEGER): a larger number names no row
#: (and must not reach the database, which cannot hold it).
MAX_ID = 2**31 - 1


def _id_arg(name: str) -> int | None:
    """A filter id from the query string: None when absent, -1 (no row) when out of range."""
    value = request.args.get(name, type=int)
    return value if value is None or abs(value) <= MAX_ID else -1


def filters_from_request() -> TeamFilters:
    return TeamFilters(
        department_id=_id_arg("department"),
        area_id=_id_arg("area"),
        job_role_id=_id_arg("job_role"),
    )


def today_in_berlin(now: datetime) -> date:
    return to_berlin(now).date()


def load_matrix(user: User, filters: TeamFilters, now: datetime) -> TeamMatrix:
    """The matrix for the filters; a department outside the user's scope raises
    ``PermissionDenied`` (403), an unknown one ``NotFound`` (404)."""
    return team_matrix(
        user,
        department_id=filters.department_id,
        area_id=filters.area_id,
        job_role_id=filters.job_role_id,
        today=today_in_berlin(now),
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


def member_page(matrix: TeamMatrix) -> ListPagination:
    """The page of members the matrix shows (any page size the configuration sets)."""
    return ListPagination(
        page=page_number(),
        per_page=per_page(),
        max_per_page=None,
        error_out=False,
        items=matrix.members,
    )


def competence_name(competence: Competence) -> str:
    name = getattr(competence, f"name_{language()}", None) or competence.name_de
    return f"{competence.code} {name}"


def withheld_text(matrix: TeamMatrix) -> str:
    return gettext("withheld (fewer than %(n)s people)", n=matrix.min_group_size)


def averages(matrix: TeamMatrix) -> dict[int, float | None]:
    return {
        cid: average_gap(s.total_gap, s.members_with_target) for cid, s in matrix.summaries.items()
    }


def team_gap(matrix: TeamMatrix) -> int | None:
    """The whole team's gap, or None (withheld) when fewer than the minimum group size
    have a target at all."""
    with_target = {e for (e, _c), level in matrix.cells.items() if level.target is not None}
    if len(with_target) < matrix.min_group_size:
        return None
    return sum(level.gap for level in matrix.cells.values())


def export_labels(matrix: TeamMatrix) -> ExportLabels:
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
        withheld=withheld_text(matrix),
    )


def export_response(matrix: TeamMatrix, kind: str, now: datetime) -> Response:
    """The matrix as a CSV or XLSX download."""
    table = matrix_table(matrix, export_labels(matrix), competence_name)
    stem = f"team-kompetenzen-{today_in_berlin(now).isoformat()}"
    if kind == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table, gettext("Team competencies")), XLSX_MIMETYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={stem}.{kind}"},
    )
