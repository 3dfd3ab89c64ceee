"""HR's room pages (action ``catalogue.manage``): the list (search, active or not,
pages), a new room, editing one, deactivating it (no new bookings; asked first) and
reactivating it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.rooms.forms import RoomForm
from courses.rooms.pages import get_room, render_room, room_data, rooms_context
from courses.rooms.rooms import create_room, set_room_active, update_room

add_nav(NavItem("courses.manage_rooms", N_("Rooms"), "catalogue.manage", "hr", order=6))


@bp.get("/verwaltung/raeume")
@requires("catalogue.manage")
def manage_rooms() -> str:
    return render_template("courses/rooms/rooms.html", **rooms_context())


@bp.route("/verwaltung/raeume/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_room_new() -> Response | tuple[str, int]:
    form = RoomForm() if request.method == "POST" else RoomForm(formdata=None)
    if request.method == "GET":
        return render_room(None, form, utcnow())
    if not form.validate_on_submit():
        return render_room(None, form, utcnow(), 422)
    try:
        room = create_room(acting_user(), room_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_room(None, form, utcnow(), show_error(form, error))
    db.session.commit()
    flash(gettext("The room “%(name)s” has been created.", name=room.label), "success")
    return redirect(url_for("courses.manage_rooms"))


@bp.route("/verwaltung/raeume/<int:room_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_room_edit(room_id: int) -> Response | tuple[str, int]:
    room = get_room(room_id)
    if request.method == "GET":
        return render_room(room, RoomForm(formdata=None, obj=room), utcnow())
    form = RoomForm()
    if not form.validate_on_submit():
        return render_room(room, form, utcnow(), 422)
    try:
        update_room(acting_user(), room, room_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_room(get_room(room_id), form, utcnow(), show_error(form, error))
    db.session.commit()
    flash(gettext("The room has been saved."), "success")
    return redirect(url_for("courses.manage_room_edit", room_id=room_id))


def _set_active(room_id: int, active: bool) -> Response:
    room = get_room(room_id)
    try:
        set_room_active(acting_user(), room, active, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("courses.manage_room_edit", room_id=room_id))
    db.session.commit()
    message = (
        gettext("The room “%(name)s” can be booked again.", name=room.label)
        if active
        else gettext("The room “%(name)s” has been deactivated.", name=room.label)
    )
    flash(message, "success")
    return redirect(url_for("courses.manage_room_edit", room_id=room_id))


@bp.post("/verwaltung/raeume/<int:room_id>/deaktivieren")
@requires("catalogue.manage")
def manage_room_deactivate(room_id: int) -> Response:
    return _set_active(room_id, False)


@bp.post("/verwaltung/raeume/<int:room_id>/aktivieren")
@requires("catalogue.manage")
def manage_room_reactivate(room_id: int) -> Response:
    return _set_active(room_id, True)
