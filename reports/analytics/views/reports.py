"""HR report pages (/berichte/…).

- ``/berichte/`` (``reports.index``): the reports the reader may open.
- ``/berichte/bericht/<key>`` (``reports.report``): the GET filter form (department
  within the reader's scope, job role, competence area, period; period defaults to the
  current year), then every part: title, description, chart with its data table (the
  table is always there), notes; each part paginated (``reports.analytics.pages``).
  Invalid filter input → message next to the field, the report is not run (200).

Data protection: whenever rows about single people are shown (the page's rows of an
individual part), every person gets an entry in the access log (``what="report"``,
purpose = report key), in one bulk INSERT. The staff council never gets an individual
part (refused for whole reports, dropped for parts).
"""

from __future__ import annotations

from flask import render_template

from academy.audit.log import access_purpose, german, record_accesses
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from reports import bp
from reports.analytics.catalogue import available_reports
from reports.analytics.formatting import min_group_text, scope_text
from reports.analytics.pages import report_page, report_request
from reports.analytics.report_model import ReportScope
from reports.policy import ACCESS_REPORT

# One entry per audience: HR in the HR menu, the council in its menu, heads in the main bar.
add_nav(NavItem("reports.index", N_("Reports"), "reports.view_hr", "hr", order=40))
add_nav(NavItem("reports.index", N_("Reports"), "reports.view_council", "council", order=40))
add_nav(NavItem("reports.index", N_("Reports"), "reports.view_head", "main", order=40))


@bp.get("/", endpoint="index")
@requires("reports.view")
def index() -> str:
    user = acting_user()
    scope = ReportScope.for_user(user)
    return render_template(
        "reports/analytics/index.html",
        definitions=available_reports(user),
        scope_text=scope_text(scope),
        min_group=min_group_text(scope),
    )


@bp.get("/bericht/<key>", endpoint="report")
@requires("reports.view")
def report(key: str) -> str:
    user, now = acting_user(), utcnow()
    context, people = report_page(report_request(key, user, now))
    html = render_template("reports/analytics/report.html", **context)
    if people:
        title = german(context["report"].title)
        purpose = access_purpose("report.viewed", report=title)
        record_accesses(user, people, ACCESS_REPORT, purpose, now=now)
        db.session.commit()
    return html
