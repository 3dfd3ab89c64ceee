"""Start-page panel of external training requests for the deciders (heads, HR): how many
wait for their decision (one statement)."""

from __future__ import annotations

from typing import Any

from academy.accounts.models import Role, User
from academy.i18n import N_
from academy.web.navigation import Panel, add_panel
from courses.external.queries import open_count


def deciders_context(user: User) -> dict[str, Any]:
    return {"count": open_count(user)}


def register_panels() -> None:
    for role, order in ((Role.HEAD, 26), (Role.HR, 37)):
        add_panel(
            Panel(
                role,
                N_("External training requests"),
                f"courses/external/panels/{role.value}.html",
                deciders_context,
                order,
            )
        )
