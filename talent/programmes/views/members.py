"""HR's management of one cohort member: the mentor, taking back a sign-off, the
drop-out (action ``programmes.manage``)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user
from talent.blueprint import bp
from talent.programmes.forms.progress import DropOutForm, MentorForm, UndoSignOffForm
from talent.programmes.milestones import assign_mentor, drop_out, undo_sign_off
from talent.programmes.pages.context import field_or_flash, load_member
from talent.programmes.pages.members import find_mentor, render_manage, signoff_of, undo_prefix


@bp.get("/teilnehmende/<int:member_id>")
@requires("programmes.manage")
def member_manage(member_id: int) -> tuple[str, int]:
    return render_manage(load_member(member_id))


@bp.post("/teilnehmende/<int:member_id>/mentor")
@requires("programmes.manage")
def member_assign_mentor(member_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    form = MentorForm()
    if not form.validate_on_submit():
        return render_manage(member, mentor_form=form, status=422)
    mentor = find_mentor(form)
    if mentor is None:
        return render_manage(member, mentor_form=form, status=422)
    try:
        assign_mentor(acting_user(), member, mentor, utcnow())
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(form, error, {"mentor": "personnel_no"})
        return render_manage(load_member(member_id), mentor_form=form, status=status)
    db.session.commit()
    flash(gettext("%(name)s is now the mentor.", name=mentor.full_name), "success")
    return redirect(url_for("talent.member_manage", member_id=member.id))


@bp.post("/teilnehmende/<int:member_id>/meilensteine/<int:milestone_id>/zuruecknehmen")
@requires("programmes.manage")
def member_undo_sign_off(member_id: int, milestone_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    signoff = signoff_of(member, milestone_id)
    prefix = undo_prefix(member.id, milestone_id)
    form = UndoSignOffForm(prefix=prefix)
    if not form.validate_on_submit():
        return render_manage(member, undo=(prefix, form), status=422)
    try:
        undo_sign_off(acting_user(), signoff, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(form, error)
        return render_manage(load_member(member_id), undo=(prefix, form), status=status)
    db.session.commit()
    flash(gettext("The sign-off has been taken back."), "success")
    return redirect(url_for("talent.member_manage", member_id=member.id))


@bp.post("/teilnehmende/<int:member_id>/ausscheiden")
@requires("programmes.manage")
def member_drop_out(member_id: int) -> Response | tuple[str, int]:
    member = load_member(member_id)
    form = DropOutForm()
    if not form.validate_on_submit():
        return render_manage(member, drop_form=form, status=422)
    try:
        drop_out(acting_user(), member, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        status = field_or_flash(form, error)
        return render_manage(load_member(member_id), drop_form=form, status=status)
    db.session.commit()
    flash(gettext("%(name)s has left the programme.", name=member.employee.full_name), "success")
    return redirect(url_for("talent.member_manage", member_id=member.id))
