"""The employee's pages: their requests for external training, a new request (with the
offer as an optional file), withdrawing an undecided request."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.external import policy  # noqa: F401 - registers the actions before @requires
from courses.external.attachments import add as add_file
from courses.external.models import AttachmentKind
from courses.external.pages import (
    back_to,
    load_request,
    own_context,
    render_request,
    render_request_form,
    request_form,
)
from courses.external.requesting import submit, withdraw

add_nav(NavItem("courses.external_mine", N_("External training"), "external.request", "main", 21))


@bp.get("/extern")
@requires("external.request")
def external_mine() -> str:
    return render_template("courses/external/mine.html", **own_context(acting_user()))


@bp.route("/extern/neu", methods=["GET", "POST"])
@requires("external.request")
def external_new() -> Response | tuple[str, int]:
    user = acting_user()
    if request.method == "GET":
        return render_request_form(request_form(formdata=False))
    form = request_form(formdata=True)
    if not form.validate_on_submit() or user.employee is None:
        return render_request_form(form, 422)
    data, rows = form.data_for_service()
    now = utcnow()
    try:
        found = submit(user, user.employee, data, now)
        offer = form.offer.data
        if offer is not None and getattr(offer, "filename", ""):
            add_file(user, found, AttachmentKind.OFFER, offer.filename, offer.stream, now)
    except DomainError as error:
        db.session.rollback()
        status = show_error(form, error, fields={"file": "offer"}, rows=rows)
        return render_request_form(form, status)
    db.session.commit()
    flash(gettext("Your request has been sent. You will be told of every decision."), "success")
    return redirect(back_to(found))


@bp.post("/extern/<int:request_id>/zuruecknehmen")
@requires("external.request")
def external_withdraw(request_id: int) -> Response | tuple[str, int]:
    found = load_request(request_id)
    try:
        withdraw(acting_user(), found, utcnow())
    except DomainError as error:
        db.session.rollback()
        found = load_request(request_id)
        return render_request(acting_user(), found, utcnow(), flash_error(error))
    db.session.commit()
    flash(gettext("Your request “%(title)s” has been withdrawn.", title=found.title), "success")
    return redirect(url_for("courses.external_mine"))
