"""Read-side queries of the evaluation pages: HR's questionnaire list with how much each
is used, and a participant's evaluations (to answer, answered, missed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from academy.extensions import db
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment
from courses.evaluations.models import (
    EvaluationAssignment,
    EvaluationParticipant,
    EvaluationRound,
    Question,
    Questionnaire,
)
from courses.evaluations.rounds import ELIGIBLE_STATES
from courses.sessions.models import CourseSession


def _count(model: Any, *conditions: Any) -> Any:
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


@dataclass(frozen=True)
class QuestionnaireRow:
    questionnaire: Questionnaire
    questions: int
    rounds: int
    assignments: int


def questionnaire_rows() -> list[QuestionnaireRow]:
    """Every questionnaire with its numbers of questions, rounds and assignments: the
    default first, then the others by title, archived ones last (one statement)."""
    rows = db.session.execute(
        select(
            Questionnaire,
            _count(Question, Question.questionnaire_id == Questionnaire.id),
            _count(EvaluationRound, EvaluationRound.questionnaire_id == Questionnaire.id),
            _count(EvaluationAssignment, EvaluationAssignment.questionnaire_id == Questionnaire.id),
        ).order_by(
            Questionnaire.archived,
            Questionnaire.is_default.desc(),
            Questionnaire.title,
            Questionnaire.id,
        )
    ).all()
    return [QuestionnaireRow(q, int(n), int(r), int(a)) for q, n, r, a in rows]


def active_questionnaires() -> list[Questionnaire]:
    """Questionnaires that can be chosen for a course or session (not archived, with
    questions)."""
    has_questions = (
        select(Question.id).where(Question.questionnaire_id == Questionnaire.id).exists()
    )
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.archived.is_(False), has_questions)
            .order_by(Questionnaire.title, Questionnaire.id)
        )
    )


@dataclass(frozen=True)
class MyRound:
    round: EvaluationRound
    session: CourseSession
    course: Course
    state: str  # "answer", "answered" or "closed"


def _mine(employee_id: int) -> Any:
    attended = select(Enrolment.session_id).where(
        Enrolment.employee_id == employee_id, Enrolment.state.in_(ELIGIBLE_STATES)
    )
    return or_(
        EvaluationParticipant.employee_id.is_not(None), EvaluationRound.session_id.in_(attended)
    )


def my_rounds(employee_id: int, today: date) -> list[MyRound]:
    """The person's evaluations: those to answer now (closing soonest first), then the
    others (latest session first). One statement."""
    rows = db.session.execute(
        select(EvaluationRound, CourseSession, Course, EvaluationParticipant.answered)
        .join(CourseSession, CourseSession.id == EvaluationRound.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .outerjoin(
            EvaluationParticipant,
            and_(
                EvaluationParticipant.round_id == EvaluationRound.id,
                EvaluationParticipant.employee_id == employee_id,
            ),
        )
        .where(_mine(employee_id))
        .order_by(CourseSession.ends_at.desc(), EvaluationRound.id.desc())
    ).all()
    found = []
    for round_, session, course, answered in rows:
        open_ = round_.closed_on is None and today <= round_.closes_on
        state = "answered" if answered else "answer" if open_ else "closed"
        found.append(MyRound(round_, session, course, state))
    to_answer = sorted((r for r in found if r.state == "answer"), key=lambda r: r.round.closes_on)
    return to_answer + [r for r in found if r.state != "answer"]


def to_answer_count(employee_id: int, today: date) -> int:
    """How many evaluations the person can answer now (the start-page panel)."""
    query = (
        select(func.count())
        .select_from(EvaluationRound)
        .outerjoin(
            EvaluationParticipant,
            and_(
                EvaluationParticipant.round_id == EvaluationRound.id,
                EvaluationParticipant.employee_id == employee_id,
            ),
        )
        .where(
            _mine(employee_id),
            EvaluationRound.closed_on.is_(None),
            EvaluationRound.closes_on >= today,
            or_(
                EvaluationParticipant.answered.is_(None), EvaluationParticipant.answered.is_(False)
            ),
        )
    )
    return int(db.session.scalar(query) or 0)
