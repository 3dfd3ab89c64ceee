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

from flask import render_template
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.competencies.gaps import WITHHELD_MESSAGE
from talent.competencies.pages.team import (
    averages,
    export_response,
    filter_form,
    filters_from_request,
    load_matrix,
    member_page,
    team_gap,
    withheld_text,
)
from talent.competencies.training_plan import training_plan

add_nav(NavItem("talent.team", N_("Team competencies"), "team.view", "main", order=26))

#: What the access log records for the team pages (one entry per member shown).
MATRIX_ACCESS = "team.matrix"
EXPORT_ACCESS = "team.export"
PLAN_ACCESS = "team.plan"


@bp.get("/team")
@requires("team.view")
def team() -> str:
    user, now = acting_user(), utcnow()
    filters = filters_from_request()
    form = filter_form(user)
    matrix = load_matrix(user, filters, now)
    page = member_page(matrix)
    html = render_template(
        "talent/competencies/team.html",
        form=form,
        filters=filters,
        matrix=matrix,
        page=page,
        averages=averages(matrix),
        withheld=withheld_text(matrix),
        withheld_message=gettext(WITHHELD_MESSAGE, minimum=matrix.min_group_size),
    )
    record_accesses(
        user, [m.id for m in page.items], MATRIX_ACCESS, access_purpose(MATRIX_ACCESS), now=now
    )
    db.session.commit()
    return html


def export(kind: str) -> Response:
    user, now = acting_user(), utcnow()
    matrix = load_matrix(user, filters_from_request(), now)
    response = export_response(matrix, kind, now)
    purpose = access_purpose(EXPORT_ACCESS, format=kind.upper())
    record_accesses(user, [m.id for m in matrix.members], EXPORT_ACCESS, purpose, now=now)
    db.session.commit()
    return response


@bp.get("/team.csv")
@requires("team.view")
def team_csv() -> Response:
    return export("csv")


@bp.get("/team.xlsx")
@requires("team.view")
def team_xlsx() -> Response:
    return export("xlsx")


@bp.get("/team/plan")
@requires("team.view")
def team_plan() -> str:
    user, now = acting_user(), utcnow()
    filters = filters_from_request()
    form = filter_form(user)
    matrix = load_matrix(user, filters, now)
    plan = training_plan(matrix, now)
    html = render_template(
        "talent/competencies/team_plan.html",
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
    record_accesses(user, named, PLAN_ACCESS, access_purpose(PLAN_ACCESS), now=now)
    db.session.commit()
    return html
