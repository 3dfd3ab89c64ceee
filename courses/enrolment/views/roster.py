"""What the trainer and HR do on a session's roster: record attendance (per meeting:
the form names the meeting) and results (the session's trainer, HR; "all completed" in
one step), re-rank the waiting list, give someone a place, cancel an enrolment late with
a reason (HR). Every action returns to the roster."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the roster actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user
from courses import bp
from courses.enrolment.attendance import (
    mark_meeting,
    marks_of,
    record_all_passed,
    record_result,
)
from courses.enrolment.cancellation import cancel
from courses.enrolment.forms import LateCancelForm, ReasonForm, RerankForm
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.queries import session_roster
from courses.enrolment.waitlist import promote_from_waitlist, rerank_waitlist
from courses.sessions.models import CourseSession, SessionMeeting
from courses.sessions.pages import (
    back_to_roster,
    chosen_meeting,
    invalid,
    late_cancel_choices,
    load_enrolment,
    load_session,
    name_of,
    refused,
)

#: Values of the attendance and result radio buttons.
ATTENDANCE_CHOICES = {"attended": True, "no_show": False}
RESULT_CHOICES = {"completed": True, "failed": False}


def _markable_session(session_id: int) -> CourseSession:
    session = load_session(session_id)
    authorize("attendance.mark", session)
    return session


def _managed(session_id: int, enrolment_id: int) -> Enrolment:
    session = load_session(session_id)
    authorize("session.roster", session)
    enrolment = load_enrolment(session, enrolment_id)
    authorize("waitlist.manage", enrolment)
    return enrolment


def attendance_changes(
    session: CourseSession, meeting: SessionMeeting
) -> list[tuple[Enrolment, bool]]:
    """The participants whose attendance at ``meeting`` the form changes, with present
    or not."""
    participants = session_roster(session).participants
    marks = marks_of(participants, list(session.meetings))
    changes = []
    for enrolment in participants:
        value = request.form.get(f"attendance-{enrolment.id}")
        if (
            value in ATTENDANCE_CHOICES
            and marks.get((enrolment.id, meeting.id)) != (ATTENDANCE_CHOICES[value])
        ):
            changes.append((enrolment, ATTENDANCE_CHOICES[value]))
    return changes


def unmarked(session: CourseSession, meeting: SessionMeeting) -> list[Enrolment]:
    """Confirmed participants without a record for ``meeting``."""
    participants = session_roster(session).participants
    marks = marks_of(participants, list(session.meetings))
    return [
        e
        for e in participants
        if e.state == EnrolmentState.CONFIRMED and (e.id, meeting.id) not in marks
    ]


def _meeting(session: CourseSession) -> tuple[SessionMeeting, int | None]:
    """The meeting the form is about, and its id for the way back (sessions of one
    meeting need none)."""
    meeting = chosen_meeting(session, utcnow(), request.form.get("meeting"))
    return meeting, meeting.id if len(session.meetings) > 1 else None


def chosen_results(session: CourseSession) -> list[tuple[Enrolment, bool]]:
    """The attended participants the form gives a result, with passed or not."""
    results = []
    for enrolment in session_roster(session).participants:
        value = request.form.get(f"result-{enrolment.id}")
        if value in RESULT_CHOICES and enrolment.state == EnrolmentState.ATTENDED:
            results.append((enrolment, RESULT_CHOICES[value]))
    return results


@bp.post("/termine/<int:session_id>/anwesenheit", endpoint="roster_attendance")
@requires("session.roster")
def roster_attendance(session_id: int) -> Response:
    session = _markable_session(session_id)
    meeting, back = _meeting(session)
    changes = attendance_changes(session, meeting)
    if not changes:
        flash(gettext("Nothing to save: the attendance has not changed."), "info")
        return back_to_roster(session_id, back)
    actor, now = acting_user(), utcnow()
    try:
        for enrolment, present in changes:
            mark_meeting(actor, enrolment, meeting, present, now)
    except DomainError as error:
        return refused(error, session_id, back)
    db.session.commit()
    message = ngettext(
        "Attendance saved for %(num)s participant.",
        "Attendance saved for %(num)s participants.",
        len(changes),
    )
    flash(message, "success")
    return back_to_roster(session_id, back)


@bp.post("/termine/<int:session_id>/anwesenheit/alle", endpoint="roster_attendance_all")
@requires("session.roster")
def roster_attendance_all(session_id: int) -> Response:
    session = _markable_session(session_id)
    meeting, back = _meeting(session)
    remaining = unmarked(session, meeting)
    if not remaining:
        flash(gettext("Attendance has already been recorded for everyone."), "info")
        return back_to_roster(session_id, back)
    actor, now = acting_user(), utcnow()
    try:
        for enrolment in remaining:
            mark_meeting(actor, enrolment, meeting, True, now)
    except DomainError as error:
        return refused(error, session_id, back)
    db.session.commit()
    message = ngettext(
        "%(num)s participant has been marked as attended.",
        "%(num)s participants have been marked as attended.",
        len(remaining),
    )
    flash(message, "success")
    return back_to_roster(session_id, back)


@bp.post("/termine/<int:session_id>/ergebnisse", endpoint="roster_results")
@requires("session.roster")
def roster_results(session_id: int) -> Response:
    results = chosen_results(_markable_session(session_id))
    if not results:
        flash(gettext("Nothing to save: please choose a result."), "info")
        return back_to_roster(session_id)
    actor, now = acting_user(), utcnow()
    try:
        for enrolment, passed in results:
            record_result(actor, enrolment, passed, now)
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    message = ngettext(
        "The result has been recorded for %(num)s participant.",
        "The results have been recorded for %(num)s participants.",
        len(results),
    )
    flash(message, "success")
    return back_to_roster(session_id)


@bp.post("/termine/<int:session_id>/ergebnisse/alle", endpoint="roster_results_all")
@requires("session.roster")
def roster_results_all(session_id: int) -> Response:
    session = _markable_session(session_id)
    try:
        passed = record_all_passed(acting_user(), session, utcnow())
    except DomainError as error:
        return refused(error, session_id)
    if not passed:
        flash(gettext("Everyone who attended already has a result."), "info")
        return back_to_roster(session_id)
    db.session.commit()
    message = ngettext(
        "%(num)s participant has been recorded as completed.",
        "%(num)s participants have been recorded as completed.",
        len(passed),
    )
    flash(message, "success")
    return back_to_roster(session_id)


@bp.post(
    "/termine/<int:session_id>/warteliste/<int:enrolment_id>/position",
    endpoint="roster_rerank",
)
@requires("waitlist.manage")
def roster_rerank(session_id: int, enrolment_id: int) -> Response:
    enrolment = _managed(session_id, enrolment_id)
    form = RerankForm()
    if not form.validate():
        return invalid(form, session_id)
    name = name_of(enrolment)
    try:
        rerank_waitlist(acting_user(), enrolment, form.position.data, form.reason.data, utcnow())
    except DomainError as error:
        return refused(error, session_id)
    db.session.commit()
    message = gettext(
        "%(name)s is now at position %(position)s of the waiting list.",
        name=name,
        position=form.position.data,
    )
    flash(message, "success")
    return back_to_roster(session_id)


@bp.post(
    "/termine/<int:session_id>/warteliste/<int:enrolment_id>/nachruecken",
    endpoint="roster_promote",
)
@requires("waitlist.manage")
def roster_promote(session_id: int, enrolment_id: int) -> Response:
    enrolment = _managed(session_id, enrolment_id)
    form = ReasonForm()
    if not form.validate():
        return invalid(form, session_id)
    name = name_of(enrolment)
    try:
        promote_from_waitlist(acting_user(), enrolment, form.reason.data, utcnow())
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
        cancel(acting_user(), enrolment, utcnow(), reason=form.reason.data)
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
