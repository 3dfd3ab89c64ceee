"""The ``evaluations`` step of ``flask academy demo``: the standard questionnaire, a round
for every past session, results released and withheld, open rounds (one for the demo
employee), the demo trainer's results — and the same rows for the same seed."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from academy.accounts.models import User
from academy.clock import utcnow
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.steps import DemoContext, step_rng
from academy.extensions import db
from courses.evaluations.demo.step import STEP_NAME, evaluations_demo_step
from courses.evaluations.models import (
    EvaluationAnswer,
    EvaluationParticipant,
    EvaluationResponse,
    EvaluationRound,
    Questionnaire,
)
from courses.evaluations.queries import to_answer_count
from courses.evaluations.results import OPEN, RELEASED, WITHHELD, RoundFilters, status_counts
from courses.evaluations.rounds import today_of
from courses.sessions.models import CourseSession

SEED, COUNT = 1, 300


def _user(key: str) -> User:
    email = next(a.email for a in DEMO_ACCOUNTS if a.key == key)
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def _digest() -> str:
    """The evaluation rows by session (round ids are counters: a database may not reuse
    them after a delete)."""
    session_of = EvaluationRound.session_id
    answers = db.session.execute(
        select(
            EvaluationResponse.id,
            session_of,
            EvaluationAnswer.question_id,
            EvaluationAnswer.value,
            EvaluationAnswer.option_id,
            EvaluationAnswer.text,
        )
        .join(EvaluationRound, EvaluationRound.id == EvaluationResponse.round_id)
        .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
        .order_by(EvaluationAnswer.id)
    ).all()
    marks = db.session.execute(
        select(session_of, EvaluationParticipant.employee_id, EvaluationParticipant.answered)
        .join(EvaluationRound, EvaluationRound.id == EvaluationParticipant.round_id)
        .order_by(session_of, EvaluationParticipant.employee_id)
    ).all()
    return hashlib.sha256(repr((answers, marks)).encode()).hexdigest()


@pytest.fixture()
def loaded(app: Flask, db: Any) -> None:
    result = app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", str(COUNT), "--seed", str(SEED)]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Kursbewertungen:" in result.output


def test_the_demo_shows_every_state_of_an_evaluation(loaded):
    default = db.session.scalar(select(Questionnaire).where(Questionnaire.is_default.is_(True)))
    assert default is not None and default.source_key == "standard-2026"
    now = utcnow()
    past = db.session.scalars(
        select(CourseSession.id).where(
            CourseSession.ends_at <= now, CourseSession.cancelled_at.is_(None)
        )
    ).all()
    rounds = set(db.session.scalars(select(EvaluationRound.session_id)))
    assert rounds == set(past)
    counts = status_counts(RoundFilters())
    assert counts[RELEASED] >= 3 and counts[WITHHELD] >= 3 and counts[OPEN] >= 1
    employee = _user("employee")
    assert to_answer_count(employee.employee_id, today_of(now)) >= 1
    trainer = _user("trainer")
    assert status_counts(RoundFilters(trainer_id=trainer.id))[RELEASED] >= 1


def test_the_same_seed_gives_the_same_answers(loaded):
    first = _digest()
    for model in (EvaluationAnswer, EvaluationResponse, EvaluationParticipant, EvaluationRound):
        db.session.execute(delete(model))
    user_ids = {a.key: _user(a.key).id for a in DEMO_ACCOUNTS}
    ctx = DemoContext(SEED, COUNT, utcnow(), step_rng(SEED, STEP_NAME), user_ids=user_ids)
    evaluations_demo_step(ctx)
    assert _digest() == first
