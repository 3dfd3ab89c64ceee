"""The participant's pages: their evaluations (/kurse/bewertungen) and the questionnaire
of a session they attended (/kurse/bewertungen/<session>), answered once, anonymously."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import courses.evaluations.policy  # noqa: F401 - registers the evaluation actions
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.web.kit import acting_user, show_error
from courses import bp
from courses.evaluations.answering import round_to_answer, submit
from courses.evaluations.forms import answer_form
from courses.evaluations.pages import answer_context, get_session, mine_context
from courses.evaluations.rounds import today_of


@bp.get("/bewertungen", endpoint="my_evaluations")
@requires("evaluations.answer")
def my_evaluations() -> str:
    context = mine_context(acting_user(), utcnow())
    return render_template("courses/evaluations/mine.html", **context)


@bp.route("/bewertungen/<int:session_id>", methods=["GET", "POST"], endpoint="evaluation_answer")
@requires("evaluations.answer")
def evaluation_answer(session_id: int) -> Response | tuple[str, int]:
    user, now, session = acting_user(), utcnow(), get_session(session_id)
    round_ = round_to_answer(session, user.employee_id, today_of(now))  # refusals: 403/404/409
    form = answer_form(list(round_.questionnaire.questions))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(
            "courses/evaluations/answer.html", **answer_context(session, user, now, form)
        ), status
    try:
        submit(session, user.employee_id, form.given(), now)  # type: ignore[arg-type]
    except ValidationFailed as error:
        db.session.rollback()
        status = show_error(form, error)
        return render_template(
            "courses/evaluations/answer.html",
            **answer_context(get_session(session_id), user, now, form),
        ), status
    db.session.commit()
    flash(gettext("Thank you! Your answers have been saved anonymously."), "success")
    return redirect(url_for("courses.my_evaluations"))
