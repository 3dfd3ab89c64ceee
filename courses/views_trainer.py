"""A trainer's own sessions (/kurse/trainer), a session's roster for its trainer and HR
(/kurse/termine/<id>/teilnehmende) with attendance, results and — for HR — the waiting
list (re-rank, promote) and late cancellations, and the printable sign-in sheet.

Every action is a POST that calls the service, commits once, flashes the outcome and
goes back to the roster; a business-rule refusal is rolled back and shown as a message.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the roster actions before @requires
from academy.auth.policy import authorize, can, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import User
from academy.navigation import NavItem, add_nav
from courses import bp
from courses.attendance import MARKABLE
from courses.enrolment import (
    cancel,
    mark_attendance,
    promote_from_waitlist,
    record_result,
    rerank_waitlist,
)
from courses.forms_roster import LateCancelForm, ReasonForm, RerankForm
from courses.models import CourseSession, Enrolment, EnrolmentState
from courses.queries import Roster, session_roster
from courses.views_manage import paginate

add_nav(
    NavItem("courses.trainer_sessions", N_("My sessions"), "trainer.sessions", "main", order=40)
)

#: Values of the attendance and result radio buttons.
ATTENDANCE_CHOICES = {"attended": True, "no_show": False}
RESULT_CHOICES = {"completed": True, "failed": False}


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def load_session(session_id: int) -> CourseSession:
    session = db.session.scalar(
        select(CourseSession)
        .options(
            joinedload(CourseSession.course),
            joinedload(CourseSession.trainer).lazyload(User.role_assignments),
        )
        .where(CourseSession.id == session_id)
    )
    if session is None:
        abort(404)
    return session


def load_enrolment(session: CourseSession, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session_id != session.id:
        abort(404)
    return enrolment


def back_to_roster(session_id: int) -> Response:
    return redirect(url_for("courses.session_roster", session_id=session_id), code=303)


def refused(error: DomainError, session_id: int) -> Response:
    """Undo the request's changes and show the service's reason on the roster."""
    db.session.rollback()
    flash(translate(error.message, **error.params), "danger")
    return back_to_roster(session_id)


def invalid(form: FlaskForm, session_id: int) -> Response:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "danger")
    return back_to_roster(session_id)


def name_of(enrolment: Enrolment) -> str:
    return enrolment.employee.full_name


# ---------------------------------------------------------------------------
# The trainer's own sessions
# ---------------------------------------------------------------------------


def waitlist_counts(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.session_id, func.count())
        .where(
            Enrolment.session_id.in_(session_ids),
            Enrolment.state == EnrolmentState.WAITLISTED.value,
        )
        .group_by(Enrolment.session_id)
    )
    return {session_id: int(n) for session_id, n in rows}


@bp.get("/trainer")
@requires("trainer.sessions")
def trainer_sessions() -> str:
    now = utcnow()
    past = request.args.get("zeit") == "vergangen"
    query = (
        select(CourseSession)
        .options(joinedload(CourseSession.course))
        .where(CourseSession.trainer_id == current_user.id)
    )
    if past:
        query = query.where(CourseSession.ends_at <= now).order_by(
            CourseSession.starts_at.desc(), CourseSession.id.desc()
        )
    else:
        query = query.where(CourseSession.ends_at > now).order_by(
            CourseSession.starts_at, CourseSession.id
        )
    page = paginate(query)
    return render_template(
        "courses/trainer_sessions.html",
        page=page,
        past=past,
        waiting=waitlist_counts([s.id for s in page.items]),
        now=now,
    )


# ---------------------------------------------------------------------------
# Roster
# ---------------------------------------------------------------------------


@bp.get("/termine/<int:session_id>/teilnehmende", endpoint="session_roster")
@requires("session.roster")
def roster_page(session_id: int) -> str:
    session = load_session(session_id)
    authorize("session.roster", session)
    roster = session_roster(session)
    now = utcnow()
    manage = can(current_user, "waitlist.manage", session)
    cancel_form = LateCancelForm(formdata=None)
    cancel_form.enrolment.choices = late_cancel_choices(roster)
    return render_template(
        "courses/roster.html",
        session=session,
        roster=roster,
        now=now,
        started=now >= session.starts_at,
        may_mark=can(current_user, "attendance.mark", session) and not session.is_cancelled,
        markable={s.value for s in MARKABLE},
        attended=[e for e in roster.participants if e.state == EnrolmentState.ATTENDED],
        remaining=[e for e in roster.participants if e.state == EnrolmentState.CONFIRMED],
        manage=manage,
        cancel_form=cancel_form,
    )


def late_cancel_choices(roster: Roster) -> list[tuple[int, str]]:
    """Confirmed participants and people waiting: the enrolments HR may cancel here."""
    confirmed = [
        (e.id, gettext("%(name)s (confirmed)", name=name_of(e)))
        for e in roster.participants
        if e.state == EnrolmentState.CONFIRMED
    ]
    waiting = [
        (
            e.id,
            gettext("%(name)s (waiting list, position %(position)s)", name=name_of(e), position=p),
        )
        for e, p in roster.waitlist
    ]
    return confirmed + waiting


# ---------------------------------------------------------------------------
# Attendance and results (the session's trainer, HR)
# ---------------------------------------------------------------------------


def _markable_session(session_id: int) -> CourseSession:
    session = load_session(session_id)
    authorize("attendance.mark", session)
    return session


@bp.post("/termine/<int:session_id>/anwesenheit", endpoint="roster_attendance")
@requires("session.roster")
def roster_attendance(session_id: int) -> Response:
    session = _markable_session(session_id)
    changes: list[tuple[Enrolment, bool]] = []
    for enrolment in session_roster(session).participants:
        value = request.form.get(f"attendance-{enrolment.id}")
        if value in ATTENDANCE_CHOICES and value != enrolment.state:
            changes.append((enrolment, ATTENDANCE_CHOICES[value]))
    if not changes:
        flash(gettext("Nothing to save: the attendance has not changed."), "info")
        return back_to_roster(session_id)
    now = utcnow()
    try:
        for enrolment, present in changes:
            mark_attendance(actor(), enrolment, present, now)
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    flash(
        ngettext(
            "Attendance saved for %(num)s participant.",
            "Attendance saved for %(num)s participants.",
            len(changes),
        ),
        "success",
    )
    return back_to_roster(session_id)


@bp.post("/termine/<int:session_id>/anwesenheit/alle", endpoint="roster_attendance_all")
@requires("session.roster")
def roster_attendance_all(session_id: int) -> Response:
    session = _markable_session(session_id)
    remaining = [
        e for e in session_roster(session).participants if e.state == EnrolmentState.CONFIRMED
    ]
    if not remaining:
        flash(gettext("Attendance has already been recorded for everyone."), "info")
        return back_to_roster(session_id)
    now = utcnow()
    try:
        for enrolment in remaining:
            mark_attendance(actor(), enrolment, True, now)
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    flash(
        ngettext(
            "%(num)s participant has been marked as attended.",
            "%(num)s participants have been marked as attended.",
            len(remaining),
        ),
        "success",
    )
    return back_to_roster(session_id)


@bp.post("/termine/<int:session_id>/ergebnisse", endpoint="roster_results")
@requires("session.roster")
def roster_results(session_id: int) -> Response:
    session = _markable_session(session_id)
    results: list[tuple[Enrolment, bool]] = []
    for enrolment in session_roster(session).participants:
        value = request.form.get(f"result-{enrolment.id}")
        if value in RESULT_CHOICES and enrolment.state == EnrolmentState.ATTENDED:
            results.append((enrolment, RESULT_CHOICES[value]))
    if not results:
        flash(gettext("Nothing to save: please choose a result."), "info")
        return back_to_roster(session_id)
    now = utcnow()
    try:
        for enrolment, passed in results:
            record_result(actor(), enrolment, passed, now)
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    flash(
        ngettext(
            "The result has been recorded for %(num)s participant.",
            "The results have been recorded for %(num)s participants.",
            len(results),
        ),
        "success",
    )
    return back_to_roster(session_id)


# ---------------------------------------------------------------------------
# Waiting list and late cancellation (HR)
# ---------------------------------------------------------------------------


def _managed(session_id: int, enrolment_id: int) -> tuple[CourseSession, Enrolment]:
    session = load_session(session_id)
    authorize("session.roster", session)
    enrolment = load_enrolment(session, enrolment_id)
    authorize("waitlist.manage", enrolment)
    return session, enrolment


@bp.post(
    "/termine/<int:session_id>/warteliste/<int:enrolment_id>/position",
    endpoint="roster_rerank",
)
@requires("waitlist.manage")
def roster_rerank(session_id: int, enrolment_id: int) -> Response:
    _session, enrolment = _managed(session_id, enrolment_id)
    form = RerankForm()
    if not form.validate():
        return invalid(form, session_id)
    name = name_of(enrolment)
    try:
        rerank_waitlist(actor(), enrolment, form.position.data, form.reason.data, utcnow())
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    flash(
        gettext(
            "%(name)s is now at position %(position)s of the waiting list.",
            name=name,
            position=form.position.data,
        ),
        "success",
    )
    return back_to_roster(session_id)


@bp.post(
    "/termine/<int:session_id>/warteliste/<int:enrolment_id>/nachruecken",
    endpoint="roster_promote",
)
@requires("waitlist.manage")
def roster_promote(session_id: int, enrolment_id: int) -> Response:
    _session, enrolment = _managed(session_id, enrolment_id)
    form = ReasonForm()
    if not form.validate():
        return invalid(form, session_id)
    name = name_of(enrolment)
    try:
        promote_from_waitlist(actor(), enrolment, form.reason.data, utcnow())
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    flash(gettext("%(name)s has been given a place and has been told.", name=name), "success")
    return back_to_roster(session_id)


@bp.post("/termine/<int:session_id>/abmelden", endpoint="roster_cancel")
@requires("waitlist.manage")
def roster_cancel(session_id: int) -> Response:
    session = load_session(session_id)
    authorize("session.roster", session)
    form = LateCancelForm()
    form.enrolment.choices = late_cancel_choices(session_roster(session))
    if not form.validate():
        return invalid(form, session_id)
    enrolment = load_enrolment(session, form.enrolment.data)
    authorize("enrolment.cancel", enrolment)
    name = name_of(enrolment)
    try:
        cancel(actor(), enrolment, utcnow(), reason=form.reason.data)
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    if enrolment.late_cancellation:
        message = gettext(
            "The enrolment of %(name)s has been cancelled and recorded as late.", name=name
        )
    else:
        message = gettext("The enrolment of %(name)s has been cancelled.", name=name)
    flash(message, "success")
    return back_to_roster(session_id)


# ---------------------------------------------------------------------------
# Sign-in sheet
# ---------------------------------------------------------------------------


@bp.get("/termine/<int:session_id>/anwesenheitsliste", endpoint="sign_in_sheet")
@requires("session.roster")
def sign_in_sheet(session_id: int) -> str:
    session = load_session(session_id)
    authorize("session.roster", session)
    participants = session_roster(session).participants
    return render_template(
        "courses/sign_in_sheet.html",
        session=session,
        participants=participants,
        empty_rows=max(session.capacity - len(participants), 0),
    )
