"""Sealing a round when it closes: every response and answer of the round is written
anew, in random order and with new random keys, in the transaction that closes it.

Before sealing, the newest response is the newest row (on disk, and on PostgreSQL in the
transaction that also marked its author as having answered). After sealing, all of a
round's responses were written at the same moment, by the same transaction, in an order
that has nothing to do with who answered when — and results are only ever shown for
closed (sealed) rounds."""

from __future__ import annotations

import secrets
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, select

from academy.extensions import db
from courses.evaluations.models import EvaluationAnswer, EvaluationResponse, new_key

_shuffle = secrets.SystemRandom().shuffle


def seal_round(round_id: int) -> int:
    """Rewrite the round's responses in random order with new keys; how many there are."""
    responses = select(EvaluationResponse.id).where(EvaluationResponse.round_id == round_id)
    rows = db.session.execute(
        select(
            EvaluationAnswer.response_id,
            EvaluationAnswer.question_id,
            EvaluationAnswer.value,
            EvaluationAnswer.option_id,
            EvaluationAnswer.text,
        ).where(EvaluationAnswer.response_id.in_(responses))
    ).all()
    old_ids = list(db.session.scalars(responses))
    if not old_ids:
        return 0
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for response_id, question_id, value, option_id, text in rows:
        answers[response_id].append(
            {"question_id": question_id, "value": value, "option_id": option_id, "text": text}
        )
    db.session.execute(
        delete(EvaluationAnswer).where(EvaluationAnswer.response_id.in_(responses)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        delete(EvaluationResponse).where(EvaluationResponse.round_id == round_id),
        execution_options={"synchronize_session": False},
    )
    _shuffle(old_ids)
    new_responses: list[dict[str, Any]] = []
    new_answers: list[dict[str, Any]] = []
    for old_id in old_ids:
        key = new_key()
        new_responses.append({"id": key, "round_id": round_id})
        new_answers += [
            {**answer, "id": new_key(), "response_id": key} for answer in answers[old_id]
        ]
    _shuffle(new_answers)
    db.session.execute(insert(EvaluationResponse), new_responses)
    if new_answers:
        db.session.execute(insert(EvaluationAnswer), new_answers)
    for stale in [
        obj
        for obj in db.session.identity_map.values()
        if isinstance(obj, EvaluationResponse | EvaluationAnswer)
    ]:
        db.session.expunge(stale)  # rows of the old keys are gone
    return len(old_ids)
