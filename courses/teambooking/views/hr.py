"""HR's list of the units' open reservations (/kurse/verwaltung/kontingente), where HR
releases seats held for a unit (with a reason; the head is told)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

import courses.teambooking.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, paginate
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.teambooking.forms import ReleaseForm
from courses.teambooking.pages import get_reservation
from courses.teambooking.queries import reservations_in
from courses.teambooking.reservations import release

add_nav(
    NavItem("courses.manage_reservations", N_("Reserved seats"), "reservations.manage", "hr", 36)
)


@bp.get("/verwaltung/kontingente")
@requires("reservations.manage")
def manage_reservations() -> str:
    return render_template(
        "courses/teambooking/manage_reservations.html",
        page=paginate(reservations_in(None)),
        form=ReleaseForm(formdata=None),
        now=utcnow(),
    )


@bp.post("/verwaltung/kontingente/<int:reservation_id>/freigeben")
@requires("reservations.manage")
def manage_reservation_release(reservation_id: int) -> Response:
    reservation = get_reservation(reservation_id)
    form = ReleaseForm()
    target = redirect(url_for("courses.manage_reservations"))
    if not form.validate_on_submit() or not (form.reason.data or "").strip():
        flash(gettext("Please give a reason."), "danger")
        return target
    try:
        returned = release(acting_user(), reservation, utcnow(), reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return target
    db.session.commit()
    flash(
        ngettext(
            "The reservation has been released; %(num)s seat is on sale again.",
            "The reservation has been released; %(num)s seats are on sale again.",
            returned,
        ),
        "success",
    )
    return target
