"""A head's team bookings (/kurse/team-buchung): find a session, enrol members of their
subtree directly or reserve seats for a unit, fill a reservation with members, release
it, and withdraw a suggestion. Every id is checked against the head's team (another
unit's member: 403; an unknown id: 404)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

import courses.teambooking.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.teambooking.booking import book_members
from courses.teambooking.forms import ReleaseForm
from courses.teambooking.pages import (
    booked_message,
    get_proposal,
    get_reservation,
    get_session,
    hub_context,
    release_time,
    render_reservation,
    render_session,
    reserve_form,
    selected_members,
    unit_or_404,
)
from courses.teambooking.proposals import withdraw
from courses.teambooking.reservations import release, reserve

add_nav(NavItem("courses.teambooking", N_("Book for my team"), "teambooking.book", "main", 28))


@bp.get("/team-buchung")
@requires("teambooking.book")
def teambooking() -> str:
    return render_template("courses/teambooking/index.html", **hub_context(acting_user()))


@bp.route("/team-buchung/termine/<int:session_id>", methods=["GET", "POST"])
@requires("teambooking.book")
def teambooking_session(session_id: int) -> Response | tuple[str, int]:
    session = get_session(session_id)
    if request.method == "GET":
        return render_session(session)
    members = selected_members()
    if not members:
        flash(gettext("Please choose at least one person."), "danger")
        return render_session(session, status=422)
    try:
        outcomes = book_members(acting_user(), session, members, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_session(get_session(session_id), status=flash_error(error))
    message, category = booked_message(outcomes)
    db.session.commit()
    flash(message, category)
    return redirect(url_for("courses.teambooking_session", session_id=session_id))


def reserved_message(seats: int) -> str:
    return ngettext(
        "%(num)s seat is reserved for your unit.",
        "%(num)s seats are reserved for your unit.",
        seats,
    )


@bp.post("/team-buchung/termine/<int:session_id>/reservieren")
@requires("teambooking.book")
def teambooking_reserve(session_id: int) -> Response | tuple[str, int]:
    session, user = get_session(session_id), acting_user()
    form = reserve_form(user, session, submitted=True)
    if not form.validate_on_submit():
        return render_session(session, form, 422)
    unit = unit_or_404(form.unit.data)
    try:
        reservation = reserve(
            user,
            session,
            unit,
            form.seats.data or 0,
            utcnow(),
            release_at=release_time(form),
            note=form.note.data,
        )
    except DomainError as error:
        db.session.rollback()
        return render_session(get_session(session_id), form, show_error(form, error))
    db.session.commit()
    flash(reserved_message(reservation.seats), "success")
    return redirect(url_for("courses.teambooking_reservation", reservation_id=reservation.id))


@bp.route("/team-buchung/kontingente/<int:reservation_id>", methods=["GET", "POST"])
@requires("teambooking.reservation")
def teambooking_reservation(reservation_id: int) -> Response | tuple[str, int]:
    reservation = get_reservation(reservation_id)
    authorize("teambooking.reservation", reservation)
    if request.method == "GET":
        return render_reservation(reservation)
    members = selected_members()
    if not members:
        flash(gettext("Please choose at least one person."), "danger")
        return render_reservation(reservation, status=422)
    try:
        outcomes = book_members(
            acting_user(), reservation.session, members, utcnow(), reservation=reservation
        )
    except DomainError as error:
        db.session.rollback()
        return render_reservation(get_reservation(reservation_id), status=flash_error(error))
    message, category = booked_message(outcomes)
    db.session.commit()
    flash(message, category)
    return redirect(url_for("courses.teambooking_reservation", reservation_id=reservation_id))


@bp.post("/team-buchung/kontingente/<int:reservation_id>/freigeben")
@requires("teambooking.reservation")
def teambooking_release(reservation_id: int) -> Response | tuple[str, int]:
    reservation = get_reservation(reservation_id)
    authorize("teambooking.reservation", reservation)
    form = ReleaseForm()
    if not form.validate_on_submit():
        return render_reservation(reservation, form, 422)
    try:
        returned = release(acting_user(), reservation, utcnow(), reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        return render_reservation(get_reservation(reservation_id), form, show_error(form, error))
    db.session.commit()
    flash(
        ngettext(
            "The reservation has been released; %(num)s seat is on sale again.",
            "The reservation has been released; %(num)s seats are on sale again.",
            returned,
        ),
        "success",
    )
    return redirect(url_for("courses.teambooking_reservation", reservation_id=reservation_id))


@bp.post("/team-buchung/vorschlaege/<int:proposal_id>/zurueckziehen")
@requires("proposal.withdraw")
def teambooking_withdraw(proposal_id: int) -> Response:
    proposal = get_proposal(proposal_id)
    authorize("proposal.withdraw", proposal)
    try:
        withdraw(acting_user(), proposal, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("courses.teambooking"))
    db.session.commit()
    flash(gettext("The suggestion has been withdrawn."), "success")
    return redirect(url_for("courses.teambooking"))
