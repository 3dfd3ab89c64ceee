"""A person's competency profile: the own page (/talente/meine-kompetenzen, with the
self-assessment) and a team member's page for their head or HR (/talente/mitglieder/<id>,
with the head's rating form).

Per competence of the person's role profile — and any other competence with a rating or
evidence — the page shows the target, the current level (with its source and date,
as ``talent.competencies.levels`` derives it), the self-assessment beside it (it never
counts), the gap as a number and a text, the dated history and the courses that close
the most gap per UE.

Data protection (DOMAIN.md): a profile may be seen by the person, their department head
(own subtree) and HR; anyone else gets 403 whatever id they type. Every view of another
person's profile is written to the access log ("competencies.profile") and committed
with the request; one's own page is not logged.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.competencies.choices import competence_from
from talent.competencies.pages.own import (
    member_or_403,
    rating_form,
    render_member,
    render_own,
    self_assessment_form,
)
from talent.competencies.ratings import rate_member, self_assess

add_nav(
    NavItem("talent.my_competencies", N_("My competencies"), "competencies.own", "main", order=22)
)


@bp.get("/meine-kompetenzen")
@requires("competencies.own")
def my_competencies() -> tuple[str, int]:
    return render_own()


@bp.post("/meine-kompetenzen/selbsteinschaetzung")
@requires("competencies.own")
def self_assessment() -> Response | tuple[str, int]:
    form = self_assessment_form()
    if not form.validate_on_submit():
        return render_own(form, 422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    try:
        self_assess(acting_user(), competence, int(form.level.data), utcnow(), form.comment.data)
    except DomainError as error:
        db.session.rollback()
        return render_own(form, show_error(form, error))
    db.session.commit()
    flash(
        gettext(
            "Your self-assessment for %(code)s (level %(level)s) has been saved.",
            code=competence.code,
            level=form.level.data,
        ),
        "success",
    )
    return redirect(url_for("talent.my_competencies") + "#self-assessment")


@bp.get("/mitglieder/<int:employee_id>")
@requires("competencies.view")
def member(employee_id: int) -> Response | tuple[str, int]:
    employee = member_or_403(employee_id)
    if employee.id == acting_user().employee_id:
        return redirect(url_for("talent.my_competencies"))
    return render_member(employee)


@bp.post("/mitglieder/<int:employee_id>/bewertung")
@requires("competencies.view")
def member_rate(employee_id: int) -> Response | tuple[str, int]:
    employee = member_or_403(employee_id)
    authorize("member.rate", employee)
    form, competences = rating_form(employee)
    if not form.validate_on_submit():
        return render_member(employee, form, 422)
    competence = competence_from(form.competence.data)
    if competence is None or competence not in competences:
        abort(400)
    level = int(form.level.data)
    try:
        rate_member(acting_user(), employee, competence, level, form.comment.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_member(employee, form, show_error(form, error))
    db.session.commit()
    flash(
        gettext(
            "Your rating of %(name)s for %(code)s (level %(level)s) has been saved.",
            name=employee.full_name,
            code=competence.code,
            level=form.level.data,
        ),
        "success",
    )
    return redirect(url_for("talent.member", employee_id=employee.id))
