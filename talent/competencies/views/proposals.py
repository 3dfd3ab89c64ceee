"""The team's training plan turned into suggestions (POST /talente/team/plan/
vorschlaege): a head sends the ticked (session, member) pairs; each member is told and
accepts or declines under "My learning" (``courses.teambooking``)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.teambooking.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user, flash_error
from academy.web.urls import safe_next
from talent.blueprint import bp
from talent.competencies.plan_proposals import send_proposals, ticked_pairs


@bp.post("/team/plan/vorschlaege")
@requires("teambooking.book")
def team_plan_propose() -> Response:
    target = safe_next(request.form.get("next")) or url_for("talent.team_plan")
    grouped = ticked_pairs()
    if not grouped:
        flash(gettext("Please tick at least one member."), "danger")
        return redirect(target)
    try:
        message = send_proposals(acting_user(), grouped, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(target)
    db.session.commit()
    flash(message, "success")
    return redirect(target)
