"""Aggregate figures (scope ``reports:read``): departments and the gaps report with the
minimum group size and the report pages' suppression."""

from __future__ import annotations

from typing import Any

from flask import g

from academy.clock import to_berlin
from api.auth.bearer import requires_scope
from api.tokens.scopes import REPORTS
from api.v1 import LIST_HEADERS, bp, documented
from api.v1.figures import department_item, departments_statement, gaps
from api.v1.paging import listed, page_of
from api.v1.params import PageQuery, Query, a_switch, an_id
from api.v1.schemas import DepartmentPage, GapsSchema

TAGS = ["Kennzahlen"]


class DepartmentQuery(PageQuery):
    include_inactive = a_switch("Auch aufgelöste Bereiche")


class GapsQuery(Query):
    department_id = an_id("Bereich mit allen Unterbereichen (ohne: ganze Verwaltung)")
    job_role_id = an_id("Nur diese Stelle")
    area_id = an_id("Nur dieser Kompetenzbereich")


@bp.route("/departments", tags=TAGS)
@documented
@requires_scope(REPORTS)
@bp.arguments(DepartmentQuery, location="query", as_kwargs=True)
@bp.response(200, DepartmentPage, headers=LIST_HEADERS)
@bp.doc(summary="Bereiche der Verwaltung", description="In Baumreihenfolge. Bereich: reports:read")
def departments(**args: Any) -> Any:
    rows, info = page_of(departments_statement(args), args)
    return listed([department_item(d) for d in rows], info)


@bp.route("/gaps", tags=TAGS)
@documented
@requires_scope(REPORTS)
@bp.arguments(GapsQuery, location="query", as_kwargs=True)
@bp.response(200, GapsSchema)
@bp.doc(
    summary="Kompetenzlücken eines Bereichs",
    description=(
        "Wie der Bericht „Kompetenzlücken“: nach Bereich, Stelle und Kompetenz mit Summe. "
        "Gruppen unter der Mindestgruppengröße und Zahlen, aus denen sie sich errechnen "
        "ließen, werden zurückgehalten (withheld, Zahlen null). Bereich: reports:read"
    ),
)
def gap_figures(**args: Any) -> Any:
    return gaps(args, to_berlin(g.api_now).date())
