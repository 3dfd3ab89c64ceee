"""A head's view of their team's mandatory training (/kurse/pflichtschulungen/team):
figures per unit of their subtree, people with what is overdue first, the same filters
as HR's overview. Every person named on the page is written to the access log."""

from __future__ import annotations

from flask import render_template

import courses.mandatory.policy  # noqa: F401 - registers the actions before @requires
from academy.audit.log import access_purpose, record_accesses
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.mandatory.pages import compliance_context, people_on
from courses.mandatory.policy import ACCESS_COMPLIANCE

add_nav(
    NavItem("courses.mandatory_team", N_("Team mandatory training"), "mandatory.team", "main", 27)
)


@bp.get("/pflichtschulungen/team")
@requires("mandatory.team")
def mandatory_team() -> str:
    user = acting_user()
    context = compliance_context(user, "head", to_berlin(utcnow()).date())
    html = render_template("courses/mandatory/compliance.html", **context)
    purpose = access_purpose(ACCESS_COMPLIANCE, audience="Bereichsleitung")
    record_accesses(user, people_on(context), ACCESS_COMPLIANCE, purpose)
    db.session.commit()
    return html
