"""The deciders' pages (department heads, HR): the requests awaiting their decision and
every request they may see; approving or declining one; HR recording the result."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.external import policy  # noqa: F401 - registers the actions before @requires
from courses.external.decisions import approve, decline
from courses.external.forms import DecisionForm, OutcomeForm
from courses.external.outcome import record_outcome
from courses.external.pages import (
    back_to,
    decided_message,
    decider_context,
    load_request,
    render_request,
)

add_nav(NavItem("courses.external_decisions", N_("External training"), "external.record", "hr", 7))
add_nav(
    NavItem("courses.external_decisions", N_("External requests"), "external.inbox", "main", 26)
)


@bp.get("/extern/entscheidungen")
@requires("external.inbox")
def external_decisions() -> str:
    return render_template("courses/external/decisions.html", **decider_context(acting_user()))


@bp.post("/extern/<int:request_id>/entscheiden")
@requires("external.inbox")
def external_decide(request_id: int) -> Response | tuple[str, int]:
    found, user, now = load_request(request_id), acting_user(), utcnow()
    form = DecisionForm()
    choice = request.form.get("decision")
    if not form.validate_on_submit() or choice not in ("approve", "decline"):
        return render_request(user, found, now, 422, decision=form)
    try:
        if choice == "approve":
            approve(user, found, now, comment=form.comment.data, over_budget=form.over_budget.data)
        else:
            decline(user, found, form.comment.data, now)
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error, fields={"reason": "comment"})
        return render_request(user, load_request(request_id), now, status, decision=form)
    message = decided_message(found)
    db.session.commit()
    flash(message, "success")
    return redirect(back_to(found))


@bp.post("/extern/<int:request_id>/ergebnis")
@requires("external.record")
def external_outcome(request_id: int) -> Response | tuple[str, int]:
    found, user, now = load_request(request_id), acting_user(), utcnow()
    form = OutcomeForm()
    if not form.validate_on_submit():
        return render_request(user, found, now, 422, outcome=form)
    try:
        record_outcome(user, found, form.outcome.data, now)
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_request(user, load_request(request_id), now, status, outcome=form)
    db.session.commit()
    flash(gettext("The result of “%(title)s” has been recorded.", title=found.title), "success")
    return redirect(back_to(found))
