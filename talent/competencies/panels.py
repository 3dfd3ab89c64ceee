"""Start-page panels of the competency pages: an employee's gaps at a glance and a
department head's largest team gaps. Each ``context`` runs a fixed number of queries."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select

from academy.accounts.models import Role, User
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from academy.web.navigation import Panel, add_panel
from talent.competencies.gap_sql import competence_figures
from talent.competencies.gaps import member_filter
from talent.competencies.levels import levels_for
from talent.competencies.team.view import competences_in_order, summary_of

#: How many competences the head's panel lists.
TOP_GAPS = 3


def my_competencies_context(user: User) -> dict[str, Any]:
    """Competences of the own role profile and how many of them are below target."""
    if user.employee_id is None:
        return {"targets": 0, "gaps": 0, "total": 0}
    today = to_berlin(utcnow()).date()
    levels = [lv for lv in levels_for([user.employee_id], None, today).values() if lv.target]
    return {
        "targets": len(levels),
        "gaps": sum(1 for lv in levels if lv.gap > 0),
        "total": sum(lv.gap for lv in levels),
    }


def team_gaps_context(user: User) -> dict[str, Any]:
    """The competences with the largest total gap in the head's subtree, from the
    database's figures (one row per competence, whatever the team's size); competences
    whose figures are withheld (fewer than the minimum group size) are only counted."""
    minimum = int(current_app.config.get("MIN_GROUP_SIZE", 5))
    today = to_berlin(utcnow()).date()
    chosen = member_filter(user)
    figures = competence_figures(chosen, today)
    summaries = {cid: summary_of(f, cid, minimum) for cid, f in figures.items()}
    shown = [
        (competence, summaries[competence.id])
        for competence in competences_in_order(
            [s.competence_id for s in summaries.values() if not s.withheld and s.total_gap]
        )
    ]
    shown.sort(key=lambda pair: (-(pair[1].total_gap or 0), pair[0].code))
    count = db.session.scalar(select(func.count()).select_from(Employee).where(*chosen.clauses()))
    return {
        "top": shown[:TOP_GAPS],
        "members": int(count or 0),
        "competences": len(summaries),
        "withheld": sum(1 for s in summaries.values() if s.withheld),
        "minimum": minimum,
    }


add_panel(
    Panel(
        Role.EMPLOYEE,
        N_("My competencies"),
        "talent/competencies/panels/my_competencies.html",
        my_competencies_context,
        order=16,
    )
)
add_panel(
    Panel(
        Role.HEAD,
        N_("Team skill gaps"),
        "talent/competencies/panels/team_gaps.html",
        team_gaps_context,
        order=26,
    )
)
