"""Where a member meets their head's suggestions: a start-page panel (shown while some
are open) and a section at the top of "My learning" (hook ``my-learning-top``). A
fixed number of statements each."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.i18n import N_
from academy.web.hooks import add_template_hook
from academy.web.kit import acting_user
from academy.web.navigation import Panel, add_panel
from courses.teambooking.queries import my_open_proposals


def proposals_context(user: User) -> dict[str, Any]:
    if user.employee_id is None:
        return {"proposals": []}
    return {"proposals": my_open_proposals(user.employee_id, utcnow())}


def learning_section(**_: Any) -> Markup:
    user = acting_user()
    if user is None or user.employee_id is None:
        return Markup("")
    proposals = my_open_proposals(user.employee_id, utcnow())
    if not proposals:
        return Markup("")
    html = render_template("courses/teambooking/_learning.html", proposals=proposals)
    return Markup(html)  # noqa: S704


def register() -> None:
    add_panel(
        Panel(
            Role.EMPLOYEE,
            N_("Suggestions from my head"),
            "courses/teambooking/panels/my_proposals.html",
            proposals_context,
            order=8,
        )
    )
    add_template_hook("my-learning-top", learning_section)
