"""HR's catalogue management (action ``catalogue.manage``): the course list including
archived courses, creating and editing courses (outcomes, prerequisites), archiving,
reactivating and deleting them, and the categories. The sessions of a course are in
``courses.views_sessions``."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.frameworks import active_framework_summaries
from academy.i18n import N_, translate
from academy.models import Competence, CompetenceArea, Framework
from academy.navigation import NavItem, add_nav
from courses import bp
from courses.catalogue import (
    CourseData,
    archive_course,
    course_in_use,
    create_category,
    create_course,
    delete_course,
    unarchive_course,
    update_category,
    update_course,
)
from courses.forms import (
    ArchiveForm,
    CategoryForm,
    CourseForm,
    DeleteCourseForm,
    ManageFilterForm,
)
from courses.models import Category, Course, CourseSession
from courses.views_catalogue import all_categories, locale_code, page_number, valid

add_nav(NavItem("courses.manage_courses", N_("Manage courses"), "catalogue.manage", "hr", order=5))


def paginate(query: Any) -> Any:
    return db.paginate(
        query, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )


def show_error(form: FlaskForm, error: DomainError, rows: list[int] | None = None) -> int:
    """Put a domain error next to its field — ``outcomes.<n>.<field>`` is the n-th
    submitted outcome row, ``rows`` maps it to the form's row — or above the form."""
    message = translate(error.message, **error.params)
    target = None
    if error.field and error.field.startswith("outcomes.") and rows is not None:
        _name, index, sub = error.field.split(".")
        target = getattr(form.outcomes[rows[int(index)]].form, sub, None)  # type: ignore[attr-defined]
    elif error.field:
        target = getattr(form, error.field, None)
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)
    return error.status_code


def get_course(course_id: int) -> Course:
    course = db.session.scalar(
        select(Course)
        .options(
            joinedload(Course.category),
            selectinload(Course.outcomes),
            selectinload(Course.prerequisites),
        )
        .where(Course.id == course_id)
    )
    if course is None:
        abort(404)
    return course


# ---------------------------------------------------------------------------
# Course list
# ---------------------------------------------------------------------------


@bp.get("/verwaltung")
@requires("catalogue.manage")
def manage_courses() -> str:
    form = ManageFilterForm(formdata=request.args)
    form.set_categories(all_categories())
    form.validate()
    query = select(Course).options(joinedload(Course.category))
    text = valid(form.q)
    if text:
        query = query.where(
            or_(
                Course.code.icontains(text, autoescape=True),
                Course.title.icontains(text, autoescape=True),
            )
        )
    if valid(form.category):
        query = query.where(Course.category_id == int(form.category.data))
    status = valid(form.status)
    if status:
        query = query.where(Course.archived.is_(status == "archived"))
    page = paginate(query.order_by(Course.archived, func.lower(Course.title), Course.id))
    ids = [c.id for c in page.items]
    upcoming = dict(
        db.session.execute(
            select(CourseSession.course_id, func.count())
            .where(
                CourseSession.course_id.in_(ids),
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at > utcnow(),
            )
            .group_by(CourseSession.course_id)
        ).all()
    )
    return render_template("courses/manage/courses.html", form=form, page=page, upcoming=upcoming)


# ---------------------------------------------------------------------------
# New and edit
# ---------------------------------------------------------------------------


def competence_options(course: Course | None) -> list[Competence]:
    """Competences of the active frameworks, plus those the course already has."""
    current = [o.competence_id for o in course.outcomes] if course is not None else []
    return list(
        db.session.scalars(
            select(Competence)
            .join(Framework, Competence.framework_id == Framework.id)
            .join(CompetenceArea, Competence.area_id == CompetenceArea.id)
            .options(joinedload(Competence.framework))
            .where(or_(Framework.active.is_(True), Competence.id.in_(current)))
            .order_by(Framework.code, CompetenceArea.position, Competence.position)
        )
    )


def prerequisite_options(course: Course | None) -> list[Course]:
    """Courses in the catalogue (not the course itself), plus its current prerequisites."""
    current = [c.id for c in course.prerequisites] if course is not None else []
    query = select(Course).where(or_(Course.archived.is_(False), Course.id.in_(current)))
    if course is not None:
        query = query.where(Course.id != course.id)
    return list(db.session.scalars(query.order_by(Course.code)))


def course_form(course: Course | None) -> CourseForm:
    if request.method == "POST":
        form = CourseForm()
    else:
        form = CourseForm(formdata=None)
        if course is not None:
            form.fill_from(course)
    form.set_choices(
        all_categories(), competence_options(course), prerequisite_options(course), locale_code()
    )
    return form


def course_data(form: CourseForm) -> tuple[CourseData, list[int]]:
    """The service's input and, for each outcome passed, its row in the form."""
    filled = form.outcome_rows()
    data = CourseData(
        code=form.code.data or "",
        title=form.title.data or "",
        category_id=int(form.category.data) if form.category.data else None,
        duration_ue=form.duration_ue.data,
        description=form.description.data or "",
        format=form.format.data,
        level=form.level.data,
        provider=form.provider.data,
        provider_name=form.provider_name.data,
        cost=form.cost.data,
        requires_approval=bool(form.requires_approval.data),
        validity_months=form.validity_months.data,
        outcomes=[values for _row, values in filled],
        prerequisite_ids=list(form.prerequisites.data or []),
    )
    return data, [row for row, _values in filled]


def level_ranges() -> list[dict[str, Any]]:
    """The level range of each active framework, for the outcome rows' help text."""
    locale = locale_code()
    return [
        {
            "name": getattr(s.framework, f"name_{locale}", None) or s.framework.name_de,
            "low": s.level_min,
            "high": s.level_max,
        }
        for s in active_framework_summaries()
    ]


def render_course_form(
    course: Course | None, form: CourseForm, status: int = 200, **extra: Any
) -> tuple[str, int]:
    html = render_template(
        "courses/manage/course_form.html",
        course=course,
        form=form,
        in_use=course_in_use(course) if course is not None else False,
        archive_form=extra.get("archive_form") or ArchiveForm(formdata=None),
        delete_form=extra.get("delete_form") or DeleteCourseForm(formdata=None),
        frameworks=level_ranges(),
    )
    return html, status


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
        course = create_course(current_user._get_current_object(), data, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_course_form(None, form, show_error(form, error, rows))
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
        update_course(current_user._get_current_object(), course, data, utcnow())
    except DomainError as error:
        db.session.rollback()
        course = get_course(course_id)
        return render_course_form(course, form, show_error(form, error, rows))
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
        current_user._get_current_object(),
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
    unarchive_course(current_user._get_current_object(), course, utcnow())
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
        delete_course(current_user._get_current_object(), course, utcnow())
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
    page = paginate(select(Category).order_by(Category.position, func.lower(Category.name)))
    ids = [c.id for c in page.items]
    counts = dict(
        db.session.execute(
            select(Course.category_id, func.count())
            .where(Course.category_id.in_(ids))
            .group_by(Course.category_id)
        ).all()
    )
    return render_template("courses/manage/categories.html", page=page, counts=counts)


def _save_category(category: Category | None) -> Response | tuple[str, int]:
    form = CategoryForm() if request.method == "POST" else CategoryForm(obj=category)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            actor = current_user._get_current_object()
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
    html = render_template("courses/manage/category_form.html", form=form, category=category)
    return html, status


@bp.route("/verwaltung/kategorien/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_category_new() -> Response | tuple[str, int]:
    return _save_category(None)


@bp.route("/verwaltung/kategorien/<int:category_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_category_edit(category_id: int) -> Response | tuple[str, int]:
    return _save_category(db.get_or_404(Category, category_id))
