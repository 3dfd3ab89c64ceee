"""What the catalogue pages show, put together outside the views: the catalogue's rows
with their texts ready, a course's page (the sessions one may enrol in and why not), and
HR's course form with its choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import get_translations

from academy.accounts.models import User
from academy.auth.policy import can
from academy.clock import utcnow
from academy.frameworks.registry import active_framework_summaries
from academy.i18n import N_, translate
from academy.web.forms import field_value
from academy.web.kit import acting_user, language
from courses.catalogue.archiving import course_in_use
from courses.catalogue.editing import CourseData
from courses.catalogue.forms import ArchiveForm, CatalogueFilterForm, CourseForm, DeleteCourseForm
from courses.catalogue.models import FORMAT_LABELS, LEVEL_LABELS, Course
from courses.catalogue.queries import (
    active_enrolment,
    all_categories,
    competence_options,
    competences_in_catalogue,
    completed_course_ids,
    course_for_editing,
    course_for_page,
    level_names,
    open_sessions,
    override_sessions,
    prerequisite_options,
)
from courses.catalogue.search import CatalogueEntry, CatalogueFilters
from courses.enrolment.eligibility import enrolment_blockers
from courses.enrolment.forms import OverrideEnrolmentForm
from courses.enrolment.models import EnrolmentState
from courses.enrolment.queries import waitlist_position
from courses.formatting import berlin_formatters, when

NO_PERSONNEL_RECORD = N_("Only staff with a personnel record can enrol.")


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------


def filter_form() -> tuple[CatalogueFilterForm, CatalogueFilters]:
    """The catalogue's filter form read from the query string, and the filters it gives."""
    form = CatalogueFilterForm(formdata=request.args)
    form.set_choices(all_categories(), competences_in_catalogue(), language())
    form.validate()
    category, competence = field_value(form.category), field_value(form.competence)
    filters = CatalogueFilters(
        text=field_value(form.q) or "",
        category_id=int(category) if category else None,
        format=field_value(form.format),
        level=field_value(form.level),
        competence_id=int(competence) if competence else None,
        date_from=field_value(form.date_from),
        date_to=field_value(form.date_to),
        free_seats=bool(form.free_seats.data),
    )
    return form, filters


@dataclass(frozen=True)
class CatalogueRow:
    """A line of the catalogue table with its texts ready in the reader's language (the
    table is the busiest part of the busiest page: one pass in Python instead of a
    dozen template calls per line)."""

    course: Course
    url: str
    #: The competences the course leads to, comma-separated ("" when none).
    competences: str
    format: str
    level: str
    #: The next session's start ("05.03.2025 09:00"); None: no date yet.
    next_start: str | None
    #: Free seats ("3 seats left" / "Full – waiting list"); None: no session.
    seats: str | None


def catalogue_rows(entries: list[CatalogueEntry]) -> list[CatalogueRow]:
    translations = get_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext
    english = language() == "en"
    moment = berlin_formatters()[0]
    formats = {value: ugettext(label) for value, label in FORMAT_LABELS.items()}
    levels = {value: ugettext(label) for value, label in LEVEL_LABELS.items()}
    full = ugettext("Full – waiting list")
    rows = []
    for entry in entries:
        course, session = entry.course, entry.next_session
        names = [
            (o.competence.name_en if english else None) or o.competence.name_de
            for o in entry.outcomes
        ]
        seats = None
        if session is not None:
            left = session.seats_left
            seats = (
                ungettext("%(num)s seat left", "%(num)s seats left", left) % {"num": left}
                if left
                else full
            )
        rows.append(
            CatalogueRow(
                course=course,
                url=url_for("courses.course", course_id=course.id),
                competences=", ".join(names),
                format=formats[course.format],
                level=levels[course.level],
                next_start=moment(session.starts_at) if session is not None else None,
                seats=seats,
            )
        )
    return rows


# ---------------------------------------------------------------------------
# A course's page
# ---------------------------------------------------------------------------


def load_course(course_id: int, *, open_only: bool = False) -> Course:
    """The course of a page; 404 when there is none, or it is archived and the reader
    does not manage the catalogue (``open_only``: archived is 404 for everyone)."""
    course = course_for_page(course_id)
    if course is None or (course.archived and not can(acting_user(), "catalogue.manage")):
        abort(404)
    if open_only and course.archived:
        abort(404)
    return course


def override_form(course: Course, now: datetime, *, formdata: bool) -> OverrideEnrolmentForm:
    form = OverrideEnrolmentForm() if formdata else OverrideEnrolmentForm(formdata=None)
    form.set_sessions((s.id, when(s)) for s in override_sessions(course, now))
    return form


def blocker_text(reason: str) -> str:
    """A reason from ``enrolment_blockers`` in the reader's language (it carries its
    English message and parameters; a plain string is translated as it is)."""
    return translate(getattr(reason, "message", reason), **getattr(reason, "params", {}))


def session_rows(user: User, course: Course, now: datetime) -> list[dict[str, Any]]:
    """The open sessions of a course, each with why the reader may not enrol (if so)."""
    employee = user.employee
    may_request = can(user, "enrolment.request")
    rows = []
    for session in open_sessions(course, now):
        if employee is None:
            reasons = [translate(NO_PERSONNEL_RECORD)]
        else:
            reasons = [blocker_text(r) for r in enrolment_blockers(employee, session, now)]
        rows.append(
            {"session": session, "reasons": reasons, "can_enrol": may_request and not reasons}
        )
    return rows


def render_course(
    course: Course, *, form: OverrideEnrolmentForm | None = None, status: int = 200
) -> tuple[str, int]:
    now = utcnow()
    user = acting_user()
    employee = user.employee
    if form is None and can(user, "catalogue.manage") and not course.archived:
        form = override_form(course, now, formdata=False)
    mine = active_enrolment(employee, course)
    html = render_template(
        "courses/catalogue/course.html",
        course=course,
        rows=session_rows(user, course, now),
        levels=level_names(course),
        completed=completed_course_ids(employee, [c.id for c in course.prerequisites]),
        has_employee=employee is not None,
        mine=mine,
        mine_position=waitlist_position(mine)
        if mine is not None and mine.state == EnrolmentState.WAITLISTED
        else None,
        override=form,
        locale=language(),
    )
    return html, status


# ---------------------------------------------------------------------------
# HR: the course form
# ---------------------------------------------------------------------------


def get_course(course_id: int) -> Course:
    """The course of an HR page (archived ones too), or 404."""
    course = course_for_editing(course_id)
    if course is None:
        abort(404)
    return course


def course_form(course: Course | None) -> CourseForm:
    if request.method == "POST":
        form = CourseForm()
    else:
        form = CourseForm(formdata=None)
        if course is not None:
            form.fill_from(course)
    form.set_choices(
        all_categories(), competence_options(course), prerequisite_options(course), language()
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
    locale = language()
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
        "courses/catalogue/manage/course_form.html",
        course=course,
        form=form,
        in_use=course_in_use(course) if course is not None else False,
        archive_form=extra.get("archive_form") or ArchiveForm(formdata=None),
        delete_form=extra.get("delete_form") or DeleteCourseForm(formdata=None),
        frameworks=level_ranges(),
    )
    return html, status
