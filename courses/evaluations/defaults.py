"""The questionnaire shipped as data (``defaults.toml``: content, trainer, organisation,
relevance for my work, recommendation, two choices and two free texts, in German).

``load_default_questionnaire`` creates it once (found again by its ``source_key``) and,
unless another questionnaire is the default already, makes it the default. It is what
``flask academy evaluation-defaults``, HR's button on the questionnaire list and the demo
call; a second call changes nothing.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.extensions import db
from courses.evaluations.models import Question, QuestionKind, Questionnaire, QuestionOption

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.toml"


@cache
def shipped() -> dict[str, Any]:
    """The shipped questionnaire as read from ``defaults.toml``."""
    data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    for question in data["question"]:
        QuestionKind(question["kind"])  # a typo in the file fails loudly
    return data


def shipped_questionnaire() -> Questionnaire | None:
    key = shipped()["key"]
    return db.session.scalar(select(Questionnaire).where(Questionnaire.source_key == key))


def load_default_questionnaire(actor: User | None, now: datetime) -> tuple[Questionnaire, bool]:
    """The shipped questionnaire, created if missing (``True`` when it was created now).
    A newly created one becomes the default unless another questionnaire is."""
    existing = shipped_questionnaire()
    if existing is not None:
        return existing, False
    data = shipped()
    has_default = db.session.scalar(
        select(Questionnaire.id).where(Questionnaire.is_default.is_(True)).limit(1)
    )
    questionnaire = Questionnaire(
        title=data["title"],
        description=data["description"].strip(),
        source_key=data["key"],
        is_default=has_default is None,
        created_at=now,
        updated_at=now,
    )
    for position, item in enumerate(data["question"], 1):
        questionnaire.questions.append(
            Question(
                position=position,
                kind=item["kind"],
                text=item["text"],
                required=bool(item.get("required", False)),
                dimension=item.get("dimension"),
                options=[
                    QuestionOption(position=n, label=label)
                    for n, label in enumerate(item.get("options", []), 1)
                ],
            )
        )
    db.session.add(questionnaire)
    db.session.flush()
    details = {"source": data["key"], "default": questionnaire.is_default}
    record(
        actor, "questionnaire.loaded", "questionnaire", questionnaire.id, details=details, now=now
    )
    return questionnaire, True
