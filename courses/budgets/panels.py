"""Start-page panels of the budgets: a head's units this year, HR's organisation. Each
``context`` runs a fixed number of statements."""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.auth.scope import scope_of
from academy.clock import to_berlin, utcnow
from academy.i18n import N_
from academy.web.navigation import Panel, add_panel
from courses.budgets.queries import overview


def head_context(user: User) -> dict[str, Any]:
    scope = scope_of(user)
    year = to_berlin(utcnow()).year
    shown = overview(year, set(scope.department_ids))
    return {"year": year, "rows": [r for r in shown.rows if r.department.id in scope.headed_ids]}


def hr_context(user: User) -> dict[str, Any]:
    year = to_berlin(utcnow()).year
    shown = overview(year)
    return {"year": year, "total": shown.total, "over": sum(1 for r in shown.rows if r.own.over)}


def register_panels() -> None:
    add_panel(
        Panel(
            Role.HEAD, N_("Training budget"), "courses/budgets/panels/head.html", head_context, 27
        )
    )
    add_panel(
        Panel(Role.HR, N_("Training budgets"), "courses/budgets/panels/hr.html", hr_context, 38)
    )
