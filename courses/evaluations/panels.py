"""Start-page panel of course evaluations: how many of the person's sessions they can
still evaluate (one query)."""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.i18n import N_
from academy.web.navigation import Panel, add_panel
from courses.evaluations.queries import to_answer_count
from courses.evaluations.rounds import today_of


def evaluations_context(user: User) -> dict[str, Any]:
    if user.employee_id is None:
        return {"count": 0}
    return {"count": to_answer_count(user.employee_id, today_of(utcnow()))}


add_panel(
    Panel(
        Role.EMPLOYEE,
        N_("Course evaluations"),
        "courses/evaluations/panels/to_answer.html",
        evaluations_context,
        order=17,
    )
)
