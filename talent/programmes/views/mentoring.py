"""The mentor's pages: "My mentees" with milestone sign-off, and the read-only progress
page of one member (for the mentor, the department head, HR and the member)."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user
from talent.blueprint import bp
from talent.programmes.forms.progress import SignOffForm, signoff_prefix
from talent.programmes.milestones import sign_off
from talent.programmes.models import MEMBER_STATE_LABELS, MILESTONE_KIND_LABELS, Milestone
from talent.programmes.pages.context import field_or_flash, load_member
from talent.programmes.pages.members import (
    after_sign_off,
    progress_page,
    render_mentees,
    sign_off_again,
)


@bp.context_processor
def _running_labels() -> dict[str, Any]:
    return {
        "member_state_labels": MEMBER_STATE_LABELS,
        "milestone_kinds": MILESTONE_KIND_LABELS,
        "signoff_prefix": signoff_prefix,
    }


@bp.get("/mentoring")
@requires("programmes.mentor")
def mentees() -> tuple[str, int]:
    return render_mentees()


@bp.post("/teilnehmende/<int:member_id>/meilensteine/<int:milestone_id>/abzeichnen")
@requires("programmes.mentor")
def member_sign_off(member_id: int, milestone_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    authorize("programmes.mentor", member)
    milestone = db.get_or_404(Milestone, milestone_id)
    back = "manage" if request.form.get("back") == "manage" else "mentees"
    prefix = signoff_prefix(member.id, milestone.id)
    form = SignOffForm(prefix=prefix)
    if not form.validate_on_submit():
        return sign_off_again(member, back, prefix, form, 422)
    try:
        sign_off(acting_user(), member, milestone, form.met_on.data, form.note.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(form, error)
        return sign_off_again(load_member(member_id), back, prefix, form, status)
    db.session.commit()
    return after_sign_off(member, milestone.title, back)


@bp.get("/teilnehmende/<int:member_id>/fortschritt")
@requires("programmes.member")
def member_progress(member_id: int) -> str:
    member = load_member(member_id)
    authorize("programmes.member", member)
    return progress_page(member)
