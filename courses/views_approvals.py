"""The approval inbox of department heads (their subtree) and HR (/kurse/genehmigungen):
pending requests to approve one by one or several at once, or to decline with a reason;
and the requests already approved or declined."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_, translate
from academy.models import Employee, User
from academy.navigation import NavItem, add_nav
from academy.urls import safe_next
from courses import bp
from courses.enrolment import approve, approve_many, decline
from courses.forms_learning import DeclineForm
from courses.models import CourseSession, Enrolment, EnrolmentState
from courses.queries import APPROVED, approval_inbox, waitlist_position
from courses.views_catalogue import page_number
from courses.views_manage import show_error

add_nav(NavItem("courses.approvals", N_("Approvals"), "approvals.view", "main", order=25))

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
    user: User = current_user._get_current_object()
    tab = tab or current_tab()
    page = inbox_page(user, tab, page_number())
    html = render_template(
        "courses/learning/approvals.html",
        tabs=TABS,
        tab=tab,
        page=page,
        deciders=decider_names(page.items) if tab != "pending" else {},
        now=utcnow(),
        here=url_for("courses.approvals", status=tab, page=page.page),
    )
    return html, status


@bp.get("/genehmigungen")
@requires("approvals.view")
def approvals() -> tuple[str, int]:
    return render_inbox()


# ---------------------------------------------------------------------------
# Approving
# ---------------------------------------------------------------------------


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


def refused(error: DomainError) -> tuple[str, int]:
    """A service said no: nothing is saved; the inbox again with the reason."""
    db.session.rollback()
    flash(translate(error.message, **error.params), "danger")
    return render_inbox(tab="pending", status=error.status_code)


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


@bp.post("/genehmigungen/<int:enrolment_id>/genehmigen")
@requires("approvals.view")
def approve_enrolment(enrolment_id: int) -> Response | tuple[str, int]:
    (enrolment,) = load_requests([enrolment_id])
    try:
        approve(current_user._get_current_object(), enrolment, utcnow())
    except DomainError as error:
        return refused(error)
    message = approved_message(enrolment)
    target = back_to_inbox()
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@bp.post("/genehmigungen/genehmigen")
@requires("approvals.view")
def approve_selected() -> Response | tuple[str, int]:
    ids = sorted({i for i in request.form.getlist("enrolment", type=int) if i is not None})
    if not ids:
        flash(gettext("Please select at least one request."), "warning")
        return render_inbox(tab="pending", status=422)
    if len(ids) > MAX_BULK:
        abort(400)
    enrolments = load_requests(ids)
    try:
        approved = approve_many(current_user._get_current_object(), enrolments, utcnow())
    except DomainError as error:
        return refused(error)
    seated = sum(1 for e in approved if e.state == EnrolmentState.CONFIRMED)
    messages = [
        ngettext("%(num)s request approved.", "%(num)s requests approved.", len(approved)),
        gettext(
            "Places confirmed: %(seated)s; on the waiting list: %(waiting)s.",
            seated=seated,
            waiting=len(approved) - seated,
        ),
    ]
    skipped = len(enrolments) - len(approved)
    if skipped:
        messages.append(
            ngettext(
                "%(num)s request had already been decided and was left as it was.",
                "%(num)s requests had already been decided and were left as they were.",
                skipped,
            )
        )
    target = back_to_inbox()
    db.session.commit()
    flash(" ".join(messages), "success")
    return redirect(target)


# ---------------------------------------------------------------------------
# Declining
# ---------------------------------------------------------------------------


def render_decline(enrolment: Enrolment, form: DeclineForm, status: int = 200) -> tuple[str, int]:
    html = render_template("courses/learning/decline.html", enrolment=enrolment, form=form)
    return html, status


@bp.route("/genehmigungen/<int:enrolment_id>/ablehnen", methods=["GET", "POST"])
@requires("approvals.view")
def decline_enrolment(enrolment_id: int) -> Response | tuple[str, int]:
    (enrolment,) = load_requests([enrolment_id])
    if request.method == "GET":
        if enrolment.state != EnrolmentState.PENDING:
            flash(gettext("This request has already been decided."), "info")
            return redirect(url_for("courses.approvals"))
        next_url = safe_next(request.args.get("next")) or ""
        return render_decline(enrolment, DeclineForm(formdata=None, next=next_url))
    form = DeclineForm()
    if not form.validate_on_submit():
        return render_decline(enrolment, form, status=422)
    try:
        decline(current_user._get_current_object(), enrolment, form.reason.data or "", utcnow())
    except DomainError as error:
        db.session.rollback()
        (enrolment,) = load_requests([enrolment_id])
        return render_decline(enrolment, form, status=show_error(form, error))
    message = gettext(
        "The request of %(name)s for “%(course)s” has been declined; the reason has been "
        "sent to them.",
        name=enrolment.employee.full_name,
        course=enrolment.session.course.title,
    )
    target = safe_next(form.next.data) or url_for("courses.approvals")
    db.session.commit()
    flash(message, "success")
    return redirect(target)
