"""HR's trainer pages (action ``catalogue.manage``): the list (search, internal or
external, active or not, pages), a new trainer, editing one, deactivating (asked first)
and reactivating."""

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
from courses.rooms.forms import TrainerEditForm, TrainerForm
from courses.rooms.pages import get_trainer, render_trainer, trainer_data, trainers_context
from courses.rooms.trainers import create_trainer, set_trainer_active, update_trainer

add_nav(NavItem("courses.manage_trainers", N_("Trainers"), "catalogue.manage", "hr", order=7))


@bp.get("/verwaltung/trainer")
@requires("catalogue.manage")
def manage_trainers() -> str:
    return render_template("courses/rooms/trainers.html", **trainers_context())


@bp.route("/verwaltung/trainer/neu", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_trainer_new() -> Response | tuple[str, int]:
    form = TrainerForm() if request.method == "POST" else TrainerForm(formdata=None)
    if request.method == "GET":
        return render_trainer(None, form)
    if not form.validate_on_submit():
        return render_trainer(None, form, 422)
    try:
        trainer = create_trainer(acting_user(), trainer_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_trainer(None, form, show_error(form, error))
    db.session.commit()
    flash(gettext("%(name)s has been recorded as a trainer.", name=trainer.label), "success")
    return redirect(url_for("courses.manage_trainers"))


@bp.route("/verwaltung/trainer/<int:trainer_id>", methods=["GET", "POST"])
@requires("catalogue.manage")
def manage_trainer_edit(trainer_id: int) -> Response | tuple[str, int]:
    trainer = get_trainer(trainer_id)
    if request.method == "GET":
        return render_trainer(trainer, TrainerEditForm(formdata=None, obj=trainer))
    form = TrainerEditForm()
    if not form.validate_on_submit():
        return render_trainer(trainer, form, 422)
    try:
        update_trainer(acting_user(), trainer, trainer_data(form), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_trainer(get_trainer(trainer_id), form, show_error(form, error))
    db.session.commit()
    flash(gettext("The trainer has been saved."), "success")
    return redirect(url_for("courses.manage_trainer_edit", trainer_id=trainer_id))


def _set_active(trainer_id: int, active: bool) -> Response:
    trainer = get_trainer(trainer_id)
    try:
        set_trainer_active(acting_user(), trainer, active, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("courses.manage_trainer_edit", trainer_id=trainer_id))
    db.session.commit()
    message = (
        gettext("%(name)s can be booked again.", name=trainer.label)
        if active
        else gettext("%(name)s has been deactivated as a trainer.", name=trainer.label)
    )
    flash(message, "success")
    return redirect(url_for("courses.manage_trainer_edit", trainer_id=trainer_id))


@bp.post("/verwaltung/trainer/<int:trainer_id>/deaktivieren")
@requires("catalogue.manage")
def manage_trainer_deactivate(trainer_id: int) -> Response:
    return _set_active(trainer_id, False)


@bp.post("/verwaltung/trainer/<int:trainer_id>/aktivieren")
@requires("catalogue.manage")
def manage_trainer_reactivate(trainer_id: int) -> Response:
    return _set_active(trainer_id, True)
