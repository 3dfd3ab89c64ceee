"""Where people meet their mandatory training outside its own pages: the start-page
panels (an employee's items first of all; a head's team figures) and the section at the
top of "My learning" (template hook ``my-learning-top``). A fixed number of statements
each."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from academy.accounts.models import Role, User
from academy.auth.scope import scope_of
from academy.clock import to_berlin, utcnow
from academy.i18n import N_
from academy.web.hooks import add_template_hook
from academy.web.kit import acting_user
from academy.web.navigation import Panel, add_panel
from courses.mandatory.compliance import person_items
from courses.mandatory.models import Status
from courses.mandatory.status import Who, active_assignments, counts, pairs, people_overdue

#: How many items the start-page panel lists.
PANEL_ROWS = 5


def my_mandatory_context(user: User) -> dict[str, Any]:
    """The person's items, what needs attention first (three statements)."""
    if user.employee_id is None:
        return {"rows": [], "more": 0}
    items = person_items(user.employee_id, to_berlin(utcnow()).date())
    return {"rows": items[:PANEL_ROWS], "more": max(len(items) - PANEL_ROWS, 0)}


def team_mandatory_context(user: User) -> dict[str, Any]:
    """Pairs per status and people overdue in the head's subtree (four statements)."""
    today = to_berlin(utcnow()).date()
    subquery = pairs(active_assignments(), Who.in_scope(scope_of(user)), today)
    figures = counts(subquery)
    return {
        "counts": figures,
        "total": sum(figures.values()),
        "overdue_people": people_overdue(subquery),
        "Status": Status,
    }


def learning_section(**_: Any) -> Markup:
    """The section at the top of "My learning" (hook ``my-learning-top``)."""
    user = acting_user()
    if user is None or user.employee_id is None:
        return Markup("")
    items = person_items(user.employee_id, to_berlin(utcnow()).date(), details=True)
    if not items:
        return Markup("")
    return Markup(render_template("courses/mandatory/_learning.html", items=items))  # noqa: S704


def register() -> None:
    add_panel(
        Panel(
            Role.EMPLOYEE,
            N_("My mandatory training"),
            "courses/mandatory/panels/my_mandatory.html",
            my_mandatory_context,
            order=5,
        )
    )
    add_panel(
        Panel(
            Role.HEAD,
            N_("Team mandatory training"),
            "courses/mandatory/panels/team_mandatory.html",
            team_mandatory_context,
            order=24,
        )
    )
    add_template_hook("my-learning-top", learning_section)
