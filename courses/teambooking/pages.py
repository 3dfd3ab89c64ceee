"""What the team booking pages show, put together outside the views: the members a
head ticked (checked against their team), the booking page of a session with the team
list, a reservation's page, and the flash messages after booking."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.auth.policy import authorize
from academy.auth.scope import scope_of
from academy.clock import berlin_to_utc, to_berlin, utcnow
from academy.extensions import db
from academy.i18n import translate
from academy.org.heads import order_as_tree
from academy.org.models import Department, Employee
from academy.web.kit import acting_user, paginate
from courses.sessions.models import CourseSession
from courses.teambooking.booking import Outcome
from courses.teambooking.forms import MemberFilter, ReleaseForm, ReserveForm, SessionSearch
from courses.teambooking.models import PROPOSAL_LABELS, Proposal, Reservation
from courses.teambooking.queries import (
    bookable_sessions,
    course_states,
    members,
    open_proposals_for,
    places_of,
    proposals_by,
    reservations_in,
)
from courses.teambooking.reservations import default_release

#: Most members booked in one go (a page is 25).
MAX_SELECTED = 100


def get_session(session_id: int) -> CourseSession:
    session = db.session.get(CourseSession, session_id)
    if session is None:
        abort(404)
    return session


def get_reservation(reservation_id: int) -> Reservation:
    reservation = db.session.get(Reservation, reservation_id)
    if reservation is None:
        abort(404)
    return reservation


def get_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def units_of(user: User, below: Department | None = None) -> list[tuple[Department, int]]:
    """Active departments of the head's subtree (or below ``below``), in tree order."""
    query = select(Department).where(
        Department.active.is_(True), scope_of(user).where(Department.id)
    )
    if below is not None:
        query = query.where(Department.path.startswith(below.path))
    return order_as_tree(db.session.scalars(query))


def selected_members() -> list[Employee]:
    """The members ticked (400 for more than ``MAX_SELECTED``, 404 for an unknown id,
    403 for someone outside the head's team)."""
    raw = request.form.getlist("employee")
    try:
        ids = sorted({int(value) for value in raw})
    except ValueError:
        abort(400)
    if len(ids) > MAX_SELECTED:
        abort(400)
    found = list(
        db.session.scalars(
            select(Employee).options(joinedload(Employee.department)).where(Employee.id.in_(ids))
        )
    )
    if len(found) != len(ids):
        abort(404)
    for employee in found:
        authorize("teambooking.book", employee)
    return found


def member_list(
    user: User, course_id: int, session_id: int, unit: Department | None
) -> dict[str, Any]:
    """A page of the team (by name, or of one unit) with what each has for the course."""
    form = MemberFilter(request.args)
    units = units_of(user, unit)
    form.set_units(units)
    chosen, text = unit, None
    if not request.args or form.validate():
        by_id = {d.id: d for d, _depth in units}
        chosen = by_id.get(form.unit.data, unit) if form.unit.data is not None else unit
        text = form.q.data
    page = paginate(members(scope_of(user), exclude=user.employee_id, text=text, unit=chosen))
    ids = [e.id for e in page.items]
    return {
        "filter_form": form,
        "page": page,
        "enrolled": course_states(course_id, ids),
        "proposed": open_proposals_for(session_id, ids),
    }


def reserve_form(user: User, session: CourseSession, *, submitted: bool = False) -> ReserveForm:
    form = ReserveForm() if submitted else ReserveForm(formdata=None)
    headed = scope_of(user).headed_ids
    units = units_of(user)
    form.set_units(sorted(units, key=lambda u: (u[0].id not in headed, units.index(u))))
    if not submitted:
        form.release_at.data = to_berlin(default_release(session)).replace(tzinfo=None)
    return form


def release_time(form: ReserveForm) -> datetime | None:
    value = form.release_at.data
    return berlin_to_utc(value) if value is not None else None


def unit_or_404(department_id: int | None) -> Department:
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        abort(404)
    return department


def hub_context(user: User) -> dict[str, Any]:
    """The head's start page of team bookings: open sessions (searchable), the
    reservations of their units and their suggestions."""
    now, scope = utcnow(), scope_of(user)
    search = SessionSearch(request.args)
    text = search.q.data if not request.args or search.validate() else None
    return {
        "search": search,
        "sessions": paginate(bookable_sessions(now, text)),
        "reservations": db.session.scalars(reservations_in(scope).limit(50)).unique().all(),
        "proposals": db.session.scalars(proposals_by(scope, user.id).limit(50)).unique().all(),
        "now": now,
        "proposal_labels": PROPOSAL_LABELS,
    }


def render_session(
    session: CourseSession, form: ReserveForm | None = None, status: int = 200
) -> tuple[str, int]:
    """A session's booking page: the team list with ticks, and the reservation form."""
    user = acting_user()
    context = member_list(user, session.course_id, session.id, None)
    form = form or reserve_form(user, session)
    html = render_template(
        "courses/teambooking/session.html", session=session, reserve=form, now=utcnow(), **context
    )
    return html, status


def render_reservation(
    reservation: Reservation, form: ReleaseForm | None = None, status: int = 200
) -> tuple[str, int]:
    """A reservation's page: the places given, the unit's members to give seats to."""
    user = acting_user()
    session = reservation.session
    context = member_list(user, session.course_id, session.id, reservation.department)
    html = render_template(
        "courses/teambooking/reservation.html",
        reservation=reservation,
        places=places_of(reservation),
        release_form=form or ReleaseForm(formdata=None),
        now=utcnow(),
        **context,
    )
    return html, status


def booked_message(outcomes: list[Outcome]) -> tuple[str, str]:
    """The flash message after booking (category ``success`` or ``warning``)."""
    seated = sum(1 for o in outcomes if o.confirmed)
    waiting = sum(1 for o in outcomes if o.enrolment is not None and not o.confirmed)
    failed = [o for o in outcomes if o.error is not None]
    parts = [
        ngettext(
            "%(num)s person enrolled with a seat.", "%(num)s people enrolled with a seat.", seated
        )
    ]
    if waiting:
        parts.append(
            ngettext("%(num)s on the waiting list.", "%(num)s on the waiting list.", waiting)
        )
    for outcome in failed:
        error = outcome.error
        assert error is not None
        parts.append(
            gettext(
                "Not enrolled: %(name)s – %(reason)s",
                name=outcome.employee.full_name,
                reason=translate(error.message, **error.params),
            )
        )
    return " ".join(parts), "warning" if failed else "success"


def declined_message(proposal: Proposal) -> str:
    head = proposal.proposed_by
    name = head.display_name if head is not None else gettext("your head")
    return gettext("You have declined the suggestion; %(name)s has been told.", name=name)
