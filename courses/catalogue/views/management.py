"""HR's catalogue management (action ``catalogue.manage``): the course list including
archived courses, creating and editing courses (outcomes, prerequisites), archiving,
reactivating and deleting them, and the categories. The sessions of a course are in
``courses.sessions.views.management``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.web.forms import field_value
from academy.web.kit import acting_user, paginate, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.catalogue.archiving import archive_course, delete_course, unarchive_course
from courses.catalogue.categories import create_category, update_category
from courses.catalogue.editing import create_course, update_course
from courses.catalogue.forms import ArchiveForm, CategoryForm, DeleteCourseForm, ManageFilterForm
from courses.catalogue.models import Category
from courses.catalogue.pages import course_data, course_form, get_course, render_course_form
from courses.catalogue.queries import (
    all_categories,
    categories_page_statement,
    course_counts,
    managed_courses,
    upcoming_session_counts,
)

add_nav(NavItem("courses.manage_courses", N_("Manage courses"), "catalogue.manage", "hr", order=5))


# ---------------------------------------------------------------------------
# Course list
# ---------------------------------------------------------------------------


@bp.get("/verwaltung")
@requires("catalogue.manage")
def manage_courses() -> str:
    form = ManageFilterForm(formdata=request.args)
    form.set_categories(all_categories())
    form.validate()
    category = field_value(form.category)
    statement = managed_courses(
        field_value(form.q), int(category) if category else None, field_value(form.status)
    )
    page = paginate(statement)
    upcoming = upcoming_session_counts([c.id for c in page.items], utcnow())
    return render_template(
        "courses/catalogue/manage/courses.html", form=form, page=page, upcoming=upcoming
    )


# ---------------------------------------------------------------------------
# New and edit
# ---------------------------------------------------------------------------


@bp.route("/verwaltung/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_course_new() -> Response | tuple[str, int]:
    form = course_form(None)
    if request.method == "GET":
        return render_course_form(None, form)
    if not form.validate_on_submit():
        return render_course_form(None, form, 422)
    data, rows = course_data(form)
    try:
        course = create_course(acting_user(), data, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_course_form(None, form, show_error(form, error, rows=rows))
    db.session.commit()
    flash(gettext("The course %(code)s has been created.", code=course.code), "success")
    return redirect(url_for("courses.manage_sessions", course_id=course.id))


@bp.route("/verwaltung/<int:course_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_course_edit(course_id: int) -> Response | tuple[str, int]:
    course = get_course(course_id)
    form = course_form(course)
    if request.method == "GET":
        return render_course_form(course, form)
    if not form.validate_on_submit():
        return render_course_form(course, form, 422)
    data, rows = course_data(form)
    try:
        update_course(acting_user(), course, data, utcnow())
    except DomainError as error:
        db.session.rollback()
        course = get_course(course_id)
        return render_course_form(course, form, show_error(form, error, rows=rows))
    db.session.commit()
    flash(gettext("The course has been saved."), "success")
    return redirect(url_for("courses.manage_course_edit", course_id=course_id))


# ---------------------------------------------------------------------------
# Archive, reactivate, delete
# ---------------------------------------------------------------------------


@bp.post("/verwaltung/<int:course_id>/archivieren")
@requires("catalogue.manage")
def manage_course_archive(course_id: int) -> Response | tuple[str, int]:
    course = get_course(course_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        return render_course_form(course, course_form(course), 422, archive_form=form)
    archive_course(
        acting_user(),
        course,
        utcnow(),
        reason=(form.reason.data or "").strip() or None,
    )
    db.session.commit()
    flash(
        gettext(
            "%(code)s has been archived and no longer appears in the catalogue.", code=course.code
        ),
        "success",
    )
    return redirect(url_for("courses.manage_course_edit", course_id=course_id))


@bp.post("/verwaltung/<int:course_id>/reaktivieren")
@requires("catalogue.manage")
def manage_course_unarchive(course_id: int) -> Response:
    course = get_course(course_id)
    unarchive_course(acting_user(), course, utcnow())
    db.session.commit()
    flash(gettext("%(code)s is back in the catalogue.", code=course.code), "success")
    return redirect(url_for("courses.manage_course_edit", course_id=course_id))


@bp.post("/verwaltung/<int:course_id>/loeschen")
@requires("catalogue.manage")
def manage_course_delete(course_id: int) -> Response | tuple[str, int]:
    course = get_course(course_id)
    form = DeleteCourseForm()
    if not form.validate_on_submit():
        return render_course_form(course, course_form(course), 422, delete_form=form)
    code = course.code
    try:
        delete_course(acting_user(), course, utcnow())
    except DomainError as error:
        db.session.rollback()
        course = get_course(course_id)
        form.confirm.errors = [translate(error.message, **error.params)]
        return render_course_form(course, course_form(course), error.status_code, delete_form=form)
    db.session.commit()
    flash(gettext("The course %(code)s has been deleted.", code=code), "success")
    return redirect(url_for("courses.manage_courses"))


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------


@bp.get("/verwaltung/kategorien")
@requires("catalogue.manage")
def manage_categories() -> str:
    page = paginate(categories_page_statement())
    counts = course_counts([c.id for c in page.items])
    return render_template("courses/catalogue/manage/categories.html", page=page, counts=counts)


def _save_category(category: Category | None) -> Response | tuple[str, int]:
    form = CategoryForm() if request.method == "POST" else CategoryForm(obj=category)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            actor = acting_user()
            values = {
                "name": form.name.data or "",
                "description": form.description.data,
                "position": form.position.data or 0,
                "now": utcnow(),
            }
            try:
                if category is None:
                    category = create_category(actor, **values)
                else:
                    update_category(actor, category, **values)
            except DomainError as error:
                db.session.rollback()
                status = show_error(form, error)
            else:
                db.session.commit()
                flash(gettext("The category has been saved."), "success")
                return redirect(url_for("courses.manage_categories"))
    html = render_template(
        "courses/catalogue/manage/category_form.html", form=form, category=category
    )
    return html, status


@bp.route("/verwaltung/kategorien/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_category_new() -> Response | tuple[str, int]:
    return _save_category(None)


@bp.route("/verwaltung/kategorien/<int:category_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_category_edit(category_id: int) -> Response | tuple[str, int]:
    return _save_category(db.get_or_404(Category, category_id))
