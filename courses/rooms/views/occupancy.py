"""HR's occupancy view (action ``catalogue.manage``): rooms or trainers over a week or a
month, with the days and hours booked and double bookings marked; week by week or month
by month, a page of rooms or trainers at a time."""

from __future__ import annotations

from flask import render_template

import courses.policy  # noqa: F401 - registers the catalogue actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.i18n import N_
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.rooms.pages import occupancy_context

add_nav(
    NavItem("courses.manage_occupancy", N_("Room and trainer plan"), "catalogue.manage", "hr", 8)
)


@bp.get("/verwaltung/belegung")
@requires("catalogue.manage")
def manage_occupancy() -> str:
    return render_template("courses/rooms/occupancy.html", **occupancy_context(utcnow()))
