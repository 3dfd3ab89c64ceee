"""Catalogue and sessions (scope ``catalogue:read``): no personal data."""

from __future__ import annotations

from typing import Any

from flask import g

from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from api.auth.bearer import requires_scope
from api.errors import problem
from api.tokens.scopes import CATALOGUE
from api.v1 import LIST_HEADERS, bp, documented
from api.v1.catalogue import (
    COURSE_OPTIONS,
    SESSION_OPTIONS,
    course_item,
    courses_statement,
    session_item,
    sessions_statement,
)
from api.v1.paging import listed, page_of
from api.v1.params import PageQuery, a_day, a_switch, a_text, an_id
from api.v1.schemas import CoursePage, CourseSchema, SessionPage, SessionSchema
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession

TAGS = ["Katalog"]
ID = "int(max=2147483647)"


class CourseQuery(PageQuery):
    q = a_text("Suche in Titel und Kürzel")
    category_id = an_id("Nur diese Kategorie")
    include_archived = a_switch("Auch archivierte Kurse")


class SessionQuery(PageQuery):
    course_id = an_id("Nur Termine dieses Kurses")
    from_ = a_day("Beginn ab diesem Tag (Voreinstellung: heute)", data_key="from")
    to = a_day("Beginn bis einschließlich diesem Tag")
    include_cancelled = a_switch("Auch abgesagte Termine")


@bp.route("/courses", tags=TAGS)
@documented
@requires_scope(CATALOGUE)
@bp.arguments(CourseQuery, location="query", as_kwargs=True)
@bp.response(200, CoursePage, headers=LIST_HEADERS)
@bp.doc(summary="Kurse des Katalogs", description="Nach Kürzel sortiert. Bereich: catalogue:read")
def courses(**args: Any) -> Any:
    rows, info = page_of(courses_statement(args), args, COURSE_OPTIONS)
    return listed([course_item(c) for c in rows], info)


@bp.route(f"/courses/<{ID}:course_id>", tags=TAGS)
@documented
@requires_scope(CATALOGUE)
@bp.response(200, CourseSchema)
@bp.doc(summary="Ein Kurs", description="Auch archivierte Kurse. Bereich: catalogue:read")
def course(course_id: int) -> Any:
    found = db.session.get(Course, course_id, options=COURSE_OPTIONS)
    if found is None:
        problem(404, N_("There is no such course."))
    return course_item(found)


@bp.route("/sessions", tags=TAGS)
@documented
@requires_scope(CATALOGUE)
@bp.arguments(SessionQuery, location="query", as_kwargs=True)
@bp.response(200, SessionPage, headers=LIST_HEADERS)
@bp.doc(summary="Termine", description="Nach Beginn sortiert. Bereich: catalogue:read")
def sessions(**args: Any) -> Any:
    now = g.api_now
    rows, info = page_of(sessions_statement(args, to_berlin(now).date()), args, SESSION_OPTIONS)
    return listed([session_item(s, now) for s in rows], info)


@bp.route(f"/sessions/<{ID}:session_id>", tags=TAGS)
@documented
@requires_scope(CATALOGUE)
@bp.response(200, SessionSchema)
@bp.doc(summary="Ein Termin", description="Auch vergangene und abgesagte. Bereich: catalogue:read")
def session(session_id: int) -> Any:
    found = db.session.get(CourseSession, session_id, options=SESSION_OPTIONS)
    if found is None:
        problem(404, N_("There is no such session."))
    return session_item(found, g.api_now)
