"""Shared helpers of the evaluation tests: a fixed clock, a finished session with
participants, its round opened and answered through the real services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from academy.accounts.models import User
from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.enrolment.models import EnrolmentState
from courses.evaluations.answering import submit
from courses.evaluations.defaults import load_default_questionnaire
from courses.evaluations.models import EvaluationRound, Question, QuestionKind, Questionnaire
from courses.evaluations.rounds import close_due, invite, open_rounds
from courses.sessions.models import CourseSession
from tests import factories
from tests.courses import factories as cf

#: The tests' "now": Monday 4 March 2030, 10:00 in Berlin.
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def standard() -> Questionnaire:
    """The shipped questionnaire (the default)."""
    questionnaire, _created = load_default_questionnaire(None, NOW)
    return questionnaire


def finished(
    course: Course | None = None, *, trainer: User | None = None, days_ago: int = 1, **fields: Any
) -> CourseSession:
    """A session that ended ``days_ago`` days before NOW (seven hours long)."""
    starts_at = (NOW - timedelta(days=days_ago)).replace(hour=7)
    fields.setdefault("capacity", 30)
    return cf.session(course, starts_at=starts_at, trainer=trainer, **fields)


@dataclass
class Person:
    employee: Employee
    user: User | None


def participants(
    session: CourseSession,
    count: int,
    *,
    state: EnrolmentState = EnrolmentState.COMPLETED,
    accounts: bool = True,
    name: str = "Teilnehmerin",
) -> list[Person]:
    people = []
    for n in range(count):
        emp = factories.employee(first_name=f"{name}{n}", last_name=f"Nachname{name}{n}")
        user = factories.user(emp=emp) if accounts else None
        cf.enrolment(session, emp, state=state)
        people.append(Person(emp, user))
    return people


def opened(session: CourseSession, now: datetime = NOW) -> EvaluationRound:
    """Open the session's round and invite its participants (the tick's first steps)."""
    open_rounds(now)
    invite(now)
    round_ = db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.session_id == session.id)
    )
    assert round_ is not None
    return round_


def answers(
    questions: Sequence[Question], rating: int = 4, text: str | None = None
) -> dict[int, Any]:
    """Answers to every question: ``rating`` for ratings, the first option, ``text``."""
    given: dict[int, Any] = {}
    for q in questions:
        if q.kind == QuestionKind.LIKERT:
            given[q.id] = rating
        elif q.kind == QuestionKind.SINGLE:
            given[q.id] = q.options[0].id
        elif q.kind == QuestionKind.MULTIPLE:
            given[q.id] = [q.options[0].id, q.options[-1].id]
        else:
            given[q.id] = text
    return given


def answer_all(
    round_: EvaluationRound,
    people: Sequence[Person],
    *,
    rating: int = 4,
    text: str | None = None,
    now: datetime = NOW,
) -> None:
    session = db.session.get(CourseSession, round_.session_id)
    questions = list(round_.questionnaire.questions)
    for person in people:
        submit(session, person.employee.id, answers(questions, rating, text), now)
    db.session.flush()


def closed(round_: EvaluationRound) -> EvaluationRound:
    """Close the round as the tick does the day after its closing date."""
    close_due(
        datetime.combine(round_.closes_on + timedelta(days=1), datetime.min.time(), UTC)
        + timedelta(hours=12)
    )
    db.session.refresh(round_)
    assert round_.closed_on is not None
    return round_
