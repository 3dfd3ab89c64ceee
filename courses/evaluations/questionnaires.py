"""HR's questionnaires: create, change, copy, archive, delete, the default one, and their
questions (rating 1–5, single or multiple choice, free text).

A questionnaire that a round has used keeps its questions as they were (the answers
refer to them): its title and introduction can still be changed, its questions only in
a copy. Every change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.evaluations.models import (
    Dimension,
    EvaluationAssignment,
    EvaluationRound,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionOption,
)

MAX_QUESTIONS = 50
MIN_OPTIONS, MAX_OPTIONS = 2, 12
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


@dataclass(frozen=True)
class QuestionnaireData:
    title: str
    description: str = ""


@dataclass(frozen=True)
class QuestionData:
    kind: str
    text: str
    required: bool = False
    dimension: str | None = None
    options: Sequence[str] = field(default_factory=tuple)


def in_use(questionnaire: Questionnaire) -> bool:
    """Has a round used the questionnaire (so its questions are fixed)?"""
    used = select(EvaluationRound.id).where(EvaluationRound.questionnaire_id == questionnaire.id)
    return db.session.scalar(used.limit(1)) is not None


def assignment_count(questionnaire: Questionnaire) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(EvaluationAssignment)
            .where(EvaluationAssignment.questionnaire_id == questionnaire.id)
        )
        or 0
    )


def _clean_title(data: QuestionnaireData) -> tuple[str, str]:
    title = " ".join(data.title.split())
    if not title:
        raise ValidationFailed(N_("Please enter a title."), field="title")
    if len(title) > 200:
        raise ValidationFailed(N_("At most %(n)s characters."), field="title", n=200)
    return title, data.description.strip()


def create_questionnaire(actor: User, data: QuestionnaireData, now: datetime) -> Questionnaire:
    title, description = _clean_title(data)
    questionnaire = Questionnaire(
        title=title, description=description, created_at=now, updated_at=now
    )
    db.session.add(questionnaire)
    db.session.flush()
    record(actor, "questionnaire.created", "questionnaire", questionnaire.id, now=now)
    return questionnaire


def update_questionnaire(
    actor: User, questionnaire: Questionnaire, data: QuestionnaireData, now: datetime
) -> Questionnaire:
    questionnaire.title, questionnaire.description = _clean_title(data)
    questionnaire.updated_at = now
    db.session.flush()
    record(actor, "questionnaire.updated", "questionnaire", questionnaire.id, now=now)
    return questionnaire


def copy_questionnaire(actor: User, original: Questionnaire, now: datetime) -> Questionnaire:
    """A new questionnaire with the same questions (not the default, not archived)."""
    title = f"{original.title} (Kopie)"[:200]
    copy = Questionnaire(
        title=title, description=original.description, created_at=now, updated_at=now
    )
    for question in original.questions:
        copy.questions.append(
            Question(
                position=question.position,
                kind=question.kind,
                text=question.text,
                required=question.required,
                dimension=question.dimension,
                options=[
                    QuestionOption(position=o.position, label=o.label) for o in question.options
                ],
            )
        )
    db.session.add(copy)
    db.session.flush()
    details = {"copied_from": original.id}
    record(actor, "questionnaire.copied", "questionnaire", copy.id, details=details, now=now)
    return copy


def set_archived(actor: User, questionnaire: Questionnaire, archived: bool, now: datetime) -> None:
    """Archive (no longer offered) or restore a questionnaire. The default and one that
    courses or sessions still use cannot be archived."""
    if archived == questionnaire.archived:
        raise Conflict(
            N_("The questionnaire is already archived.")
            if archived
            else N_("The questionnaire is not archived.")
        )
    if archived and questionnaire.is_default:
        raise Conflict(
            N_("The default questionnaire cannot be archived: make another one the default first.")
        )
    if archived and (count := assignment_count(questionnaire)):
        raise Conflict(
            N_("Courses or sessions still using this questionnaire: %(n)s. Change them first."),
            n=count,
        )
    questionnaire.archived = archived
    questionnaire.updated_at = now
    db.session.flush()
    action = "questionnaire.archived" if archived else "questionnaire.unarchived"
    record(actor, action, "questionnaire", questionnaire.id, now=now)


def delete_questionnaire(actor: User, questionnaire: Questionnaire, now: datetime) -> None:
    """Delete a questionnaire no round has used and nothing is assigned to."""
    if in_use(questionnaire):
        raise Conflict(
            N_("Evaluations were made with this questionnaire: it can be archived, not deleted.")
        )
    if questionnaire.is_default:
        raise Conflict(N_("The default questionnaire cannot be deleted."))
    if count := assignment_count(questionnaire):
        raise Conflict(
            N_("Courses or sessions still using this questionnaire: %(n)s. Change them first."),
            n=count,
        )
    details = {"title": questionnaire.title}
    questionnaire_id = questionnaire.id
    db.session.delete(questionnaire)
    db.session.flush()
    record(
        actor, "questionnaire.deleted", "questionnaire", questionnaire_id, details=details, now=now
    )


def set_default(actor: User, questionnaire: Questionnaire, default: bool, now: datetime) -> None:
    """Make the questionnaire the default (used wherever a course or session has none of
    its own) or stop having a default (then only courses with a questionnaire of their
    own are evaluated)."""
    if default:
        if questionnaire.archived:
            raise Conflict(N_("An archived questionnaire cannot be the default."))
        if not questionnaire.questions:
            raise Conflict(N_("A questionnaire without questions cannot be the default."))
        db.session.execute(
            update(Questionnaire)
            .where(Questionnaire.is_default.is_(True), Questionnaire.id != questionnaire.id)
            .values(is_default=False)
            .execution_options(synchronize_session="fetch")
        )
    questionnaire.is_default = default
    questionnaire.updated_at = now
    db.session.flush()
    action = "questionnaire.made_default" if default else "questionnaire.default_removed"
    record(actor, action, "questionnaire", questionnaire.id, now=now)


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------


def _editable(questionnaire: Questionnaire) -> None:
    if in_use(questionnaire):
        raise Conflict(
            N_(
                "Evaluations were made with this questionnaire, so its questions cannot "
                "change any more. Copy it to make a changed version."
            )
        )


def _options(data: QuestionData) -> list[str]:
    if data.kind not in CHOICE_KINDS:
        return []
    options = [" ".join(o.split()) for o in data.options]
    options = [o for o in options if o]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ValidationFailed(
            N_("Please give between %(low)s and %(high)s options, one per line."),
            field="options",
            low=MIN_OPTIONS,
            high=MAX_OPTIONS,
        )
    if any(len(o) > 200 for o in options):
        raise ValidationFailed(N_("An option has more than 200 characters."), field="options")
    if len({o.casefold() for o in options}) != len(options):
        raise ValidationFailed(N_("Every option must be different."), field="options")
    return options


def _checked(data: QuestionData) -> tuple[str, str | None, list[str]]:
    try:
        kind = QuestionKind(data.kind)
    except ValueError:
        raise ValidationFailed(N_("Please choose a type of question."), field="kind") from None
    text = " ".join(data.text.split())
    if not text:
        raise ValidationFailed(N_("Please enter the question."), field="text")
    if len(text) > 500:
        raise ValidationFailed(N_("At most %(n)s characters."), field="text", n=500)
    dimension = data.dimension or None
    if dimension is not None:
        if kind != QuestionKind.LIKERT:
            dimension = None  # only ratings are compared across courses
        elif dimension not in {d.value for d in Dimension}:
            raise ValidationFailed(N_("Please choose a topic from the list."), field="dimension")
    return text, dimension, _options(data)


def add_question(
    actor: User, questionnaire: Questionnaire, data: QuestionData, now: datetime
) -> Question:
    _editable(questionnaire)
    text, dimension, options = _checked(data)
    if len(questionnaire.questions) >= MAX_QUESTIONS:
        raise Conflict(N_("A questionnaire has at most %(n)s questions."), n=MAX_QUESTIONS)
    position = max((q.position for q in questionnaire.questions), default=0) + 1
    question = Question(
        position=position,
        kind=data.kind,
        text=text,
        required=data.required,
        dimension=dimension,
        options=[QuestionOption(position=n, label=label) for n, label in enumerate(options, 1)],
    )
    questionnaire.questions.append(question)
    questionnaire.updated_at = now
    db.session.flush()
    details = {"question_id": question.id}
    record(
        actor,
        "questionnaire.question_added",
        "questionnaire",
        questionnaire.id,
        details=details,
        now=now,
    )
    return question


def update_question(actor: User, question: Question, data: QuestionData, now: datetime) -> Question:
    questionnaire = question.questionnaire
    _editable(questionnaire)
    text, dimension, options = _checked(data)
    question.kind, question.text = data.kind, text
    question.required, question.dimension = data.required, dimension
    question.options = [
        QuestionOption(position=n, label=label) for n, label in enumerate(options, 1)
    ]
    questionnaire.updated_at = now
    db.session.flush()
    details = {"question_id": question.id}
    record(
        actor,
        "questionnaire.question_changed",
        "questionnaire",
        questionnaire.id,
        details=details,
        now=now,
    )
    return question


def delete_question(actor: User, question: Question, now: datetime) -> None:
    questionnaire = question.questionnaire
    _editable(questionnaire)
    if questionnaire.is_default and len(questionnaire.questions) == 1:
        raise Conflict(N_("The default questionnaire needs at least one question."))
    details = {"text": question.text}
    questionnaire.questions.remove(question)
    questionnaire.updated_at = now
    db.session.flush()
    record(
        actor,
        "questionnaire.question_removed",
        "questionnaire",
        questionnaire.id,
        details=details,
        now=now,
    )


def move_question(actor: User, question: Question, step: int, now: datetime) -> None:
    """Move a question one place up (``step`` -1) or down (+1)."""
    questionnaire = question.questionnaire
    _editable(questionnaire)
    ordered = sorted(questionnaire.questions, key=lambda q: (q.position, q.id))
    index = ordered.index(question)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(ordered):
        raise Conflict(
            N_("The question is already the first.")
            if step < 0
            else N_("The question is already the last.")
        )
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, 1):
        item.position = position
    questionnaire.updated_at = now
    db.session.flush()
    details = {"question_id": question.id}
    record(
        actor,
        "questionnaire.question_moved",
        "questionnaire",
        questionnaire.id,
        details=details,
        now=now,
    )
