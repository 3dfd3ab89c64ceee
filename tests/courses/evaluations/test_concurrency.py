"""Answering holds when many submit at the same instant (real threads, real commits, a
database of its own — see ``tests.courses.enrolment.test_concurrency``): one person
submitting fifty times gives one response; fifty people answering at once give fifty
responses, and the round closes (and is sealed) exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from academy.audit.models import AuditLogEntry
from academy.extensions import db
from courses.evaluations.answering import submit
from courses.evaluations.models import EvaluationResponse, EvaluationRound
from courses.sessions.models import CourseSession
from tests.courses.enrolment.test_concurrency import THREADS, run_at_once
from tests.courses.evaluations.support import NOW, answers, finished, opened, participants, standard


def _setup(people: int) -> tuple[int, list[int], dict[int, Any]]:
    standard()
    session = finished(capacity=THREADS + 5)
    group = participants(session, people)
    round_ = opened(session)
    given = answers(list(round_.questionnaire.questions), text="Gleichzeitig")
    ids = (session.id, [p.employee.id for p in group], given)
    db.session.commit()
    return ids


def test_fifty_submissions_of_one_person_store_one_response(own_app: Flask) -> None:
    with own_app.app_context():
        session_id, (employee_id, *_), given = _setup(2)

    def answer(i: int) -> str:
        submit(
            db.session.get(CourseSession, session_id),
            employee_id,
            given,
            NOW + timedelta(minutes=1),
        )
        return "stored"

    outcomes, errors = run_at_once(own_app, answer)
    assert errors == []
    assert outcomes == Counter({"stored": 1, "Conflict": THREADS - 1})
    with own_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(EvaluationResponse))
        assert count == 1


def test_fifty_people_answering_at_once_close_the_round_once(own_app: Flask) -> None:
    with own_app.app_context():
        session_id, employee_ids, given = _setup(THREADS)

    def answer(i: int) -> str:
        submit(
            db.session.get(CourseSession, session_id),
            employee_ids[i],
            given,
            NOW + timedelta(minutes=1),
        )
        return "stored"

    outcomes, errors = run_at_once(own_app, answer)
    assert errors == []
    assert outcomes == Counter({"stored": THREADS})
    with own_app.app_context():
        round_ = db.session.scalar(
            select(EvaluationRound).where(EvaluationRound.session_id == session_id)
        )
        assert round_.closed_on is not None
        responses = db.session.scalar(
            select(func.count())
            .select_from(EvaluationResponse)
            .where(EvaluationResponse.round_id == round_.id)
        )
        assert responses == THREADS
        closings = db.session.scalar(
            select(func.count())
            .select_from(AuditLogEntry)
            .where(
                AuditLogEntry.action == "evaluation_round.closed",
                AuditLogEntry.object_id == str(round_.id),
            )
        )
        assert closings == 1
