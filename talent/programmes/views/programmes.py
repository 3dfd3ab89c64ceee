"""HR's fast-track programme pages (action ``programmes.manage``): the list, creating and
editing a programme, its curriculum (required courses from the catalogue and
milestones, due a number of days after the cohort start), its target competences, its
cohorts, and archiving, reactivating and deleting it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.programmes.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from courses.catalogue.models import Course
from talent.blueprint import bp
from talent.competencies.choices import competence_from
from talent.programmes.curriculum import (
    add_course,
    add_milestone,
    remove_course,
    remove_milestone,
    set_programme_target,
    update_milestone,
)
from talent.programmes.forms.programmes import MilestoneForm, ProgrammeCourseForm
from talent.programmes.pages.curriculum import (
    after_change,
    bound_target_form,
    chosen_target_form,
    confirmed,
    course_options,
    failed,
    get_milestone,
    get_programme,
    get_programme_course,
    milestone_form,
    milestone_values,
    programme_form,
    programme_list_page,
    programme_values,
    render_milestone,
    render_programme,
    render_programme_form,
)
from talent.programmes.programmes import (
    archive_programme,
    create_programme,
    delete_programme,
    unarchive_programme,
    update_programme,
)

add_nav(
    NavItem("talent.programmes", N_("Fast-track programmes"), "programmes.manage", "hr", order=35)
)


@bp.get("/programme")
@requires("programmes.manage")
def programmes() -> str:
    return programme_list_page()


@bp.route("/programme/neu", methods=["GET", "POST"])
@requires("programmes.manage")
def programme_new() -> Response | tuple[str, int]:
    form = programme_form(None)
    if request.method == "GET" or not form.validate_on_submit():
        return render_programme_form(form, None, 200 if request.method == "GET" else 422)
    try:
        programme = create_programme(
            acting_user(), code=form.code.data or "", **programme_values(form), now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        return render_programme_form(form, None, show_error(form, error))
    db.session.commit()
    flash(gettext("The programme %(code)s has been created.", code=programme.code), "success")
    return redirect(url_for("talent.programme", programme_id=programme.id))


@bp.route("/programme/<int:programme_id>/bearbeiten", methods=["GET", "POST"])
@requires("programmes.manage")
def programme_edit(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    form = programme_form(programme)
    if request.method == "GET" or not form.validate_on_submit():
        return render_programme_form(form, programme, 200 if request.method == "GET" else 422)
    try:
        update_programme(acting_user(), programme, **programme_values(form), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_programme_form(form, get_programme(programme_id), status)
    db.session.commit()
    flash(gettext("The programme has been saved."), "success")
    return redirect(url_for("talent.programme", programme_id=programme_id))


@bp.get("/programme/<int:programme_id>")
@requires("programmes.manage")
def programme(programme_id: int) -> tuple[str, int]:
    programme = get_programme(programme_id)
    form = chosen_target_form(programme, request.args.get("competence"))
    return render_programme(programme, target_form=form)


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
        add_course(acting_user(), programme, course, form.course_offset_days.data, utcnow())
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


@bp.post("/programme/<int:programme_id>/kurse/<int:item_id>/entfernen")
@requires("programmes.manage")
def programme_course_remove(programme_id: int, item_id: int) -> Response:
    item = get_programme_course(programme_id, item_id)
    confirmed()
    code = item.course.code
    try:
        remove_course(acting_user(), item, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "curriculum")
    return after_change(
        programme_id,
        gettext("%(code)s has been removed from the curriculum.", code=code),
        "curriculum",
    )


@bp.post("/programme/<int:programme_id>/meilensteine")
@requires("programmes.manage")
def programme_milestone_add(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return render_programme(programme, milestone_form=form, status=422)
    try:
        milestone = add_milestone(acting_user(), programme, **milestone_values(form), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        programme = get_programme(programme_id)
        return render_programme(programme, milestone_form=form, status=show_error(form, error))
    return after_change(
        programme_id,
        gettext("The milestone %(title)s has been added.", title=milestone.title),
        "milestones",
    )


@bp.route("/programme/<int:programme_id>/meilensteine/<int:milestone_id>", methods=["GET", "POST"])
@requires("programmes.manage")
def programme_milestone_edit(programme_id: int, milestone_id: int) -> Response | tuple[str, int]:
    milestone = get_milestone(programme_id, milestone_id)
    form = milestone_form(milestone)
    if request.method == "GET" or not form.validate_on_submit():
        return render_milestone(milestone, form, 200 if request.method == "GET" else 422)
    try:
        update_milestone(acting_user(), milestone, **milestone_values(form), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_milestone(get_milestone(programme_id, milestone_id), form, status)
    return after_change(programme_id, gettext("The milestone has been saved."), "milestones")


@bp.post("/programme/<int:programme_id>/meilensteine/<int:milestone_id>/entfernen")
@requires("programmes.manage")
def programme_milestone_remove(programme_id: int, milestone_id: int) -> Response:
    milestone = get_milestone(programme_id, milestone_id)
    confirmed()
    title = milestone.title
    try:
        remove_milestone(acting_user(), milestone, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "milestones")
    return after_change(
        programme_id,
        gettext("The milestone %(title)s has been removed.", title=title),
        "milestones",
    )


@bp.post("/programme/<int:programme_id>/ziele")
@requires("programmes.manage")
def programme_target_set(programme_id: int) -> Response | tuple[str, int]:
    programme = get_programme(programme_id)
    form = bound_target_form()
    if not form.validate_on_submit():
        return render_programme(programme, target_form=form, status=422)
    competence = competence_from(form.competence.data)
    if competence is None:
        abort(400)
    level = int(form.level.data)
    try:
        set_programme_target(acting_user(), programme, competence, level, utcnow())
    except DomainError as error:
        db.session.rollback()
        programme = get_programme(programme_id)
        return render_programme(programme, target_form=form, status=show_error(form, error))
    return after_change(
        programme_id,
        gettext(
            "The programme aims at level %(level)s for %(code)s.", level=level, code=competence.code
        ),
        "targets",
    )


@bp.post("/programme/<int:programme_id>/ziele/<int:competence_id>/entfernen")
@requires("programmes.manage")
def programme_target_remove(programme_id: int, competence_id: int) -> Response:
    programme = get_programme(programme_id)
    competence = db.get_or_404(Competence, competence_id)
    confirmed()
    had = any(t.competence_id == competence.id for t in programme.targets)
    set_programme_target(acting_user(), programme, competence, None, utcnow())
    if not had:
        flash(gettext("There was no target for %(code)s.", code=competence.code))
        return redirect(url_for("talent.programme", programme_id=programme_id, _anchor="targets"))
    return after_change(
        programme_id,
        gettext("The target for %(code)s has been removed.", code=competence.code),
        "targets",
    )


@bp.post("/programme/<int:programme_id>/archivieren")
@requires("programmes.manage")
def programme_archive(programme_id: int) -> Response:
    programme = get_programme(programme_id)
    confirmed()
    try:
        archive_programme(acting_user(), programme, utcnow())
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
    confirmed()
    try:
        unarchive_programme(acting_user(), programme, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "archive")
    return after_change(
        programme_id, gettext("%(code)s is active again.", code=programme.code), "archive"
    )


@bp.post("/programme/<int:programme_id>/loeschen")
@requires("programmes.manage")
def programme_delete(programme_id: int) -> Response:
    programme = get_programme(programme_id)
    confirmed()
    code = programme.code
    try:
        delete_programme(acting_user(), programme, utcnow())
    except DomainError as error:
        return failed(programme_id, error, "archive")
    db.session.commit()
    flash(gettext("The programme %(code)s has been deleted.", code=code), "success")
    return redirect(url_for("talent.programmes"))
