"""HR's programme pages: the list, a programme's form, and its page with the curriculum
(required courses and milestones), the target competences and the cohorts."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from academy.errors import DomainError
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.web.kit import flash_error, language, paginate
from courses.catalogue.models import Course
from talent.competencies.choices import (
    active_competences,
    competence_from,
    level_names,
    level_ranges,
)
from talent.programmes.cohort_models import Application
from talent.programmes.forms.programmes import (
    ConfirmForm,
    MilestoneForm,
    ProgrammeCourseForm,
    ProgrammeForm,
    ProgrammeTargetForm,
)
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    Milestone,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
)
from talent.programmes.pages.context import labels

T = "talent/programmes/"


def get_programme(programme_id: int) -> Programme:
    """The programme with its curriculum and targets (404 when unknown)."""
    programme = db.session.scalar(
        select(Programme)
        .options(
            selectinload(Programme.courses).joinedload(ProgrammeCourse.course),
            selectinload(Programme.milestones),
            selectinload(Programme.targets)
            .joinedload(ProgrammeTarget.competence)
            .joinedload(Competence.framework),
        )
        .where(Programme.id == programme_id)
    )
    if programme is None:
        abort(404)
    return programme


def programme_list_page() -> str:
    """The programmes (active first, by title) with their cohorts counted by status."""
    page = paginate(
        select(Programme).order_by(Programme.archived, func.lower(Programme.title), Programme.id)
    )
    ids = [p.id for p in page.items]
    counts: dict[int, dict[str, int]] = {}
    for programme_id, status, count in db.session.execute(
        select(Cohort.programme_id, Cohort.status, func.count())
        .where(Cohort.programme_id.in_(ids))
        .group_by(Cohort.programme_id, Cohort.status)
    ):
        counts.setdefault(programme_id, {})[status] = count
    return render_template(T + "list.html", page=page, counts=counts, **labels())


def programme_values(form: ProgrammeForm) -> dict[str, Any]:
    return {
        "title": form.title.data or "",
        "description": form.description.data,
        "length_months": form.length_months.data,
    }


def programme_form(programme: Programme | None) -> ProgrammeForm:
    if request.method == "POST":
        form = ProgrammeForm()
    else:
        form = ProgrammeForm(formdata=None, obj=programme)
    if programme is not None:
        form.for_existing()
    return form


def render_programme_form(
    form: ProgrammeForm, programme: Programme | None, status: int
) -> tuple[str, int]:
    return render_template(T + "form.html", form=form, programme=programme), status


def course_options(programme: Programme) -> list[Course]:
    """Courses of the catalogue (not archived) that are not yet in the curriculum."""
    taken = [pc.course_id for pc in programme.courses]
    query = select(Course).where(Course.archived.is_(False))
    if taken:
        query = query.where(Course.id.not_in(taken))
    return list(db.session.scalars(query.order_by(Course.code)))


def sorted_targets(programme: Programme) -> list[ProgrammeTarget]:
    return sorted(programme.targets, key=lambda t: (t.competence.framework.code, t.competence.code))


def programme_cohorts(programme: Programme) -> tuple[list[Cohort], dict[int, int]]:
    """The programme's cohorts (newest start first) and their application counts
    (submitted or nominated and not withdrawn)."""
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .where(Cohort.programme_id == programme.id)
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        )
    )
    counts = dict(
        db.session.execute(
            select(Application.cohort_id, func.count())
            .where(
                Application.cohort_id.in_([c.id for c in cohorts]),
                Application.state != ApplicationState.WITHDRAWN.value,
            )
            .group_by(Application.cohort_id)
        ).all()
    )
    return cohorts, counts


def bound_target_form() -> ProgrammeTargetForm:
    """The target form as sent, with the active competences and the levels to choose
    from."""
    form = ProgrammeTargetForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, language())
    return form


def chosen_target_form(
    programme: Programme, competence_id: str | None
) -> ProgrammeTargetForm | None:
    """The "change" link of a target: the form with that competence (and its current
    level) preselected; None without a (known) competence."""
    chosen = competence_from(competence_id)
    if chosen is None:
        return None
    form = ProgrammeTargetForm(formdata=None)
    form.competence.data = str(chosen.id)
    current = next((t for t in programme.targets if t.competence_id == chosen.id), None)
    if current is not None:
        form.level.data = str(current.level)
    return form


def render_programme(
    programme: Programme,
    *,
    course_form: ProgrammeCourseForm | None = None,
    milestone_form: MilestoneForm | None = None,
    target_form: ProgrammeTargetForm | None = None,
    action_errors: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if course_form is None:
        course_form = ProgrammeCourseForm(formdata=None)
    course_form.set_choices(course_options(programme))
    if milestone_form is None:
        milestone_form = MilestoneForm(formdata=None)
    ranges, high = level_ranges()
    if target_form is None:
        target_form = ProgrammeTargetForm(formdata=None)
    target_form.set_choices(active_competences(), high, language())
    targets = sorted_targets(programme)
    cohorts, application_counts = programme_cohorts(programme)
    html = render_template(
        T + "detail.html",
        programme=programme,
        course_form=course_form,
        milestone_form=milestone_form,
        target_form=target_form,
        confirm_form=ConfirmForm(formdata=None),
        targets=targets,
        level_names=level_names({t.competence.framework_id for t in targets}),
        ranges=ranges,
        lang=language(),
        cohorts=cohorts,
        application_counts=application_counts,
        action_errors=action_errors or [],
        **labels(),
    )
    return html, status


def after_change(programme_id: int, message: str, anchor: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.programme", programme_id=programme_id, _anchor=anchor))


def failed(programme_id: int, error: DomainError, anchor: str) -> Response:
    """A refused button (no form to put the message next to): flash and go back."""
    db.session.rollback()
    flash_error(error)
    return redirect(url_for("talent.programme", programme_id=programme_id, _anchor=anchor))


def confirmed() -> None:
    """A button's confirmation form (CSRF); a bad one is a 400."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def get_programme_course(programme_id: int, item_id: int) -> ProgrammeCourse:
    item = db.session.get(ProgrammeCourse, item_id)
    if item is None or item.programme_id != programme_id:
        abort(404)
    return item


def milestone_values(form: MilestoneForm) -> dict[str, Any]:
    return {
        "kind": form.kind.data,
        "title": form.title.data or "",
        "description": form.description.data,
        "due_offset_days": form.due_offset_days.data,
    }


def get_milestone(programme_id: int, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.programme_id != programme_id:
        abort(404)
    return milestone


def milestone_form(milestone: Milestone) -> MilestoneForm:
    if request.method == "POST":
        return MilestoneForm()
    return MilestoneForm(formdata=None, obj=milestone)


def render_milestone(milestone: Milestone, form: MilestoneForm, status: int) -> tuple[str, int]:
    html = render_template(
        T + "milestone_form.html", form=form, milestone=milestone, programme=milestone.programme
    )
    return html, status
