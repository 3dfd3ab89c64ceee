"""The audit log (administration, HR, staff council) and the staff council's access log."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext

from academy.audit import queries
from academy.audit.forms import AccessLogFilterForm, AuditFilterForm
from academy.audit.log import ACCESS_LABELS
from academy.audit.sentences import raw_change, sentences
from academy.auth.policy import requires
from academy.i18n import N_
from academy.web.forms import field_value
from academy.web.kit import paginate
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("audit", __name__)

add_nav(NavItem("audit.audit_log", N_("Audit log"), "audit.view", "admin", order=20))
add_nav(NavItem("audit.access_log", N_("Access log"), "access_log.view", "council", order=10))


@bp.get("/verwaltung/protokoll")
@requires("audit.view")
def audit_log() -> str:
    form = AuditFilterForm(formdata=request.args)
    form.set_object_types(queries.object_types())
    form.validate()
    entries = queries.audit_entries(
        action=field_value(form.action),
        actor_email=field_value(form.actor),
        object_type=field_value(form.object_type),
        date_from=field_value(form.date_from),
        date_to=field_value(form.date_to),
    )
    page = paginate(entries)
    return render_template(
        "academy/admin/audit_log.html",
        form=form,
        page=page,
        sentences=sentences(page.items),
        raw_change=raw_change,
    )


@bp.get("/personalrat/zugriffe")
@requires("access_log.view")
def access_log() -> str:
    form = AccessLogFilterForm(formdata=request.args)
    form.validate()
    entries = queries.access_entries(
        viewer_email=field_value(form.viewer),
        subject=field_value(form.subject),
        date_from=field_value(form.date_from),
        date_to=field_value(form.date_to),
    )
    return render_template(
        "academy/admin/access_log.html",
        form=form,
        page=paginate(entries),
        access_labels={code: gettext(label) for code, label in ACCESS_LABELS.items()},
    )
