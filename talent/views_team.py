"""The team's skill gaps for department heads (their subtree) and HR: the matrix of
members × competences (/talente/team), its export as CSV and XLSX and the training plan
(/talente/team/plan) — all with the same filters (department within the user's scope,
competence area, job role).

Data protection (DOMAIN.md):

- Figures per competence (members below target, total and average gap) over fewer than
  ``MIN_GROUP_SIZE`` members with a target are withheld, on the page and in the exports.
- Who looked at whom: the team pages show individual levels, so every request writes
  ONE access-log entry PER MEMBER SHOWN (subject = that member; not the viewer's own
  row, as ``record_access``), in one bulk insert: the page's members ("team.matrix",
  the matrix is paginated, so at most a page of rows per view), all exported members
  ("team.export") and the members the training plan names ("team.plan"). The staff
  council can then answer "who saw my data" per person, which a single entry without a
  subject could not; a page of 25 members costs one INSERT statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import talent.policy  # noqa: F401 - registers the actions before @requires
from academy.audit import record_accesses
from academy.auth.policy import has_role, requires, scope_department_ids
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.models import (
    Competence,
    CompetenceArea,
    Department,
    Framework,
    JobRole,
    Role,
    User,
)
from academy.navigation import NavItem, add_nav
from academy.org_admin import order_as_tree
from talent import bp
from talent.forms_competencies import TeamFilterForm
from talent.gaps import WITHHELD_MESSAGE, TeamMatrix, team_matrix
from talent.recommendations import training_plan
from talent.team_export import ExportLabels, average_gap, matrix_table, to_csv, to_xlsx
from talent.views_profiles import ListPagination, lang, page_number, per_page

add_nav(NavItem("talent.team", N_("Team competencies"), "team.view", "main", order=26))

#: What the access log records for the team pages (one entry per member shown).
MATRIX_ACCESS = "team.matrix"
EXPORT_ACCESS = "team.export"
PLAN_ACCESS = "team.plan"

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------
# Filters and the matrix
# ---------------------------------------------------------------------------


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


def filters_from_request() -> TeamFilters:
    return TeamFilters(
        department_id=request.args.get("department", type=int),
        area_id=request.args.get("area", type=int),
        job_role_id=request.args.get("job_role", type=int),
    )


def actor() -> User:
    return current_user._get_current_object()


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


def filter_form(user: User, filters: TeamFilters) -> TeamFilterForm:
    """The filter form with its choices: departments within the user's scope (HR: all
    active ones), areas of the active frameworks, job roles (three queries)."""
    form = TeamFilterForm(formdata=request.args)
    query = select(Department).where(Department.active.is_(True))
    is_hr = has_role(user, Role.HR)
    if not is_hr:
        query = query.where(Department.id.in_(sorted(scope_department_ids(user))))
    departments = order_as_tree(db.session.scalars(query))
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
        lang(),
        all_departments_label=gettext("All departments") if is_hr else gettext("My whole team"),
    )
    return form


def competence_name(competence: Competence) -> str:
    name = getattr(competence, f"name_{lang()}", None) or competence.name_de
    return f"{competence.code} {name}"


def withheld_text(matrix: TeamMatrix) -> str:
    return gettext("withheld (fewer than %(n)s people)", n=matrix.min_group_size)


def averages(matrix: TeamMatrix) -> dict[int, float | None]:
    return {
        cid: average_gap(s.total_gap, s.members_with_target) for cid, s in matrix.summaries.items()
    }


# ---------------------------------------------------------------------------
# The matrix page
# ---------------------------------------------------------------------------


@bp.get("/team")
@requires("team.view")
def team() -> str:
    user, now = actor(), utcnow()
    filters = filters_from_request()
    form = filter_form(user, filters)
    matrix = load_matrix(user, filters, now)
    page = ListPagination(
        page=page_number(),
        per_page=per_page(),
        max_per_page=None,
        error_out=False,
        items=matrix.members,
    )
    html = render_template(
        "talent/team.html",
        form=form,
        filters=filters,
        matrix=matrix,
        page=page,
        averages=averages(matrix),
        withheld=withheld_text(matrix),
        withheld_message=gettext(WITHHELD_MESSAGE, minimum=matrix.min_group_size),
    )
    record_accesses(user, [m.id for m in page.items], MATRIX_ACCESS, now=now)
    db.session.commit()
    return html


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


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


def export(kind: str) -> Response:
    user, now = actor(), utcnow()
    matrix = load_matrix(user, filters_from_request(), now)
    table = matrix_table(matrix, export_labels(matrix), competence_name)
    stem = f"team-kompetenzen-{today_in_berlin(now).isoformat()}"
    if kind == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table, gettext("Team competencies")), XLSX_MIMETYPE
    record_accesses(user, [m.id for m in matrix.members], EXPORT_ACCESS, now=now)
    db.session.commit()
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={stem}.{kind}"},
    )


@bp.get("/team.csv")
@requires("team.view")
def team_csv() -> Response:
    return export("csv")


@bp.get("/team.xlsx")
@requires("team.view")
def team_xlsx() -> Response:
    return export("xlsx")


# ---------------------------------------------------------------------------
# The training plan
# ---------------------------------------------------------------------------


def team_gap(matrix: TeamMatrix) -> int | None:
    """The whole team's gap, or None (withheld) when fewer than the minimum group size
    have a target at all."""
    with_target = {e for (e, _c), level in matrix.cells.items() if level.target is not None}
    if len(with_target) < matrix.min_group_size:
        return None
    return sum(level.gap for level in matrix.cells.values())


@bp.get("/team/plan")
@requires("team.view")
def team_plan() -> str:
    user, now = actor(), utcnow()
    filters = filters_from_request()
    form = filter_form(user, filters)
    matrix = load_matrix(user, filters, now)
    plan = training_plan(matrix, now)
    html = render_template(
        "talent/team_plan.html",
        form=form,
        filters=filters,
        matrix=matrix,
        plan=plan,
        competences={c.id: c for c in matrix.competences},
        total_closed=sum(item.gap_closed for item in plan),
        team_gap=team_gap(matrix),
        withheld_message=gettext(WITHHELD_MESSAGE, minimum=matrix.min_group_size),
    )
    named = sorted({b.member.id for item in plan for b in item.members})
    record_accesses(user, named, PLAN_ACCESS, now=now)
    db.session.commit()
    return html
