"""The catalogue for everyone: search and filter (/kurse), a course's page with its
upcoming sessions (/kurse/<id>), enrolling oneself and — for HR — enrolling someone else
as an exception with a recorded reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from babel import dates
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone, get_translations, gettext
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the catalogue and enrolment actions
from academy.account_admin import find_employee
from academy.auth.policy import can, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Competence, Employee, FrameworkLevel, User
from academy.navigation import NavItem, add_nav
from courses import bp
from courses.enrolment import approver_for, enrolment_blockers, request_enrolment
from courses.forms import CatalogueFilterForm, OverrideEnrolmentForm
from courses.models import (
    ACTIVE_STATES,
    FORMAT_LABELS,
    LEVEL_LABELS,
    PROVIDER_LABELS,
    STATE_LABELS,
    Category,
    Course,
    CourseOutcome,
    CourseSession,
    Enrolment,
    EnrolmentState,
)
from courses.queries import waitlist_position
from courses.search import CatalogueEntry, CatalogueFilters, search_catalogue

add_nav(NavItem("courses.catalogue", N_("Course catalogue"), "catalogue.view", "main", order=10))

NO_PERSONNEL_RECORD = N_("Only staff with a personnel record can enrol.")


# ---------------------------------------------------------------------------
# Shown on every page of the blueprint: labels and date formatting
# ---------------------------------------------------------------------------


def locale_code() -> str:
    loc = get_locale()
    return loc.language if loc else "de"


def berlin_formatters() -> tuple[Callable[[datetime | None], str], Callable[[Any], str]]:
    """``moment`` and ``when`` bound to the current locale and time zone (Europe/Berlin):
    made once per rendering, as they are shown in every row of several lists (and the
    same session or time often in several rows: each text is made once per rendering).
    Babel with the locale's patterns gives the same text as Flask-Babel's
    ``format_date`` / ``format_time`` / ``format_datetime``, without looking up the
    locale at every call."""
    locale, tz = get_locale(), get_timezone()
    date_formats, time_formats = locale.date_formats, locale.time_formats
    point = dates.parse_pattern(f"{date_formats['medium'].pattern} {time_formats['short'].pattern}")
    short_time = dates.parse_pattern(time_formats["short"].pattern)
    full_date = dates.parse_pattern(date_formats["full"].pattern)
    seen: dict[Any, str] = {}

    def moment(value: datetime | None) -> str:
        """A point in time in Europe/Berlin, e.g. "05.03.2025 09:00"."""
        if value is None:
            return "–"
        text = seen.get(value)
        if text is None:
            text = seen[value] = point.apply(value.astimezone(tz), locale)
        return text

    def when(session: CourseSession) -> str:
        """A session's dates in Europe/Berlin: one day with its hours, or from – until."""
        key = (session.starts_at, session.ends_at)
        text = seen.get(key)
        if text is None:
            start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
            text = seen[key] = _when(start, end)
        return text

    def _when(start: datetime, end: datetime) -> str:
        if start.date() == end.date():
            hours = f"{short_time.apply(start, locale)}–{short_time.apply(end, locale)}"
            return f"{full_date.apply(start, locale)}, {hours}"
        return (
            f"{dates.format_datetime(start, 'short', locale=locale)} – "
            f"{dates.format_datetime(end, 'short', locale=locale)}"
        )

    return moment, when


def moment(value: datetime | None) -> str:
    """A point in time in Europe/Berlin, e.g. "05.03.2025 09:00"."""
    return berlin_formatters()[0](value)


def when(session: CourseSession) -> str:
    """A session's dates in Europe/Berlin: one day with its hours, or from – until."""
    return berlin_formatters()[1](session)


@bp.context_processor
def _catalogue_helpers() -> dict[str, Any]:
    moment, when = berlin_formatters()
    return {
        "catalogue_labels": {
            "format": FORMAT_LABELS,
            "level": LEVEL_LABELS,
            "provider": PROVIDER_LABELS,
            "state": STATE_LABELS,
        },
        "moment": moment,
        "when": when,
    }


def page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def valid(field: Any) -> Any:
    """A filter field's value, or None when it is empty or invalid."""
    if field.errors or field.data in ("", None):
        return None
    return field.data.strip() if isinstance(field.data, str) else field.data


def all_categories() -> list[Category]:
    return list(db.session.scalars(_categories_statement()))


def competences_in_catalogue() -> list[Competence]:
    """Competences that some course in the catalogue leads to, by framework and order."""
    return list(db.session.scalars(_competences_statement()))


# The filter form's two statements never change: built once (structure only, no data).


@cache
def _categories_statement() -> Select[tuple[Category]]:
    return select(Category).order_by(Category.position, Category.name)


@cache
def _competences_statement() -> Select[tuple[Competence]]:
    used = select(CourseOutcome.competence_id).join(Course).where(Course.archived.is_(False))
    return (
        select(Competence)
        .options(joinedload(Competence.framework))
        .where(Competence.id.in_(used))
        .order_by(Competence.framework_id, Competence.area_id, Competence.position)
    )


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------


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
    english = locale_code() == "en"
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


@bp.get("")
@requires("catalogue.view")
def catalogue() -> str:
    form = CatalogueFilterForm(formdata=request.args)
    form.set_choices(all_categories(), competences_in_catalogue(), locale_code())
    form.validate()
    category, competence = valid(form.category), valid(form.competence)
    filters = CatalogueFilters(
        text=valid(form.q) or "",
        category_id=int(category) if category else None,
        format=valid(form.format),
        level=valid(form.level),
        competence_id=int(competence) if competence else None,
        date_from=valid(form.date_from),
        date_to=valid(form.date_to),
        free_seats=bool(form.free_seats.data),
    )
    result = search_catalogue(filters, now=utcnow(), page=page_number())
    return render_template(
        "courses/catalogue.html", form=form, result=result, rows=catalogue_rows(result.entries)
    )


# ---------------------------------------------------------------------------
# A course
# ---------------------------------------------------------------------------


def load_course(course_id: int) -> Course:
    course = db.session.scalar(
        select(Course)
        .options(
            joinedload(Course.category),
            selectinload(Course.outcomes)
            .joinedload(CourseOutcome.competence)
            .joinedload(Competence.framework),
            selectinload(Course.prerequisites),
        )
        .where(Course.id == course_id)
    )
    if course is None or (course.archived and not can(current_user, "catalogue.manage")):
        abort(404)
    return course


def open_sessions(course: Course, now: datetime) -> list[CourseSession]:
    """Sessions not cancelled that have not started yet, by start."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .options(joinedload(CourseSession.trainer))
            .where(
                CourseSession.course_id == course.id,
                CourseSession.cancelled_at.is_(None),
                CourseSession.starts_at > now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        )
    )


def override_sessions(course: Course, now: datetime) -> list[CourseSession]:
    """HR may enrol someone in any session that is not cancelled and has not ended."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(
                CourseSession.course_id == course.id,
                CourseSession.cancelled_at.is_(None),
                CourseSession.ends_at > now,
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
        )
    )


def override_form(course: Course, now: datetime, *, formdata: bool) -> OverrideEnrolmentForm:
    form = OverrideEnrolmentForm() if formdata else OverrideEnrolmentForm(formdata=None)
    form.set_sessions((s.id, when(s)) for s in override_sessions(course, now))
    return form


def level_names(course: Course) -> dict[tuple[int, int], FrameworkLevel]:
    """The named levels of the frameworks the course's outcomes belong to."""
    ids = {o.competence.framework_id for o in course.outcomes}
    if not ids:
        return {}
    rows = db.session.scalars(select(FrameworkLevel).where(FrameworkLevel.framework_id.in_(ids)))
    return {(lv.framework_id, lv.level): lv for lv in rows}


def completed_course_ids(employee: Employee | None, course_ids: list[int]) -> set[int]:
    if employee is None or not course_ids:
        return set()
    return set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.employee_id == employee.id,
                Enrolment.course_id.in_(course_ids),
                Enrolment.state == EnrolmentState.COMPLETED.value,
            )
        )
    )


def active_enrolment(employee: Employee | None, course: Course) -> Enrolment | None:
    if employee is None:
        return None
    return db.session.scalar(
        select(Enrolment)
        .options(joinedload(Enrolment.session))
        .where(
            Enrolment.employee_id == employee.id,
            Enrolment.course_id == course.id,
            Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
        )
    )


def blocker_text(reason: str) -> str:
    """A reason from ``enrolment_blockers`` in the reader's language (it carries its
    English message and parameters; a plain string is translated as it is)."""
    return translate(getattr(reason, "message", reason), **getattr(reason, "params", {}))


def render_course(
    course: Course, *, form: OverrideEnrolmentForm | None = None, status: int = 200
) -> tuple[str, int]:
    now = utcnow()
    user: User = current_user._get_current_object()
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
    prerequisite_ids = [c.id for c in course.prerequisites]
    if form is None and can(user, "catalogue.manage") and not course.archived:
        form = override_form(course, now, formdata=False)
    mine = active_enrolment(employee, course)
    html = render_template(
        "courses/course.html",
        course=course,
        rows=rows,
        levels=level_names(course),
        completed=completed_course_ids(employee, prerequisite_ids),
        has_employee=employee is not None,
        mine=mine,
        mine_position=waitlist_position(mine)
        if mine is not None and mine.state == EnrolmentState.WAITLISTED
        else None,
        override=form,
        locale=locale_code(),
    )
    return html, status


@bp.get("/<int:course_id>")
@requires("catalogue.view")
def course(course_id: int) -> tuple[str, int]:
    return render_course(load_course(course_id))


# ---------------------------------------------------------------------------
# Enrolling
# ---------------------------------------------------------------------------


def outcome_message(enrolment: Enrolment, *, own: bool) -> str:
    """What happened to a request, for the flash message."""
    name = enrolment.employee.full_name
    if enrolment.state == EnrolmentState.CONFIRMED:
        if own:
            return gettext("You are enrolled. Your seat is confirmed.")
        return gettext("%(name)s is enrolled; the seat is confirmed.", name=name)
    if enrolment.state == EnrolmentState.WAITLISTED:
        position = waitlist_position(enrolment)
        if own:
            return gettext(
                "The session is full: you are number %(n)s on the waiting list.", n=position
            )
        return gettext(
            "The session is full: %(name)s is number %(n)s on the waiting list.",
            name=name,
            n=position,
        )
    if enrolment.state == EnrolmentState.PENDING:
        approver = approver_for(enrolment.employee)
        approver_name = approver.display_name if approver else gettext("HR development")
        if own:
            return gettext(
                "Your request has been sent to %(approver)s for approval.", approver=approver_name
            )
        return gettext(
            "The request for %(name)s has been sent to %(approver)s for approval.",
            name=name,
            approver=approver_name,
        )
    return gettext(
        "The enrolment has been saved: %(state)s.", state=gettext(STATE_LABELS[enrolment.state])
    )


def session_of_open_course(session_id: int) -> CourseSession:
    session = db.get_or_404(CourseSession, session_id)
    if session.course.archived:
        abort(404)
    return session


@bp.post("/termine/<int:session_id>/anmelden")
@requires("enrolment.request")
def enrol(session_id: int) -> Response | tuple[str, int]:
    session = session_of_open_course(session_id)
    course_id = session.course_id
    user: User = current_user._get_current_object()
    if user.employee is None:
        abort(403)
    try:
        enrolment = request_enrolment(user, user.employee, session, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(translate(error.message, **error.params), "danger")
        return render_course(load_course(course_id), status=error.status_code)
    message = outcome_message(enrolment, own=True)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("courses.course", course_id=course_id))


@bp.post("/<int:course_id>/anmelden-fuer")
@requires("catalogue.manage")
def enrol_override(course_id: int) -> Response | tuple[str, int]:
    course = load_course(course_id)
    if course.archived:
        abort(404)
    form = override_form(course, utcnow(), formdata=True)
    if not form.validate_on_submit():
        return render_course(course, form=form, status=422)
    employee = find_employee(form.personnel_no.data or "")
    if employee is None:
        form.personnel_no.errors = [gettext("There is no employee with this personnel number.")]
        return render_course(course, form=form, status=422)
    session = db.session.get(CourseSession, int(form.session_id.data))
    reason = (form.reason.data or "").strip()
    try:
        enrolment = request_enrolment(
            current_user._get_current_object(), employee, session, utcnow(), override_reason=reason
        )
    except DomainError as error:
        db.session.rollback()
        course = load_course(course_id)
        form.form_errors.append(translate(error.message, **error.params))
        return render_course(course, form=form, status=error.status_code)
    message = outcome_message(enrolment, own=False)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("courses.course", course_id=course_id))
