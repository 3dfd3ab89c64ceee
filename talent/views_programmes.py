"""HR's fast-track programme pages (action ``programmes.manage``): the list, creating and
editing a programme, its curriculum (required courses from the catalogue and
milestones, due a number of days after the cohort start), its target competences, its
cohorts, and archiving, reactivating and deleting it. The cohorts' own pages are in
``talent.views_cohorts`` (settings, criteria, status) and ``talent.views_selection``
(the cohort dashboard)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

import talent.programme_policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Competence
from academy.navigation import NavItem, add_nav
from courses.models import Course
from talent import bp
from talent.forms_programmes import (
    ConfirmForm,
    MilestoneForm,
    ProgrammeCourseForm,
    ProgrammeForm,
    ProgrammeTargetForm,
)
from talent.programme_models import (
    COHORT_STATUS_LABELS,
    MILESTONE_KIND_LABELS,
    Application,
    ApplicationState,
    Cohort,
    Milestone,
    Programme,
    ProgrammeCourse,
    ProgrammeTarget,
)
from talent.programmes import (
    add_course,
    add_milestone,
    archive_programme,
    create_programme,
    delete_programme,
    remove_course,
    remove_milestone,
    set_programme_target,
    unarchive_programme,
    update_milestone,
    update_programme,
)
from talent.views_profiles import (
    active_competences,
    actor,
    competence_from,
    lang,
    level_names,
    level_ranges,
    page_number,
    per_page,
    show_error,
)

T = "talent/programmes/"

add_nav(
    NavItem("talent.programmes", N_("Fast-track programmes"), "programmes.manage", "hr", order=35)
)


def labels() -> dict[str, Any]:
    """Label tables the fast-track templates translate with ``_()``."""
    return {"status_labels": COHORT_STATUS_LABELS, "kind_labels": MILESTONE_KIND_LABELS}


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


def error_message(error: DomainError) -> str:
    return translate(error.message, **error.params)


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


@bp.get("/programme")
@requires("programmes.manage")
def programmes() -> str:
    page = db.paginate(
        select(Programme).order_by(Programme.archived, func.lower(Programme.title), Programme.id),
        page=page_number(),
        per_page=per_page(),
        error_out=False,
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


# ---------------------------------------------------------------------------
# New and edit
# ---------------------------------------------------------------------------


def programme_values(form: ProgrammeForm) -> dict[str, Any]:
    return {
        "title": form.title.data or "",
        "description": form.description.data,
        "length_months": form.length_months.data,
    }


@bp.route("/programme/neu", methods=["GET", "POST"])
@requires("programmes.manage")
def programme_new() -> Response | tuple[str, int]:
    form = ProgrammeForm() if request.method == "POST" else ProgrammeForm(formdata=None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                programme = create_programme(
                    actor(), code=form.code.data or "", **programme_values(form), now=utcnow()
                )
            except DomainError as error:
                db.session.rollback()
                status = show_error(form, error)
            else:
                db.session.commit()
                flash(
                    gettext("The programme %(code)s has been created.", code=programme.code),
                    "success",
                )
                return redirect(url_for("talent.programme", programme_id=programme.id))
    return render_template(T + "form.html", form=form, programme=None), status


@bp.route("/programme/<int:programme_id>/bearbeiten", methods=["GET", "POST"])
@requires("programmes.manage")
def programme_edit(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    if request.method == "POST":
        form = ProgrammeForm()
    else:
        form = ProgrammeForm(formdata=None, obj=programme)
    form.for_existing()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                update_programme(actor(), programme, **programme_values(form), now=utcnow())
            except DomainError as error:
                db.session.rollback()
                programme = get_programme(programme_id)
                status = show_error(form, error)
            else:
                db.session.commit()
                flash(gettext("The programme has been saved."), "success")
                return redirect(url_for("talent.programme", programme_id=programme_id))
    return render_template(T + "form.html", form=form, programme=programme), status


# ---------------------------------------------------------------------------
# The programme page: curriculum, targets, cohorts
# ---------------------------------------------------------------------------


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
    target_form.set_choices(active_competences(), high, lang())
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
        lang=lang(),
        cohorts=cohorts,
        application_counts=application_counts,
        action_errors=action_errors or [],
        **labels(),
    )
    return html, status


@bp.get("/programme/<int:programme_id>")
@requires("programmes.manage")
def programme(programme_id: int) -> tuple[str, int]:
    programme = get_programme(programme_id)
    form = None
    chosen = competence_from(request.args.get("competence"))
    if chosen is not None:  # "change" link of a target: preselect it
        form = ProgrammeTargetForm(formdata=None)
        form.competence.data = str(chosen.id)
        current = next((t for t in programme.targets if t.competence_id == chosen.id), None)
        if current is not None:
            form.level.data = str(current.level)
    return render_programme(programme, target_form=form)


def after_change(programme_id: int, message: str, anchor: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("talent.programme", programme_id=programme_id, _anchor=anchor))


def failed(programme_id: int, error: DomainError, anchor: str) -> Response:
    """A refused button (no form to put the message next to): flash and go back."""
    db.session.rollback()
    flash(error_message(error), "danger")
    return redirect(url_for("talent.programme", programme_id=programme_id, _anchor=anchor))


# --- required courses -------------------------------------------------------


@bp.post("/programme/<int:programme_id>/kurse")
@requires("programmes.manage")
def programme_course_add(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    form = ProgrammeCourseForm()
    form.set_choices(course_options(programme))
    if not form.validate_on_submit():
        return render_programme(programme, course_form=form, status=422)
    course = db.session.get(Course, int(form.course.data))
    try:
        add_course(actor(), programme, course, form.course_offset_days.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        programme = get_programme(programme_id)
        status = show_error(form, error, {"due_offset_days": "course_offset_days"})
        return render_programme(programme, course_form=form, status=status)
    return after_change(
        programme_id,
        gettext("%(code)s has been added to the curriculum.", code=course.code),
        "curriculum",
    )


def get_programme_course(programme_id: int, item_id: int) -> ProgrammeCourse:
    item = db.session.get(ProgrammeCourse, item_id)
    if item is None or item.programme_id != programme_id:
        abort(404)
    return item


@bp.post("/programme/<int:programme_id>/kurse/<int:item_id>/entfernen")
@requires("programmes.manage")
def programme_course_remove(programme_id: int, item_id: int) -> Response:
    item = get_programme_course(programme_id, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    code = item.course.code
    try:
        remove_course(actor(), item, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "curriculum")
    return after_change(
        programme_id,
        gettext("%(code)s has been removed from the curriculum.", code=code),
        "curriculum",
    )


# --- milestones --------------------------------------------------------------


def milestone_values(form: MilestoneForm) -> dict[str, Any]:
    return {
        "kind": form.kind.data,
        "title": form.title.data or "",
        "description": form.description.data,
        "due_offset_days": form.due_offset_days.data,
    }


@bp.post("/programme/<int:programme_id>/meilensteine")
@requires("programmes.manage")
def programme_milestone_add(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return render_programme(programme, milestone_form=form, status=422)
    try:
        milestone = add_milestone(actor(), programme, **milestone_values(form), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        programme = get_programme(programme_id)
        return render_programme(programme, milestone_form=form, status=show_error(form, error))
    return after_change(
        programme_id,
        gettext("The milestone %(title)s has been added.", title=milestone.title),
        "milestones",
    )


def get_milestone(programme_id: int, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.programme_id != programme_id:
        abort(404)
    return milestone


@bp.route("/programme/<int:programme_id>/meilensteine/<int:milestone_id>", methods=["GET", "POST"])
@requires("programmes.manage")
def programme_milestone_edit(programme_id: int, milestone_id: int) -> Response | tuple[str, int]:
    milestone = get_milestone(programme_id, milestone_id)
    if request.method == "POST":
        form = MilestoneForm()
    else:
        form = MilestoneForm(formdata=None, obj=milestone)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                update_milestone(actor(), milestone, **milestone_values(form), now=utcnow())
            except DomainError as error:
                db.session.rollback()
                milestone = get_milestone(programme_id, milestone_id)
                status = show_error(form, error)
            else:
                return after_change(
                    programme_id, gettext("The milestone has been saved."), "milestones"
                )
    html = render_template(
        T + "milestone_form.html",
        form=form,
        milestone=milestone,
        programme=milestone.programme,
    )
    return html, status


@bp.post("/programme/<int:programme_id>/meilensteine/<int:milestone_id>/entfernen")
@requires("programmes.manage")
def programme_milestone_remove(programme_id: int, milestone_id: int) -> Response:
    milestone = get_milestone(programme_id, milestone_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = milestone.title
    try:
        remove_milestone(actor(), milestone, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "milestones")
    return after_change(
        programme_id,
        gettext("The milestone %(title)s has been removed.", title=title),
        "milestones",
    )


# --- target competences -------------------------------------------------------


@bp.post("/programme/<int:programme_id>/ziele")
@requires("programmes.manage")
def programme_target_set(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    form = ProgrammeTargetForm()
    _ranges, high = level_ranges()
    form.set_choices(active_competences(), high, lang())
    if not form.validate_on_submit():
        return render_programme(programme, target_form=form, status=422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    try:
        set_programme_target(actor(), programme, competence, int(form.level.data), utcnow())
    except DomainError as error:
        db.session.rollback()
        programme = get_programme(programme_id)
        return render_programme(programme, target_form=form, status=show_error(form, error))
    return after_change(
        programme_id,
        gettext(
            "The programme aims at level %(level)s for %(code)s.",
            level=int(form.level.data),
            code=competence.code,
        ),
        "targets",
    )


@bp.post("/programme/<int:programme_id>/ziele/<int:competence_id>/entfernen")
@requires("programmes.manage")
def programme_target_remove(programme_id: int, competence_id: int) -> Response:
    programme = get_programme(programme_id)
    competence = db.session.get(Competence, competence_id)
    if competence is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    had = any(t.competence_id == competence.id for t in programme.targets)
    set_programme_target(actor(), programme, competence, None, utcnow())
    if not had:
        flash(gettext("There was no target for %(code)s.", code=competence.code))
        return redirect(url_for("talent.programme", programme_id=programme_id, _anchor="targets"))
    return after_change(
        programme_id,
        gettext("The target for %(code)s has been removed.", code=competence.code),
        "targets",
    )


# --- archive, reactivate, delete ----------------------------------------------


@bp.post("/programme/<int:programme_id>/archivieren")
@requires("programmes.manage")
def programme_archive(programme_id: int) -> Response:
    programme = get_programme(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        archive_programme(actor(), programme, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "archive")
    return after_change(
        programme_id,
        gettext("%(code)s has been archived: no new cohorts can be created.", code=programme.code),
        "archive",
    )


@bp.post("/programme/<int:programme_id>/reaktivieren")
@requires("programmes.manage")
def programme_unarchive(programme_id: int) -> Response:
    programme = get_programme(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        unarchive_programme(actor(), programme, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "archive")
    return after_change(
        programme_id, gettext("%(code)s is active again.", code=programme.code), "archive"
    )


@bp.post("/programme/<int:programme_id>/loeschen")
@requires("programmes.manage")
def programme_delete(programme_id: int) -> Response:
    programme = get_programme(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    code = programme.code
    try:
        delete_programme(actor(), programme, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "archive")
    db.session.commit()
    flash(gettext("The programme %(code)s has been deleted.", code=code), "success")
    return redirect(url_for("talent.programmes"))
