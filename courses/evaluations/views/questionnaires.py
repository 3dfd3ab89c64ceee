"""HR's questionnaires (action ``evaluations.manage``): the list, the shipped default
set, a new questionnaire, editing it, copying, archiving, the default, deleting, and its
questions (new, edit, move, delete)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.evaluations.policy  # noqa: F401 - registers the evaluation actions
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, flash_error, show_error
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.evaluations import questionnaires as services
from courses.evaluations.defaults import load_default_questionnaire
from courses.evaluations.forms import QuestionForm, QuestionnaireForm
from courses.evaluations.pages import (
    get_question,
    get_questionnaire,
    questionnaires_context,
    render_new_questionnaire,
    render_question,
    render_questionnaire,
)

add_nav(NavItem("courses.questionnaires", N_("Questionnaires"), "evaluations.manage", "hr", 7))

BASE = "/verwaltung/frageboegen"


def _back(questionnaire_id: int) -> Response:
    return redirect(url_for("courses.questionnaire_edit", questionnaire_id=questionnaire_id))


@bp.get(BASE, endpoint="questionnaires")
@requires("evaluations.manage")
def questionnaires() -> str:
    return render_template(
        "courses/evaluations/manage/questionnaires.html", **questionnaires_context()
    )


@bp.post(f"{BASE}/standardfragebogen", endpoint="questionnaire_load_defaults")
@requires("evaluations.manage")
def questionnaire_load_defaults() -> Response:
    questionnaire, created = load_default_questionnaire(acting_user(), utcnow())
    db.session.commit()
    if created:
        flash(
            gettext(
                "The shipped questionnaire “%(title)s” has been created.", title=questionnaire.title
            ),
            "success",
        )
    else:
        flash(gettext("The shipped questionnaire exists already."), "info")
    return _back(questionnaire.id)


@bp.route(f"{BASE}/neu", methods=["GET", "POST"], endpoint="questionnaire_new")
@requires("evaluations.manage")
def questionnaire_new() -> Response | tuple[str, int]:
    form = QuestionnaireForm()
    if not form.validate_on_submit():
        return render_new_questionnaire(form, 422 if form.is_submitted() else 200)
    try:
        questionnaire = services.create_questionnaire(acting_user(), form.data_object(), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_new_questionnaire(form, show_error(form, error))
    db.session.commit()
    flash(gettext("The questionnaire has been created. Now add its questions."), "success")
    return _back(questionnaire.id)


@bp.route(f"{BASE}/<int:questionnaire_id>", methods=["GET", "POST"], endpoint="questionnaire_edit")
@requires("evaluations.manage")
def questionnaire_edit(questionnaire_id: int) -> Response | tuple[str, int]:
    questionnaire = get_questionnaire(questionnaire_id)
    form = QuestionnaireForm(obj=questionnaire if request.method == "GET" else None)
    if not form.validate_on_submit():
        return render_questionnaire(questionnaire, form, 422 if form.is_submitted() else 200)
    try:
        services.update_questionnaire(acting_user(), questionnaire, form.data_object(), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_questionnaire(
            get_questionnaire(questionnaire_id), form, show_error(form, error)
        )
    db.session.commit()
    flash(gettext("The questionnaire has been saved."), "success")
    return _back(questionnaire_id)


def _act(questionnaire_id: int, action: str, done: str) -> Response:
    """A button's action on a questionnaire, with its message (refusals as a message)."""
    questionnaire, user, now = get_questionnaire(questionnaire_id), acting_user(), utcnow()
    try:
        if action == "copy":
            questionnaire = services.copy_questionnaire(user, questionnaire, now)
        elif action in ("archive", "restore"):
            services.set_archived(user, questionnaire, action == "archive", now)
        elif action in ("default", "no_default"):
            services.set_default(user, questionnaire, action == "default", now)
        else:
            services.delete_questionnaire(user, questionnaire, now)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _back(questionnaire_id)
    db.session.commit()
    flash(gettext(done), "success")
    return (
        redirect(url_for("courses.questionnaires"))
        if action == "delete"
        else _back(questionnaire.id)
    )


@bp.post(f"{BASE}/<int:questionnaire_id>/kopieren", endpoint="questionnaire_copy")
@requires("evaluations.manage")
def questionnaire_copy(questionnaire_id: int) -> Response:
    return _act(
        questionnaire_id, "copy", N_("The copy has been made; you can change its questions.")
    )


@bp.post(f"{BASE}/<int:questionnaire_id>/archiv", endpoint="questionnaire_archive")
@requires("evaluations.manage")
def questionnaire_archive(questionnaire_id: int) -> Response:
    restore = request.form.get("restore") == "1"
    message = (
        N_("The questionnaire has been restored.")
        if restore
        else N_("The questionnaire has been archived.")
    )
    return _act(questionnaire_id, "restore" if restore else "archive", message)


@bp.post(f"{BASE}/<int:questionnaire_id>/standard", endpoint="questionnaire_default")
@requires("evaluations.manage")
def questionnaire_default(questionnaire_id: int) -> Response:
    off = request.form.get("off") == "1"
    message = (
        N_("There is no default questionnaire now.")
        if off
        else N_("The questionnaire is now the default.")
    )
    return _act(questionnaire_id, "no_default" if off else "default", message)


@bp.post(f"{BASE}/<int:questionnaire_id>/loeschen", endpoint="questionnaire_delete")
@requires("evaluations.manage")
def questionnaire_delete(questionnaire_id: int) -> Response:
    return _act(questionnaire_id, "delete", N_("The questionnaire has been deleted."))


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


@bp.route(
    f"{BASE}/<int:questionnaire_id>/fragen/neu", methods=["GET", "POST"], endpoint="question_new"
)
@requires("evaluations.manage")
def question_new(questionnaire_id: int) -> Response | tuple[str, int]:
    questionnaire = get_questionnaire(questionnaire_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return render_question(questionnaire, form, None, 422 if form.is_submitted() else 200)
    try:
        services.add_question(acting_user(), questionnaire, form.data_object(), utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_question(
            get_questionnaire(questionnaire_id), form, None, show_error(form, error)
        )
    db.session.commit()
    flash(gettext("The question has been added."), "success")
    return _back(questionnaire_id)


@bp.route("/verwaltung/fragen/<int:question_id>", methods=["GET", "POST"], endpoint="question_edit")
@requires("evaluations.manage")
def question_edit(question_id: int) -> Response | tuple[str, int]:
    question = get_question(question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.fill(question)
    if not form.validate_on_submit():
        return render_question(
            question.questionnaire, form, question, 422 if form.is_submitted() else 200
        )
    try:
        services.update_question(acting_user(), question, form.data_object(), utcnow())
    except DomainError as error:
        db.session.rollback()
        question = get_question(question_id)
        return render_question(question.questionnaire, form, question, show_error(form, error))
    db.session.commit()
    flash(gettext("The question has been saved."), "success")
    return _back(question.questionnaire_id)


@bp.post("/verwaltung/fragen/<int:question_id>/loeschen", endpoint="question_delete")
@requires("evaluations.manage")
def question_delete(question_id: int) -> Response:
    question = get_question(question_id)
    questionnaire_id = question.questionnaire_id
    try:
        services.delete_question(acting_user(), question, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _back(questionnaire_id)
    db.session.commit()
    flash(gettext("The question has been removed."), "success")
    return _back(questionnaire_id)


@bp.post("/verwaltung/fragen/<int:question_id>/verschieben", endpoint="question_move")
@requires("evaluations.manage")
def question_move(question_id: int) -> Response:
    question = get_question(question_id)
    questionnaire_id = question.questionnaire_id
    step = -1 if request.form.get("step") == "up" else 1
    try:
        services.move_question(acting_user(), question, step, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _back(questionnaire_id)
    db.session.commit()
    return _back(questionnaire_id)
