"""The release rule, as a property (hypothesis): whatever the rounds — open or closed,
with few or many answers, in any period — no figure of any filter or breakdown depends on
the answers of a round that is not released (closed with at least MIN_GROUP_SIZE
answers). So nothing about such a round can be worked out, by subtraction or otherwise:
change its answers arbitrarily, and every figure stays the same. And every figure is
about at least MIN_GROUP_SIZE answers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from academy.extensions import db
from courses.evaluations.models import (
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationRound,
    QuestionKind,
    new_key,
)
from courses.evaluations.results import RoundFilters, minimum, released_stats
from reports.evaluations.report import overview_parts
from tests import factories
from tests.courses import factories as cf
from tests.courses.evaluations.support import NOW, finished, standard

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

round_spec = st.fixed_dictionaries(
    {
        "course": st.integers(0, 2),
        "trainer": st.integers(0, 1),
        "days_ago": st.integers(1, 400),
        "answers": st.integers(0, 9),
        "closed": st.booleans(),
        "seed": st.integers(0, 2**16),
    }
)
FILTERS = [
    RoundFilters(),
    RoundFilters(period_from=(NOW - timedelta(days=200)).date()),
    RoundFilters(period_to=(NOW - timedelta(days=100)).date()),
    RoundFilters(period_from=date(2029, 6, 1), period_to=date(2029, 12, 31)),
]


@contextmanager
def savepoint() -> Iterator[None]:
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


def _build(specs: list[dict[str, Any]]) -> list[tuple[EvaluationRound, bool]]:
    questionnaire = standard()
    ratings = [q for q in questionnaire.questions if q.kind == QuestionKind.LIKERT]
    courses = [cf.course(f"Eigenschaftskurs {n}") for n in range(3)]
    trainers = [factories.user() for _ in range(2)]
    rounds = []
    for spec in specs:
        session = finished(
            courses[spec["course"]], trainer=trainers[spec["trainer"]], days_ago=spec["days_ago"]
        )
        end = session.ends_at.date()
        round_ = EvaluationRound(
            session_id=session.id,
            questionnaire_id=questionnaire.id,
            opened_on=end,
            closes_on=end + timedelta(days=14),
            closed_on=end + timedelta(days=15) if spec["closed"] else None,
            invited_count=spec["answers"] + 2,
        )
        db.session.add(round_)
        db.session.flush()
        rng = random.Random(spec["seed"])
        for _ in range(spec["answers"]):
            key = new_key()
            db.session.execute(insert(EvaluationResponse), [{"id": key, "round_id": round_.id}])
            db.session.execute(
                insert(EvaluationAnswer),
                [
                    {
                        "id": new_key(),
                        "response_id": key,
                        "question_id": q.id,
                        "value": rng.randint(1, 5),
                    }
                    for q in ratings
                ],
            )
        released = spec["closed"] and spec["answers"] >= minimum()
        rounds.append((round_, released))
    db.session.flush()
    return rounds


def _figures() -> list[Any]:
    out = []
    for filters in FILTERS:
        stats = released_stats(filters)
        for part in overview_parts(stats, trainers=True, sessions=True):
            out.append((filters, part.key, part.frame.to_dict("records")))
    return out


@pytest.mark.usefixtures("db")
@SETTINGS
@given(specs=st.lists(round_spec, min_size=1, max_size=8))
def test_figures_do_not_depend_on_unreleased_rounds(specs: list[dict[str, Any]]) -> None:
    with savepoint():
        rounds = _build(specs)
        before = _figures()
        hidden = [r.id for r, released in rounds if not released]
        if hidden:
            keys = db.session.query(EvaluationResponse.id).filter(
                EvaluationResponse.round_id.in_(hidden)
            )
            db.session.execute(
                update(EvaluationAnswer)
                .where(
                    EvaluationAnswer.response_id.in_(keys.scalar_subquery()),
                    EvaluationAnswer.value.is_not(None),
                )
                .values(value=EvaluationAnswer.value % 5 + 1)  # every rating of theirs changed
                .execution_options(synchronize_session=False)
            )
        assert _figures() == before
        for filters, key, rows in before:
            for row in rows:
                assert row["answers"] >= minimum() or row["answers"] == 0, (filters, key, row)
        released = [r for r, ok in rounds if ok]
        stats = released_stats(RoundFilters())
        assert {s.round_id for s in stats} == {r.id for r in released}
