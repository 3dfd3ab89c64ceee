"""Answering an evaluation: once, only by participants, only while open; answers are
checked; nothing records who answered when (no audit entry, no notice); the round closes
early when everyone has answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditLogEntry
from academy.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.notifications.models import Notification
from courses.enrolment.models import EnrolmentState
from courses.evaluations.answering import standing, submit
from courses.evaluations.models import (
    EvaluationAnswer,
    EvaluationParticipant,
    EvaluationResponse,
    QuestionKind,
)
from courses.evaluations.queries import my_rounds, to_answer_count
from tests import factories
from tests.courses.evaluations.support import (
    NOW,
    answer_all,
    answers,
    finished,
    opened,
    participants,
    standard,
)


def _responses() -> int:
    return int(db.session.scalar(select(func.count()).select_from(EvaluationResponse)))


@pytest.fixture()
def round_setup(db):
    standard()
    session = finished()
    people = participants(session, 3)
    round_ = opened(session)
    return session, people, round_, list(round_.questionnaire.questions)


def test_an_answer_is_stored_without_the_person(round_setup):
    session, people, round_, questions = round_setup
    submit(session, people[0].employee.id, answers(questions, 5, "Sehr gut"), NOW)
    assert _responses() == 1
    rows = db.session.scalars(select(EvaluationAnswer)).all()
    ratings = [r.value for r in rows if r.value is not None]
    assert ratings == [5] * sum(q.kind == QuestionKind.LIKERT for q in questions)
    assert [r.text for r in rows if r.text] == ["Sehr gut", "Sehr gut"]
    participant = db.session.get(EvaluationParticipant, (round_.id, people[0].employee.id))
    assert participant.answered
    # nothing says who answered when: no audit entry, no notification
    actions = db.session.scalars(select(AuditLogEntry.action)).all()
    assert not [a for a in actions if "answer" in a or a.startswith("evaluation_response")]
    assert not db.session.scalars(
        select(Notification)
        .where(Notification.employee_id == people[0].employee.id)
        .where(Notification.kind != "evaluation.invited")
    ).all()


def test_answering_twice_is_refused(round_setup):
    session, people, _round, questions = round_setup
    submit(session, people[0].employee.id, answers(questions), NOW)
    with pytest.raises(Conflict, match="already evaluated"):
        submit(session, people[0].employee.id, answers(questions), NOW)
    assert _responses() == 1


def test_someone_who_did_not_take_part_is_refused(round_setup):
    session, _people, _round, questions = round_setup
    stranger = factories.employee()
    with pytest.raises(PermissionDenied):
        submit(session, stranger.id, answers(questions), NOW)
    absent = participants(session, 1, state=EnrolmentState.NO_SHOW, name="Fehlte")[0]
    with pytest.raises(PermissionDenied):
        submit(session, absent.employee.id, answers(questions), NOW)
    with pytest.raises(NotFound):
        submit(finished(), absent.employee.id, answers(questions), NOW)  # no round
    assert _responses() == 0


def test_a_closed_evaluation_is_refused(round_setup):
    session, people, round_, questions = round_setup
    after = NOW + timedelta(days=15)  # the closing date has passed, the tick has not run
    with pytest.raises(Conflict, match="closed"):
        submit(session, people[0].employee.id, answers(questions), after)
    round_.closed_on = NOW.date()  # closed early
    with pytest.raises(Conflict, match="closed"):
        submit(session, people[1].employee.id, answers(questions), NOW)
    assert _responses() == 0


def test_attended_but_not_yet_invited_may_answer(round_setup):
    session, _people, round_, questions = round_setup
    late = participants(session, 1, state=EnrolmentState.ATTENDED, name="Spät")[0]
    submit(session, late.employee.id, answers(questions), NOW)
    assert db.session.get(EvaluationParticipant, (round_.id, late.employee.id)).answered
    db.session.refresh(round_)
    assert round_.invited_count == 4
    with pytest.raises(Conflict):
        submit(session, late.employee.id, answers(questions), NOW)


def test_answers_are_checked_at_the_question(round_setup):
    session, people, _round, questions = round_setup
    rating = next(q for q in questions if q.kind == QuestionKind.LIKERT)
    single = next(q for q in questions if q.kind == QuestionKind.SINGLE)
    multiple = next(q for q in questions if q.kind == QuestionKind.MULTIPLE)
    text = next(q for q in questions if q.kind == QuestionKind.TEXT)
    cases = [
        ({rating.id: None}, rating, "Please answer"),
        ({rating.id: 7}, rating, "1 to 5"),
        ({single.id: [single.options[0].id, single.options[1].id]}, single, "one option"),
        ({single.id: 999999}, single, "options given"),
        ({multiple.id: [multiple.options[0].id, -1]}, multiple, "options given"),
        ({text.id: "x" * 4001}, text, "4000"),
    ]
    for change, question, message in cases:
        given = {**answers(questions), **change}
        with pytest.raises(ValidationFailed, match=message) as refused:
            submit(session, people[0].employee.id, given, NOW)
        assert refused.value.field == f"q{question.id}"
    assert _responses() == 0
    assert not db.session.get(EvaluationParticipant, (_round.id, people[0].employee.id)).answered


def test_optional_questions_may_stay_empty(round_setup):
    session, people, _round, questions = round_setup
    given = {q.id: (4 if q.kind == QuestionKind.LIKERT else None) for q in questions}
    submit(session, people[0].employee.id, given, NOW)
    assert _responses() == 1


def test_the_round_closes_when_everyone_has_answered(round_setup):
    _session, people, round_, _questions = round_setup
    answer_all(round_, people[:2])
    assert round_.closed_on is None
    answer_all(round_, people[2:])
    db.session.refresh(round_)
    assert round_.closed_on == NOW.date()


def test_no_early_close_while_attendance_is_still_to_record(round_setup):
    session, people, round_, _questions = round_setup
    participants(session, 1, state=EnrolmentState.CONFIRMED, name="Offen")
    answer_all(round_, people)
    db.session.refresh(round_)
    assert round_.closed_on is None


def test_the_participant_sees_what_to_answer(round_setup):
    session, people, round_, _questions = round_setup
    me = people[0].employee.id
    assert to_answer_count(me, NOW.date()) == 1
    assert [r.state for r in my_rounds(me, NOW.date())] == ["answer"]
    assert standing(session, me, NOW.date()).state == "answer"
    answer_all(round_, people[:1])
    assert to_answer_count(me, NOW.date()) == 0
    assert [r.state for r in my_rounds(me, NOW.date())] == ["answered"]
    other = people[1].employee.id
    later = (NOW + timedelta(days=20)).date()
    assert [r.state for r in my_rounds(other, later)] == ["closed"]
    assert standing(session, factories.employee().id, NOW.date()).state == "none"
