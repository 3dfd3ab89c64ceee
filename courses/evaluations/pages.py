"""What the evaluation pages show, put together outside the views: loading the objects
of a URL (404 for unknown ids), the contexts of the HR pages and of the participant's
pages, and rendering a form again with its errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.extensions import db
from academy.web.kit import paginate, paginate_list, url_if
from courses.catalogue.models import Course
from courses.evaluations.answering import standing
from courses.evaluations.assignment import (
    course_setting,
    default_questionnaire,
    session_settings,
)
from courses.evaluations.defaults import shipped_questionnaire
from courses.evaluations.forms import AnswerForm, AssignmentForm, QuestionForm, answer_form
from courses.evaluations.models import (
    DIMENSION_LABELS,
    KIND_LABELS,
    LIKERT_ANCHORS,
    EvaluationAssignment,
    EvaluationRound,
    Question,
    Questionnaire,
)
from courses.evaluations.queries import active_questionnaires, my_rounds, questionnaire_rows
from courses.evaluations.questionnaires import in_use
from courses.evaluations.results import (
    RoundFilters,
    answer_count,
    minimum,
    rounds_query,
    status_of,
)
from courses.evaluations.rounds import today_of
from courses.sessions.models import CourseSession

LABELS = {"kind": KIND_LABELS, "dimension": DIMENSION_LABELS, "anchors": LIKERT_ANCHORS}


#: Ids in URLs beyond this are no row's (and too large for the database): 404.
MAX_ID = 2**31 - 1


def found(model: Any, object_id: int) -> Any:
    """The row ``object_id`` of ``model``, or 404 (also for ids no column can hold)."""
    if not 0 < object_id <= MAX_ID:
        abort(404)
    return db.get_or_404(model, object_id)


def get_questionnaire(questionnaire_id: int) -> Questionnaire:
    return found(Questionnaire, questionnaire_id)


def get_question(question_id: int) -> Question:
    return found(Question, question_id)


def get_course(course_id: int) -> Course:
    return found(Course, course_id)


def get_session(session_id: int) -> CourseSession:
    if not 0 < session_id <= MAX_ID:
        abort(404)
    session = db.session.scalar(
        select(CourseSession)
        .options(joinedload(CourseSession.course), joinedload(CourseSession.trainer))
        .where(CourseSession.id == session_id)
    )
    if session is None:
        abort(404)
    return session


# ---------------------------------------------------------------------------
# HR: questionnaires and questions
# ---------------------------------------------------------------------------


def questionnaires_context() -> dict[str, Any]:
    return {
        "rows": questionnaire_rows(),
        "shipped_missing": shipped_questionnaire() is None,
        "labels": LABELS,
    }


def render_questionnaire(
    questionnaire: Questionnaire, form: Any, status: int = 200
) -> tuple[str, int]:
    html = render_template(
        "courses/evaluations/manage/questionnaire.html",
        questionnaire=questionnaire,
        form=form,
        locked=in_use(questionnaire),
        labels=LABELS,
    )
    return html, status


def render_new_questionnaire(form: Any, status: int = 200) -> tuple[str, int]:
    return render_template("courses/evaluations/manage/new_questionnaire.html", form=form), status


def render_question(
    questionnaire: Questionnaire, form: QuestionForm, question: Question | None, status: int = 200
) -> tuple[str, int]:
    html = render_template(
        "courses/evaluations/manage/question.html",
        questionnaire=questionnaire,
        question=question,
        form=form,
        locked=in_use(questionnaire),
    )
    return html, status


# ---------------------------------------------------------------------------
# HR: which courses and sessions use which questionnaire
# ---------------------------------------------------------------------------


def courses_context() -> dict[str, Any]:
    search = (request.args.get("q") or "").strip()[:100]
    query = select(Course).where(Course.archived.is_(False)).order_by(Course.title, Course.id)
    if search:
        pattern = f"%{search.replace('%', '').replace('_', '')}%"
        query = query.where(Course.title.ilike(pattern) | Course.code.ilike(pattern))
    page = paginate(query)
    ids = [c.id for c in page.items]
    rows = (
        db.session.scalars(
            select(EvaluationAssignment).where(EvaluationAssignment.course_id.in_(ids))
        ).all()
        if ids
        else []
    )
    titles = {q.id: q.title for q in db.session.scalars(select(Questionnaire))}
    settings = {row.course_id: row.questionnaire_id for row in rows}
    return {
        "page": page,
        "search": search,
        "settings": settings,
        "titles": titles,
        "default": default_questionnaire(),
    }


def _inherit_label(default: Questionnaire | None) -> str:
    if default is None:
        return gettext("Default questionnaire (none is set: not evaluated)")
    return gettext("Default questionnaire (%(title)s)", title=default.title)


def course_form(course: Course, form: AssignmentForm | None = None) -> AssignmentForm:
    form = form or AssignmentForm()
    form.set_choices(
        active_questionnaires(), _inherit_label(default_questionnaire()), course_setting(course)
    )
    return form


def course_assignment_context(
    course: Course, form: AssignmentForm, now: datetime
) -> dict[str, Any]:
    sessions = paginate(
        select(CourseSession)
        .options(joinedload(CourseSession.trainer))
        .where(CourseSession.course_id == course.id)
        .order_by(CourseSession.starts_at.desc(), CourseSession.id.desc())
    )
    settings = session_settings(s.id for s in sessions.items)
    questionnaires = active_questionnaires()
    forms = {}
    for session in sessions.items:
        session_form = AssignmentForm(prefix=f"s{session.id}", formdata=None)
        session_form.set_choices(questionnaires, gettext("As the course"), settings[session.id])
        forms[session.id] = session_form
    rounds = _rounds_by_session([s.id for s in sessions.items])
    return {"course": course, "form": form, "sessions": sessions, "forms": forms, "rounds": rounds}


def _rounds_by_session(session_ids: list[int]) -> dict[int, Any]:
    if not session_ids:
        return {}
    rows = db.session.scalars(
        select(EvaluationRound).where(EvaluationRound.session_id.in_(session_ids))
    )
    return {r.session_id: r for r in rows}


# ---------------------------------------------------------------------------
# HR: rounds
# ---------------------------------------------------------------------------


def rounds_page(filters: RoundFilters) -> Any:
    """A page of the rounds of ``filters`` (rows of ``rounds_query``, two statements) with
    their status (``statuses``: round id → open, released, withheld)."""
    page = paginate(rounds_query(filters).with_only_columns(EvaluationRound))
    ids = [r.id for r in page.items]
    page.items = (
        db.session.execute(rounds_query(filters).where(EvaluationRound.id.in_(ids))).all()
        if ids
        else []
    )
    page.statuses = {row[0].id: status_of(row[0], int(row[5])) for row in page.items}
    return page


def rounds_context() -> dict[str, Any]:
    page = rounds_page(RoundFilters())
    return {
        "page": page,
        "statuses": page.statuses,
        "minimum": minimum(),
        "results_url": lambda sid: url_if("reports.evaluation_session", session_id=sid),
    }


def round_context(session: CourseSession, form: Any) -> dict[str, Any]:
    round_ = db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.session_id == session.id)
    )
    if round_ is None:
        abort(404)
    answers = answer_count(round_.id)
    return {
        "session": session,
        "round": round_,
        "answers": answers,
        "status": status_of(round_, answers),
        "form": form,
        "minimum": minimum(),
        "results_url": url_if("reports.evaluation_session", session_id=session.id),
    }


# ---------------------------------------------------------------------------
# The participant
# ---------------------------------------------------------------------------


def mine_context(user: User, now: datetime) -> dict[str, Any]:
    rounds = my_rounds(user.employee_id, today_of(now)) if user.employee_id else []
    return {"page": paginate_list(rounds), "minimum": minimum()}


def answer_context(
    session: CourseSession, user: User, now: datetime, form: AnswerForm | None = None
) -> dict[str, Any]:
    """The answer page: the round (a German refusal when the person may not answer)."""
    found = standing(session, user.employee_id, today_of(now))
    round_ = found.round
    questions = list(round_.questionnaire.questions) if round_ is not None else []
    return {
        "session": session,
        "standing": found.state,
        "round": round_,
        "questions": questions,
        "form": form or answer_form(questions),
        "labels": LABELS,
        "minimum": minimum(),
    }
