"""HR's pages for role profiles (Soll-Profile: target level per competence and job role,
copying a profile, the history of changes). External certificates are in
``talent.competencies.views.evidence``, the competence mappings between frameworks in
``talent.competencies.views.mappings``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.competencies.choices import competence_from
from talent.competencies.forms import CopyProfileForm, RemoveTargetForm
from talent.competencies.pages.profiles import (
    copy_sources,
    job_role_or_404,
    preselected_target_form,
    render_profile,
    role_profiles_page,
    target_form,
    target_message,
)
from talent.competencies.role_profiles import copy_profile, current_targets, set_target

add_nav(NavItem("talent.profiles", N_("Role profiles"), "profiles.manage", "hr", order=30))


@bp.get("/soll-profile")
@requires("profiles.manage")
def profiles() -> str:
    page, targets, staff = role_profiles_page()
    return render_template(
        "talent/competencies/role_profiles.html", page=page, targets=targets, staff=staff
    )


@bp.route("/soll-profile/<int:job_role_id>", methods=["GET", "POST"])
@requires("profiles.manage")
def profile(job_role_id: int) -> Response | tuple[str, int]:
    role = job_role_or_404(job_role_id)
    if request.method == "GET":
        return render_profile(role, preselected_target_form(role))
    form = target_form()
    if not form.validate_on_submit():
        return render_profile(role, form, status=422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    now, level = utcnow(), int(form.level.data)
    try:
        target = set_target(acting_user(), role, competence, level, now, form.note.data)
    except DomainError as error:
        db.session.rollback()
        return render_profile(role, form, status=show_error(form, error))
    db.session.commit()
    flash(*target_message(competence, target, now))
    return redirect(url_for("talent.profile", job_role_id=role.id))


@bp.post("/soll-profile/<int:job_role_id>/ziele/<int:competence_id>/entfernen")
@requires("profiles.manage")
def profile_remove(job_role_id: int, competence_id: int) -> Response:
    role = job_role_or_404(job_role_id)
    competence = db.session.get(Competence, competence_id)
    if competence is None:
        abort(404)
    if not RemoveTargetForm().validate_on_submit():
        abort(400)
    had = any(t.competence_id == competence.id for t in current_targets(role))
    set_target(acting_user(), role, competence, None, utcnow())
    db.session.commit()
    if had:
        flash(gettext("The target for %(code)s has been removed.", code=competence.code), "success")
    else:
        flash(gettext("There was no target for %(code)s.", code=competence.code))
    return redirect(url_for("talent.profile", job_role_id=role.id))


@bp.post("/soll-profile/<int:job_role_id>/kopieren")
@requires("profiles.manage")
def profile_copy(job_role_id: int) -> Response | tuple[str, int]:
    role = job_role_or_404(job_role_id)
    form = CopyProfileForm()
    form.set_choices(copy_sources(role))
    if not form.validate_on_submit():
        return render_profile(role, copy_form=form, status=422)
    source = job_role_or_404(int(form.source.data))
    try:
        result = copy_profile(acting_user(), source, role, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_profile(role, copy_form=form, status=show_error(form, error))
    db.session.commit()
    flash(
        gettext(
            "Targets copied from %(code)s: %(added)s added, %(changed)s changed, "
            "%(unchanged)s already the same.",
            code=source.code,
            added=result.added,
            changed=result.changed,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("talent.profile", job_role_id=role.id))
