"""The staff council's overview of the access log (/personalrat/zugriffe/uebersicht) and
its files for council meetings; the raw list stays at /personalrat/zugriffe."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from sqlalchemy import func, select

from academy.audit import queries
from academy.audit.forms import AccessOverviewForm
from academy.audit.log import record
from academy.audit.models import AccessLogEntry
from academy.audit.overview import (
    VOLUME_FACTOR,
    VOLUME_LOOKBACK,
    VOLUME_MINIMUM,
    Overview,
    build_overview,
    default_range,
)
from academy.audit.overview_files import overview_csv, overview_xlsx
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.forms import field_value
from academy.web.kit import acting_user, paginate_list
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("access_overview", __name__)

add_nav(
    NavItem(
        "access_overview.overview", N_("Access overview"), "access_log.view", "council", order=11
    )
)

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def purposes_in_log() -> list[str]:
    what_for = func.coalesce(AccessLogEntry.purpose, AccessLogEntry.what)
    return list(db.session.scalars(select(what_for).distinct().order_by(what_for)))


def overview_of(form: AccessOverviewForm) -> Overview:
    """The overview the (validated) filter form asks for; defaults: the last periods."""
    kind = field_value(form.period) or "week"
    if kind not in ("week", "month"):
        kind = "week"
    first, last = default_range(to_berlin(utcnow()).date(), kind)
    first = field_value(form.date_from) or first
    last = field_value(form.date_to) or max(last, first)
    viewer = field_value(form.viewer)
    viewer_ids = None
    if viewer:
        viewer_ids = list(db.session.scalars(queries.users_with_email_like(viewer)))
    return build_overview(
        kind=kind,
        first=first,
        last=last,
        viewer_ids=viewer_ids,
        purpose=field_value(form.purpose),
        flagged_only=bool(form.flagged.data),
    )


def filter_form() -> AccessOverviewForm:
    form = AccessOverviewForm(formdata=request.args)
    form.set_purposes(purposes_in_log())
    form.validate()
    return form


def filter_lines(form: AccessOverviewForm, overview: Overview) -> list[str]:
    periods = overview.periods
    lines = (
        [gettext("Periods: %(first)s to %(last)s", first=periods[0].label, last=periods[-1].label)]
        if periods
        else []
    )
    for item in (form.viewer, form.purpose):
        if field_value(item):
            lines.append(f"{item.label.text}: {field_value(item)}")
    if form.flagged.data:
        lines.append(str(form.flagged.label.text))
    return lines


@bp.get("/personalrat/zugriffe/uebersicht")
@requires("access_log.view")
def overview() -> str:
    form = filter_form()
    result = overview_of(form)
    return render_template(
        "academy/admin/access_overview.html",
        form=form,
        overview=result,
        page=paginate_list(result.rows),
        rule={"factor": VOLUME_FACTOR, "minimum": VOLUME_MINIMUM, "lookback": VOLUME_LOOKBACK},
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/personalrat/zugriffe/uebersicht.<any(csv, xlsx):fmt>")
@requires("access_log.view")
def overview_file(fmt: str) -> Response:
    form = filter_form()
    result = overview_of(form)
    lines = filter_lines(form, result)
    body = overview_csv(result, lines) if fmt == "csv" else overview_xlsx(result, lines)
    now = utcnow()
    details = {"format": fmt, "rows": len(result.rows), "filters": lines}
    record(acting_user(), "access_log.exported", "access_log", None, details=details, now=now)
    db.session.commit()
    name = f"zugriffe-{to_berlin(now).date().isoformat()}.{fmt}"
    return Response(
        body,
        mimetype=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
