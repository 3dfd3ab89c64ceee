"""A member answers a suggestion of their head: accept (→ enrolled, a seat or the
waiting list) or decline with an optional reason. Only the person it was made to."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.teambooking.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user, flash_error, show_error
from courses import bp
from courses.enrolment.pages import outcome_message
from courses.teambooking.forms import DeclineProposalForm
from courses.teambooking.models import ProposalState
from courses.teambooking.pages import declined_message, get_proposal
from courses.teambooking.proposals import accept, decline

DECLINE = "courses/teambooking/decline.html"


@bp.post("/vorschlaege/<int:proposal_id>/annehmen")
@requires("proposal.answer")
def proposal_accept(proposal_id: int) -> Response:
    proposal = get_proposal(proposal_id)
    authorize("proposal.answer", proposal)
    try:
        enrolment = accept(acting_user(), proposal, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("courses.my_learning"))
    message = outcome_message(enrolment, own=True)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("courses.my_learning"))


@bp.route("/vorschlaege/<int:proposal_id>/ablehnen", methods=["GET", "POST"])
@requires("proposal.answer")
def proposal_decline(proposal_id: int) -> Response | tuple[str, int]:
    proposal = get_proposal(proposal_id)
    authorize("proposal.answer", proposal)
    if proposal.state != ProposalState.OPEN:
        flash(gettext("This suggestion has already been answered or withdrawn."), "info")
        return redirect(url_for("courses.my_learning"))
    form = DeclineProposalForm() if request.method == "POST" else DeclineProposalForm(formdata=None)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template(DECLINE, proposal=proposal, form=form), status
    try:
        decline(acting_user(), proposal, utcnow(), reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        proposal = get_proposal(proposal_id)
        code = show_error(form, error)
        return render_template(DECLINE, proposal=proposal, form=form), code
    message = declined_message(proposal)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("courses.my_learning"))
