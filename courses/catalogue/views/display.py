"""The catalogue for everyone: search and filter (/kurse) and a course's page with its
upcoming sessions (/kurse/<id>). Enrolling from that page is in the enrolment views."""

from __future__ import annotations

from flask import render_template

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.i18n import N_
from academy.web.kit import page_number
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.catalogue.pages import catalogue_rows, filter_form, load_course, render_course
from courses.catalogue.search import search_catalogue

add_nav(NavItem("courses.catalogue", N_("Course catalogue"), "catalogue.view", "main", order=10))


@bp.get("")
@requires("catalogue.view")
def catalogue() -> str:
    form, filters = filter_form()
    result = search_catalogue(filters, now=utcnow(), page=page_number())
    return render_template(
        "courses/catalogue/index.html",
        form=form,
        result=result,
        rows=catalogue_rows(result.entries),
    )


@bp.get("/<int:course_id>")
@requires("catalogue.view")
def course(course_id: int) -> tuple[str, int]:
    return render_course(load_course(course_id))
