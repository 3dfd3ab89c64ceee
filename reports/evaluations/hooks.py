"""What course evaluations add to other pages: on a session's roster (trainer, HR) a
link to the session's evaluation, once there is one."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from academy.auth.policy import can
from academy.extensions import db
from courses.evaluations.models import EvaluationRound


def roster_results_link(session: Any, **_: Any) -> str:
    """The link to the session's evaluation, or "" when there is none or the viewer may
    not see it."""
    if not can(current_user, "evaluations.session_results", session):
        return ""
    exists = select(EvaluationRound.id).where(EvaluationRound.session_id == session.id)
    if db.session.scalar(exists) is None:
        return ""
    url = url_for("reports.evaluation_session", session_id=session.id)
    return render_template("reports/evaluations/_roster_link.html", url=url)
