"""HR's questionnaires as services: the shipped German set, creating and changing,
questions of every kind with their checks, the default, archiving, deleting, copying —
and questions fixed once a round has used the questionnaire."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from courses.evaluations import questionnaires as q
from courses.evaluations.assignment import set_course_questionnaire
from courses.evaluations.defaults import load_default_questionnaire, shipped
from courses.evaluations.models import Dimension, QuestionKind, Questionnaire
from tests.courses import factories as cf
from tests.courses.evaluations.support import NOW, finished, opened, participants
from tests.courses.support import hr


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id)))


def test_the_shipped_set_is_german_covers_the_topics_and_loads_once(db):
    questionnaire, created = load_default_questionnaire(None, NOW)
    assert created and questionnaire.is_default
    assert questionnaire.title == "Standardfragebogen Fortbildung"
    kinds = {x.kind for x in questionnaire.questions}
    assert kinds == {k.value for k in QuestionKind}
    topics = {x.dimension for x in questionnaire.questions if x.dimension}
    assert topics == {d.value for d in Dimension}
    assert any("Trainerin" in x.text for x in questionnaire.questions)
    assert len(questionnaire.questions) == len(shipped()["question"])
    again, created_again = load_default_questionnaire(None, NOW)
    assert again.id == questionnaire.id and not created_again
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 1
    assert _actions() == ["questionnaire.loaded"]


def test_a_second_shipped_set_does_not_take_over_the_default(db):
    actor = hr()
    own = q.create_questionnaire(actor, q.QuestionnaireData("Eigener Bogen"), NOW)
    q.add_question(actor, own, q.QuestionData("likert", "Gut?"), NOW)
    q.set_default(actor, own, True, NOW)
    shipped_one, _ = load_default_questionnaire(actor, NOW)
    assert not shipped_one.is_default and own.is_default


def test_questions_of_every_kind_and_their_checks(db):
    actor = hr()
    bogen = q.create_questionnaire(actor, q.QuestionnaireData("  Mein   Bogen ", "Hallo"), NOW)
    assert bogen.title == "Mein Bogen"
    rating = q.add_question(actor, bogen, q.QuestionData("likert", "Klar?", True, "content"), NOW)
    choice = q.add_question(
        actor,
        bogen,
        q.QuestionData("single", "Tempo?", dimension="trainer", options=["a", "b", ""]),
        NOW,
    )
    assert rating.dimension == "content" and choice.dimension is None  # topics: ratings only
    assert [o.label for o in choice.options] == ["a", "b"]
    refused = [
        (q.QuestionData("essay", "x"), "kind"),
        (q.QuestionData("text", "   "), "text"),
        (q.QuestionData("text", "x" * 501), "text"),
        (q.QuestionData("likert", "x", dimension="mood"), "dimension"),
        (q.QuestionData("multiple", "x", options=["nur eine"]), "options"),
        (q.QuestionData("multiple", "x", options=["A", "a"]), "options"),
        (q.QuestionData("single", "x", options=[str(n) for n in range(13)]), "options"),
    ]
    for data, field in refused:
        with pytest.raises(ValidationFailed) as error:
            q.add_question(actor, bogen, data, NOW)
        assert error.value.field == field
    q.update_question(
        actor, choice, q.QuestionData("multiple", "Formate?", options=["x", "y", "z"]), NOW
    )
    assert choice.kind == "multiple" and [o.label for o in choice.options] == ["x", "y", "z"]
    q.move_question(actor, choice, -1, NOW)
    assert [x.id for x in sorted(bogen.questions, key=lambda x: x.position)] == [
        choice.id,
        rating.id,
    ]
    with pytest.raises(Conflict, match="first"):
        q.move_question(actor, choice, -1, NOW)
    q.delete_question(actor, rating, NOW)
    assert [x.id for x in bogen.questions] == [choice.id]
    assert "questionnaire.question_removed" in _actions()


def test_the_default_is_one_and_cannot_be_archived_or_deleted(db):
    actor = hr()
    first = q.create_questionnaire(actor, q.QuestionnaireData("Erster"), NOW)
    with pytest.raises(Conflict, match="without questions"):
        q.set_default(actor, first, True, NOW)
    q.add_question(actor, first, q.QuestionData("likert", "Gut?"), NOW)
    second = q.copy_questionnaire(actor, first, NOW)
    assert second.title == "Erster (Kopie)" and len(second.questions) == 1
    q.set_default(actor, first, True, NOW)
    q.set_default(actor, second, True, NOW)
    db.session.refresh(first)
    assert second.is_default and not first.is_default
    with pytest.raises(Conflict):
        q.set_archived(actor, second, True, NOW)
    with pytest.raises(Conflict):
        q.delete_question(actor, second.questions[0], NOW)  # the default keeps a question
    with pytest.raises(Conflict):
        q.delete_questionnaire(actor, second, NOW)
    q.set_default(actor, second, False, NOW)
    q.set_archived(actor, second, True, NOW)
    with pytest.raises(Conflict, match="archived"):
        q.set_default(actor, second, True, NOW)
    q.set_archived(actor, second, False, NOW)
    q.delete_questionnaire(actor, second, NOW)
    assert db.session.get(Questionnaire, second.id) is None


def test_an_assigned_questionnaire_is_not_archived_or_deleted(db):
    actor = hr()
    bogen = q.create_questionnaire(actor, q.QuestionnaireData("Zugeordnet"), NOW)
    q.add_question(actor, bogen, q.QuestionData("likert", "Gut?"), NOW)
    set_course_questionnaire(actor, cf.course(), str(bogen.id), NOW)
    with pytest.raises(Conflict, match="still using"):
        q.set_archived(actor, bogen, True, NOW)
    with pytest.raises(Conflict, match="still using"):
        q.delete_questionnaire(actor, bogen, NOW)


def test_questions_are_fixed_once_a_round_has_used_them(db):
    actor = hr()
    questionnaire, _ = load_default_questionnaire(actor, NOW)
    session = finished()
    participants(session, 1)
    opened(session)
    assert q.in_use(questionnaire)
    first = questionnaire.questions[0]
    for attempt in (
        lambda: q.add_question(actor, questionnaire, q.QuestionData("text", "Neu?"), NOW),
        lambda: q.update_question(actor, first, q.QuestionData("text", "Anders?"), NOW),
        lambda: q.delete_question(actor, first, NOW),
        lambda: q.move_question(actor, first, 1, NOW),
    ):
        with pytest.raises(Conflict, match="Copy it"):
            attempt()
    with pytest.raises(Conflict, match="archived, not deleted"):
        q.set_default(actor, questionnaire, False, NOW)
        q.delete_questionnaire(actor, questionnaire, NOW)
    q.update_questionnaire(actor, questionnaire, q.QuestionnaireData("Neuer Titel"), NOW)
    assert questionnaire.title == "Neuer Titel"  # title and introduction may still change
