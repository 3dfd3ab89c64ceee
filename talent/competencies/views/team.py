"""The team's skill gaps for department heads (their subtree) and HR: the view of
members × competences (/talente/team), its export as CSV and XLSX and the training plan
(/talente/team/plan) — all with the same filters (department within the user's scope,
competence area, job role, only gaps).

Data protection (DOMAIN.md):

- Figures per competence (members below target, total and average gap) over fewer than
  ``MIN_GROUP_SIZE`` members with a target are withheld, on the page and in the exports.
- Who looked at whom: the team pages show individual levels, so every request writes
  ONE access-log entry PER MEMBER SHOWN (subject = that member; not the viewer's own
  row, as ``record_access``), in one bulk insert: the page's members ("team.matrix",
  the view is paginated, so at most a page of rows per view), all exported members
  ("team.export", also when the file is made in the background) and the members the
  training plan names ("team.plan"). The staff council can then answer "who saw my
  data" per person; a page of 25 members costs one INSERT statement.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import can, requires
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.jobs.runner import start as start_job
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.competencies.gaps import WITHHELD_MESSAGE
from talent.competencies.pages.exports import (
    EXPORT_ACCESS,
    FORMATS,
    export_now,
    in_background,
    request_export,
)
from talent.competencies.pages.plan import load_plan
from talent.competencies.pages.team import (
    averages,
    cell_writer,
    filter_form,
    filters_from_request,
    load_view,
    withheld_text,
)

add_nav(NavItem("talent.team", N_("Team competencies"), "team.view", "main", order=26))

#: What the access log records for the team pages (one entry per member shown).
MATRIX_ACCESS = "team.matrix"
PLAN_ACCESS = "team.plan"
__all__ = ["EXPORT_ACCESS", "MATRIX_ACCESS", "PLAN_ACCESS"]


@bp.get("/team")
@requires("team.view")
def team() -> str:
    user, now = acting_user(), utcnow()
    filters = filters_from_request()
    view = load_view(user, filters, now)
    html = render_template(
        "talent/competencies/team.html",
        form=filter_form(user),
        filters=filters,
        view=view,
        averages=averages(view),
        withheld=withheld_text(view.min_group_size),
        withheld_message=gettext(WITHHELD_MESSAGE, minimum=view.min_group_size),
        background=view.members_all > current_app.config["TEAM_EXPORT_BACKGROUND_MEMBERS"],
        cells=cell_writer(),
    )
    shown = [m.id for m in view.members.items]
    record_accesses(user, shown, MATRIX_ACCESS, access_purpose(MATRIX_ACCESS), now=now)
    db.session.commit()
    return html


def export(kind: str) -> Response:
    user, filters = acting_user(), filters_from_request()
    if in_background(user, filters):
        flash(gettext("This team is large: please have the export made in the background."))
        return redirect(url_for("talent.team", **filters.args()))
    made = export_now(user, filters, kind, utcnow())
    db.session.commit()
    return Response(
        made.content,
        mimetype=made.mimetype,
        headers={"Content-Disposition": f"attachment; filename={made.filename}"},
    )


@bp.get("/team.csv")
@requires("team.view")
def team_csv() -> Response:
    return export("csv")


@bp.get("/team.xlsx")
@requires("team.view")
def team_xlsx() -> Response:
    return export("xlsx")


@bp.post("/team/export")
@requires("team.view")
def team_export_job() -> Response:
    """Start a background export of the view (the file follows on the job's page)."""
    kind = request.form.get("format", "xlsx")
    kind = kind if kind in FORMATS else "xlsx"
    job = request_export(acting_user(), filters_from_request(), kind, utcnow())
    db.session.commit()
    start_job(current_app._get_current_object(), job.id)  # type: ignore[attr-defined]
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.get("/team/plan")
@requires("team.view")
def team_plan() -> str:
    user, now = acting_user(), utcnow()
    filters = filters_from_request()
    grid, plan, team_gap = load_plan(user, filters, now)
    html = render_template(
        "talent/competencies/team_plan.html",
        form=filter_form(user),
        filters=filters,
        matrix=grid,
        plan=plan,
        competences={c.id: c for c in grid.competences},
        total_closed=sum(item.gap_closed for item in plan),
        team_gap=team_gap,
        withheld_message=gettext(WITHHELD_MESSAGE, minimum=grid.min_group_size),
        may_propose=can(user, "teambooking.book"),
    )
    named = sorted({b.member.id for item in plan for b in item.members})
    record_accesses(user, named, PLAN_ACCESS, access_purpose(PLAN_ACCESS), now=now)
    db.session.commit()
    return html
