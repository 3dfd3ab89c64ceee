"""A person's competency profile: the own page (/talente/meine-kompetenzen, with the
self-assessment) and a team member's page for their head or HR (/talente/mitglieder/<id>,
with the head's rating form).

Per competence of the person's role profile — and any other competence with a rating or
evidence — the page shows the target, the current level (with its source and date, as
``talent.levels`` derives it), the self-assessment beside it (it never counts), the gap as
a number and a text, the dated history and the courses that close the most gap per UE.

Data protection (DOMAIN.md): a profile may be seen by the person, their department head
(own subtree) and HR; anyone else gets 403 whatever id they type. Every view of another
person's profile is written to the access log ("competencies.profile") and committed
with the request; one's own page is not logged.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import talent.policy  # noqa: F401 - registers the actions before @requires
from academy.audit import record_access
from academy.auth.policy import authorize, can, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.models import Competence, Employee, User
from academy.navigation import NavItem, add_nav
from talent import bp
from talent.competency_profile import Profile, build_profile
from talent.forms_competencies import RatingForm, SelfAssessmentForm
from talent.models import SOURCE_LABELS
from talent.ratings import rate_member, self_assess
from talent.views_profiles import (
    active_competences,
    competence_from,
    lang,
    level_ranges,
    show_error,
)

#: What the access log records for a view of someone else's competency profile.
PROFILE_ACCESS = "competencies.profile"


add_nav(
    NavItem("talent.my_competencies", N_("My competencies"), "competencies.own", "main", order=22)
)


# ---------------------------------------------------------------------------
# Helpers of both pages
# ---------------------------------------------------------------------------


def actor() -> User:
    return current_user._get_current_object()


def load_employee(employee_id: int) -> Employee:
    employee = db.session.scalar(
        select(Employee)
        .options(joinedload(Employee.department), joinedload(Employee.job_role))
        .where(Employee.id == employee_id)
    )
    if employee is None:
        abort(404)
    return employee


def page_context(profile: Profile) -> dict[str, Any]:
    ranges, _high = level_ranges()
    return {
        "profile": profile,
        "employee": profile.employee,
        "source_labels": SOURCE_LABELS,
        "ranges": ranges,
        "lang": lang(),
    }


# ---------------------------------------------------------------------------
# My competencies
# ---------------------------------------------------------------------------


def render_own(form: SelfAssessmentForm | None = None, status: int = 200) -> tuple[str, int]:
    user = actor()
    employee = load_employee(user.employee_id)  # type: ignore[arg-type]
    now = utcnow()
    profile = build_profile(employee, now)
    _ranges, high = level_ranges()
    if form is None:
        form = SelfAssessmentForm(formdata=None)
        chosen = competence_from(request.args.get("competence"))
        if chosen is not None:
            form.competence.data = str(chosen.id)
    form.set_choices(active_competences(), high, lang())
    html = render_template(
        "talent/my_competencies.html",
        form=form,
        own=True,
        can_enrol=can(user, "enrolment.request"),
        **page_context(profile),
    )
    return html, status


@bp.get("/meine-kompetenzen")
@requires("competencies.own")
def my_competencies() -> tuple[str, int]:
    return render_own()


@bp.post("/meine-kompetenzen/selbsteinschaetzung")
@requires("competencies.own")
def self_assessment() -> Response | tuple[str, int]:
    form = SelfAssessmentForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, lang())
    if not form.validate_on_submit():
        return render_own(form, 422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    try:
        self_assess(actor(), competence, int(form.level.data), utcnow(), form.comment.data)
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


# ---------------------------------------------------------------------------
# A team member's profile
# ---------------------------------------------------------------------------


def rateable(profile: Profile) -> list[Competence]:
    """The competences of the profile a rating can be given for (active frameworks)."""
    return [row.competence for row in profile.rows if row.competence.framework.active]


def render_member(
    employee: Employee, form: RatingForm | None = None, status: int = 200
) -> tuple[str, int]:
    user = actor()
    now = utcnow()
    profile = build_profile(employee, now)
    may_rate = can(user, "member.rate", employee) and employee.active
    if may_rate:
        _ranges, high = level_ranges()
        if form is None:
            form = RatingForm(formdata=None)
            chosen = request.args.get("competence", type=int)
            if chosen in profile.competences:
                form.competence.data = str(chosen)
        form.set_choices(rateable(profile), high, lang())
    html = render_template(
        "talent/member.html",
        form=form if may_rate else None,
        own=False,
        can_enrol=False,
        may_rate=may_rate,
        **page_context(profile),
    )
    # Rendered first; then the view of someone else's profile is logged and committed
    # before the page is sent (a failed rendering logs nothing).
    record_access(user, employee.id, PROFILE_ACCESS, now=now)
    db.session.commit()
    return html, status


def member_or_403(employee_id: int) -> Employee:
    employee = load_employee(employee_id)
    authorize("competencies.view", employee)
    return employee


@bp.get("/mitglieder/<int:employee_id>")
@requires("competencies.view")
def member(employee_id: int) -> Response | tuple[str, int]:
    employee = member_or_403(employee_id)
    if employee.id == actor().employee_id:
        return redirect(url_for("talent.my_competencies"))
    return render_member(employee)


@bp.post("/mitglieder/<int:employee_id>/bewertung")
@requires("competencies.view")
def member_rate(employee_id: int) -> Response | tuple[str, int]:
    employee = member_or_403(employee_id)
    authorize("member.rate", employee)
    form = RatingForm()
    _ranges, high = level_ranges()
    profile_competences = rateable(build_profile(employee, utcnow(), with_recommendations=False))
    form.set_choices(profile_competences, high, lang())
    if not form.validate_on_submit():
        return render_member(employee, form, 422)
    competence = competence_from(form.competence.data)
    if competence is None or competence not in profile_competences:
        abort(400)
    try:
        rate_member(
            actor(), employee, competence, int(form.level.data), form.comment.data, utcnow()
        )
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
