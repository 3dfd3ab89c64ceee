"""The budget overview (a head's units, HR's organisation with the forecast) and a
unit's page with its bookings."""

from __future__ import annotations

from flask import render_template

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.budgets import policy  # noqa: F401 - registers the actions before @requires
from courses.budgets.money import euro
from courses.budgets.pages import load_department, overview_context, unit_context

#: Amounts in the reader's format ("1.234,50 €") on every page (the budget pages, the
#: approval inbox, external training); registered once, before the blueprint is.
bp.add_app_template_filter(euro, "euro")
add_nav(NavItem("courses.budgets", N_("Training budgets"), "budgets.manage", "hr", order=38))
add_nav(NavItem("courses.budgets", N_("Budget"), "budgets.view", "main", order=28))


@bp.get("/budgets")
@requires("budgets.view")
def budgets() -> str:
    return render_template(
        "courses/budgets/overview.html", **overview_context(acting_user(), utcnow())
    )


@bp.get("/budgets/bereich/<int:department_id>")
@requires("budgets.view")
def budget_unit(department_id: int) -> str:
    department = load_department(department_id)
    html = render_template(
        "courses/budgets/unit.html", **unit_context(acting_user(), department, utcnow())
    )
    db.session.commit()  # the access log of the bookings shown
    return html
