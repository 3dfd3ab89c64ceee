"""What the enrolment pages show and say, put together outside the views: the approval
inbox, the flash messages after enrolling, approving, declining and cancelling, the
pages of a request and of a cancellation, and "my learning"."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.auth.policy import authorize, can
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from academy.web.kit import acting_user, page_number
from academy.web.urls import MAX_ID, safe_next
from courses.budgets.inbox import enrolment_budgets
from courses.enrolment.cancellation import CancelOption, cancel_option
from courses.enrolment.forms import CancelEnrolmentForm, DeclineForm
from courses.enrolment.models import STATE_LABELS, Enrolment, EnrolmentState
from courses.enrolment.queries import APPROVED, approval_inbox, my_learning, waitlist_position
from courses.enrolment.requests import approver_for
from courses.formatting import moment
from courses.sessions.models import CourseSession

#: Requests per page of the inbox.
PER_PAGE = 25
#: Most requests approved in one go (a page is 25).
MAX_BULK = 100
#: The inbox's tabs: what each shows.
TABS = {
    "pending": N_("Awaiting decision"),
    "approved": N_("Approved"),
    "declined": N_("Declined"),
}


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


# ---------------------------------------------------------------------------
# The approval inbox
# ---------------------------------------------------------------------------


def inbox_page(user: User, tab: str, page: int) -> Pagination:
    states = {"approved": APPROVED, "declined": EnrolmentState.DECLINED.value}
    return approval_inbox(user, states.get(tab, EnrolmentState.PENDING.value), page, PER_PAGE)


def decider_names(enrolments: list[Enrolment]) -> dict[int, str]:
    """Names of the people who decided these requests (one query)."""
    ids = {e.decided_by_id for e in enrolments if e.decided_by_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def current_tab() -> str:
    tab = request.args.get("status", "pending")
    return tab if tab in TABS else "pending"


def render_inbox(*, tab: str | None = None, status: int = 200) -> tuple[str, int]:
    tab = tab or current_tab()
    page = inbox_page(acting_user(), tab, page_number())
    html = render_template(
        "courses/enrolment/approvals.html",
        tabs=TABS,
        tab=tab,
        page=page,
        deciders=decider_names(page.items) if tab != "pending" else {},
        budgets=enrolment_budgets(page.items) if tab == "pending" else {},
        now=utcnow(),
        here=url_for("courses.approvals", status=tab, page=page.page),
    )
    return html, status


def selected_ids() -> list[int]:
    """The requests ticked in the inbox (400 when more than ``MAX_BULK``)."""
    ids = sorted({i for i in request.form.getlist("enrolment", type=int) if i is not None})
    if len(ids) > MAX_BULK:
        abort(400)
    if any(not 0 < i <= MAX_ID for i in ids):  # no such request (and no number the database holds)
        abort(404)
    return ids


def load_requests(ids: list[int]) -> list[Enrolment]:
    """The enrolments with these ids (404 if one does not exist), each one the current
    user may decide on (else 403)."""
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .options(
                joinedload(Enrolment.employee).joinedload(Employee.department),
                joinedload(Enrolment.session).joinedload(CourseSession.course),
            )
            .where(Enrolment.id.in_(ids))
        ).unique()
    )
    if len(enrolments) != len(ids):
        abort(404)
    for enrolment in enrolments:
        authorize("enrolment.approve", enrolment)
    return enrolments


def back_to_inbox() -> str:
    return safe_next(request.form.get("next")) or url_for("courses.approvals")


def approved_message(enrolment: Enrolment) -> str:
    name = enrolment.employee.full_name
    course = enrolment.session.course.title
    if enrolment.state == EnrolmentState.CONFIRMED:
        return gettext(
            "The request of %(name)s for “%(course)s” has been approved; the place is confirmed.",
            name=name,
            course=course,
        )
    return gettext(
        "The request of %(name)s for “%(course)s” has been approved; the session is full, "
        "so %(name)s is number %(n)s on the waiting list.",
        name=name,
        course=course,
        n=waitlist_position(enrolment),
    )


def approved_many_message(selected: list[Enrolment], approved: list[Enrolment]) -> str:
    """How many were approved, seated and wait-listed, and how many were left as they were."""
    seated = sum(1 for e in approved if e.state == EnrolmentState.CONFIRMED)
    messages = [
        ngettext("%(num)s request approved.", "%(num)s requests approved.", len(approved)),
        gettext(
            "Places confirmed: %(seated)s; on the waiting list: %(waiting)s.",
            seated=seated,
            waiting=len(approved) - seated,
        ),
    ]
    skipped = len(selected) - len(approved)
    if skipped:
        messages.append(
            ngettext(
                "%(num)s request had already been decided and was left as it was.",
                "%(num)s requests had already been decided and were left as they were.",
                skipped,
            )
        )
    return " ".join(messages)


def declined_message(enrolment: Enrolment) -> str:
    return gettext(
        "The request of %(name)s for “%(course)s” has been declined; the reason has been "
        "sent to them.",
        name=enrolment.employee.full_name,
        course=enrolment.session.course.title,
    )


def render_decline(enrolment: Enrolment, form: DeclineForm, status: int = 200) -> tuple[str, int]:
    html = render_template("courses/enrolment/decline.html", enrolment=enrolment, form=form)
    return html, status


# ---------------------------------------------------------------------------
# Cancelling
# ---------------------------------------------------------------------------


def load_enrolment(enrolment_id: int) -> Enrolment:
    enrolment = db.session.scalar(
        select(Enrolment)
        .options(
            joinedload(Enrolment.session).joinedload(CourseSession.course),
            joinedload(Enrolment.employee),
        )
        .where(Enrolment.id == enrolment_id)
    )
    if enrolment is None:
        abort(404)
    return enrolment


def back_url(enrolment: Enrolment, user: User, target: str | None) -> str:
    """Where to go after cancelling: the page the form came from (local paths only),
    else the own learning record, the session's roster or the course's page."""
    safe = safe_next(target)
    if safe:
        return safe
    if enrolment.employee_id == user.employee_id:
        return url_for("courses.my_learning")
    if can(user, "session.roster", enrolment.session):
        return url_for("courses.session_roster", session_id=enrolment.session_id)
    return url_for("courses.course", course_id=enrolment.course_id)


def cancelled_message(enrolment: Enrolment, before: str, *, own: bool) -> str:
    """What happened, for the flash message."""
    course = enrolment.session.course.title
    name = enrolment.employee.full_name
    if before == EnrolmentState.PENDING:
        if own:
            return gettext("Your request for “%(course)s” has been withdrawn.", course=course)
        return gettext(
            "The request of %(name)s for “%(course)s” has been withdrawn.", name=name, course=course
        )
    if before == EnrolmentState.WAITLISTED:
        if own:
            return gettext("You have left the waiting list for “%(course)s”.", course=course)
        return gettext(
            "%(name)s has been taken off the waiting list for “%(course)s”.",
            name=name,
            course=course,
        )
    date = moment(enrolment.session.starts_at)
    if own:
        message = gettext(
            "Your place in “%(course)s” on %(date)s has been cancelled.", course=course, date=date
        )
    else:
        message = gettext(
            "The place of %(name)s in “%(course)s” on %(date)s has been cancelled.",
            name=name,
            course=course,
            date=date,
        )
    if enrolment.late_cancellation:
        message += " " + gettext("It has been recorded as a late cancellation.")
    return message


def render_cancel(
    enrolment: Enrolment, form: CancelEnrolmentForm, now: datetime, status: int = 200
) -> tuple[str, int]:
    user = acting_user()
    html = render_template(
        "courses/enrolment/cancel.html",
        enrolment=enrolment,
        form=form,
        option=cancel_option(user, enrolment, now),
        own=enrolment.employee_id == user.employee_id,
    )
    return html, status


def late_reason_given(form: CancelEnrolmentForm, option: CancelOption) -> bool:
    """A late cancellation needs a reason: False (and the message at the field) without."""
    if option.allowed and option.late and not (form.reason.data or "").strip():
        form.reason.errors = [gettext("Please give a reason for the late cancellation.")]
        return False
    return True


# ---------------------------------------------------------------------------
# My learning
# ---------------------------------------------------------------------------


@cache
def _employee_statement() -> Select[tuple[Employee]]:
    return (
        select(Employee)
        .options(joinedload(Employee.department))
        .where(Employee.id == bindparam("employee_id"))
    )


def learning_context(user: User, now: datetime) -> dict[str, Any]:
    """What "my learning" shows: the record, what may be cancelled, the approver (403
    for an account without a personnel record)."""
    if user.employee_id is None:
        abort(403)
    # The person with their department in one statement (the approver is looked up
    # from the department).
    employee = db.session.scalar(_employee_statement(), {"employee_id": user.employee_id})
    if employee is None:
        abort(403)
    record = my_learning(employee, now)
    open_ones = [*record.upcoming, *record.pending, *(e for e, _pos in record.waitlisted)]
    return {
        "record": record,
        "options": {e.id: cancel_option(user, e, now) for e in open_ones},
        "approver": approver_for(employee) if record.pending else None,
        "now": now,
        "back": url_for("courses.my_learning"),
    }
