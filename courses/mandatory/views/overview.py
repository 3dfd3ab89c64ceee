"""HR's overview of the organisation's mandatory training (/kurse/pflichtschulungen/
uebersicht): figures per unit (drill down by choosing a unit), a page of people with the
same filters, and the export of every filtered row as CSV or XLSX. Every person named
on the page or in the file is written to the access log."""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

import courses.mandatory.policy  # noqa: F401 - registers the actions before @requires
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.web.kit import acting_user
from courses import bp
from courses.mandatory.export import csv_response, people_in, table, xlsx_response
from courses.mandatory.pages import compliance_context, export_selection, people_on
from courses.mandatory.policy import ACCESS_COMPLIANCE, ACCESS_EXPORT


@bp.get("/pflichtschulungen/uebersicht")
@requires("mandatory.manage")
def mandatory_overview() -> str:
    user = acting_user()
    context = compliance_context(user, "hr", to_berlin(utcnow()).date())
    html = render_template("courses/mandatory/compliance.html", **context)
    purpose = access_purpose(ACCESS_COMPLIANCE, audience="Personalentwicklung")
    record_accesses(user, people_on(context), ACCESS_COMPLIANCE, purpose)
    db.session.commit()
    return html


def _export(kind: str) -> Response:
    user, now = acting_user(), utcnow()
    today = to_berlin(now).date()
    subquery, statuses = export_selection(user, today)
    purpose = access_purpose(ACCESS_EXPORT, format=kind.upper())
    record_accesses(user, people_in(subquery, statuses), ACCESS_EXPORT, purpose, now=now)
    db.session.commit()
    filename = f"pflichtschulungen-{today.isoformat()}.{kind}"
    data = table(subquery, statuses, today)
    return csv_response(data, filename) if kind == "csv" else xlsx_response(data, filename)


@bp.get("/pflichtschulungen/uebersicht.csv")
@requires("mandatory.manage")
def mandatory_overview_csv() -> Response:
    return _export("csv")


@bp.get("/pflichtschulungen/uebersicht.xlsx")
@requires("mandatory.manage")
def mandatory_overview_xlsx() -> Response:
    return _export("xlsx")
