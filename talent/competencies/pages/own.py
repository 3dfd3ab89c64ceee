"""The competency profile pages' building blocks: the person with their department and
job role, the page with its forms (the own page with the self-assessment, a team
member's with the head's rating form) and the access log of someone else's profile."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.audit.log import access_purpose, record_access
from academy.auth.policy import authorize, can
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Employee
from academy.web.kit import acting_user, language
from talent.competencies.choices import active_competences, competence_from, level_ranges
from talent.competencies.forms import RatingForm, SelfAssessmentForm
from talent.competencies.models import SOURCE_LABELS
from talent.competencies.profile import Profile, build_profile

#: What the access log records for a view of someone else's competency profile.
PROFILE_ACCESS = "competencies.profile"


def load_employee(employee_id: int) -> Employee:
    employee = db.session.scalar(
        select(Employee)
        .options(joinedload(Employee.department), joinedload(Employee.job_role))
        .where(Employee.id == employee_id)
    )
    if employee is None:
        abort(404)
    return employee


def page_context(profile: Profile, ranges: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    if ranges is None:
        ranges, _high = level_ranges()
    return {
        "profile": profile,
        "employee": profile.employee,
        "source_labels": SOURCE_LABELS,
        "ranges": ranges,
        "lang": language(),
    }


def render_own(form: SelfAssessmentForm | None = None, status: int = 200) -> tuple[str, int]:
    user = acting_user()
    employee = load_employee(user.employee_id)  # type: ignore[arg-type]
    now = utcnow()
    profile = build_profile(employee, now)
    ranges, high = level_ranges()
    if form is None:
        form = SelfAssessmentForm(formdata=None)
        chosen = competence_from(request.args.get("competence"))
        if chosen is not None:
            form.competence.data = str(chosen.id)
    form.set_choices(active_competences(), high, language())
    html = render_template(
        "talent/competencies/my_competencies.html",
        form=form,
        own=True,
        can_enrol=can(user, "enrolment.request"),
        **page_context(profile, ranges),
    )
    return html, status


def rateable(profile: Profile) -> list[Competence]:
    """The competences of the profile a rating can be given for (active frameworks)."""
    return [row.competence for row in profile.rows if row.rateable]


def render_member(
    employee: Employee, form: RatingForm | None = None, status: int = 200
) -> tuple[str, int]:
    user = acting_user()
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
        form.set_choices(rateable(profile), high, language())
    html = render_template(
        "talent/competencies/member.html",
        form=form if may_rate else None,
        own=False,
        can_enrol=False,
        may_rate=may_rate,
        show_team_link=can(user, "team.view"),
        **page_context(profile),
    )
    # Rendered first; then the view of someone else's profile is logged and committed
    # before the page is sent (a failed rendering logs nothing).
    record_access(user, employee.id, PROFILE_ACCESS, access_purpose(PROFILE_ACCESS), now=now)
    db.session.commit()
    return html, status


def member_or_403(employee_id: int) -> Employee:
    employee = load_employee(employee_id)
    authorize("competencies.view", employee)
    return employee


def rating_form(employee: Employee) -> tuple[RatingForm, list[Competence]]:
    """The submitted rating form with the competences it may name (the profile's)."""
    form = RatingForm()
    _ranges, high = level_ranges()
    competences = rateable(build_profile(employee, utcnow(), with_recommendations=False))
    form.set_choices(competences, high, language())
    return form, competences


def self_assessment_form() -> SelfAssessmentForm:
    """The submitted self-assessment form with its choices."""
    form = SelfAssessmentForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, language())
    return form
