"""HR's page for the mandatory training a role profile names
(/talente/soll-profile/<id>/pflichtschulungen): the courses every holder of the job
role must complete, the days they have and how often it recurs. Saving creates,
changes or (no course chosen) ends the job role's assignment through the courses
package; the figures and reminders are mandatory training's (/kurse/pflichtschulungen)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user, show_error
from courses.mandatory.role_profiles import role_assignment
from talent.blueprint import bp
from talent.competencies.pages.profiles import job_role_or_404
from talent.competencies.role_mandatory import mandatory_form, save_requirement, saved_message

PAGE = "talent/competencies/role_mandatory.html"


@bp.route("/soll-profile/<int:job_role_id>/pflichtschulungen", methods=["GET", "POST"])
@requires("profiles.manage")
def profile_mandatory(job_role_id: int) -> Response | tuple[str, int]:
    role = job_role_or_404(job_role_id)
    form = mandatory_form(role, submitted=request.method == "POST")
    current = role_assignment(role.id)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template(PAGE, role=role, form=form, assignment=current), status
    try:
        saved = save_requirement(acting_user(), role, form, utcnow())
    except DomainError as error:
        db.session.rollback()
        code = show_error(form, error)
        return render_template(PAGE, role=role, form=form, assignment=current), code
    db.session.commit()
    flash(saved_message(saved), "success")
    return redirect(url_for("talent.profile", job_role_id=role.id))
