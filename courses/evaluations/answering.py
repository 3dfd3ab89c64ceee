"""A participant answers an evaluation — once, while the round is open.

Who may answer: a person whose attendance at the session was recorded as present (also
when the invitation has not gone out yet). The answer is stored in two unconnected
steps of one transaction: the participant row is marked "answered" (so nobody answers
twice — the conditional UPDATE, or the primary key for someone not yet invited, refuses a
second submission even when both arrive at once), and the response is written without
any reference to the person. Nothing else is recorded: no audit entry and no
notification, as either would say when the person answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from academy.database import begin_write
from academy.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.evaluations.models import (
    LIKERT_VALUES,
    EvaluationAnswer,
    EvaluationParticipant,
    EvaluationResponse,
    EvaluationRound,
    Question,
    QuestionKind,
    new_key,
)
from courses.evaluations.rounds import close_round, eligible, is_open, today_of
from courses.sessions.models import CourseSession

#: The longest free-text answer.
TEXT_MAX = 4000

#: What a person's answer to a question is: a rating, an option id, option ids, a text.
Given = int | str | Sequence[int] | None


@dataclass(frozen=True)
class Standing:
    """Where a person stands with a round: ``answer`` (may answer now), ``answered``,
    ``closed`` (did not answer in time) or ``none`` (not a participant)."""

    state: str
    round: EvaluationRound | None


def _participant(round_id: int, employee_id: int) -> EvaluationParticipant | None:
    return db.session.get(EvaluationParticipant, (round_id, employee_id))


def _attended(session_id: int, employee_id: int) -> bool:
    return (
        db.session.scalar(eligible(session_id).where(Enrolment.employee_id == employee_id).limit(1))
        is not None
    )


def standing(session: CourseSession, employee_id: int | None, today: date) -> Standing:
    round_ = db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.session_id == session.id)
    )
    if round_ is None or employee_id is None:
        return Standing("none", round_)
    participant = _participant(round_.id, employee_id)
    if participant is None and not _attended(session.id, employee_id):
        return Standing("none", round_)
    if participant is not None and participant.answered:
        return Standing("answered", round_)
    return Standing("answer" if is_open(round_, today) else "closed", round_)


def round_to_answer(
    session: CourseSession, employee_id: int | None, today: date
) -> EvaluationRound:
    """The round the person may answer now; a German refusal otherwise."""
    found = standing(session, employee_id, today)
    if found.round is None:
        raise NotFound(N_("This session is not being evaluated."))
    if found.state == "none":
        raise PermissionDenied(
            N_(
                "Only participants of the session can evaluate it, and only once their "
                "attendance is recorded."
            )
        )
    if found.state == "answered":
        raise Conflict(N_("You have already evaluated this session. Thank you!"))
    if found.state == "closed":
        raise Conflict(N_("The evaluation of this session is closed."))
    return found.round


# ---------------------------------------------------------------------------
# Checking the answers
# ---------------------------------------------------------------------------


def _rows(question: Question, given: Given) -> list[dict[str, object]]:
    """The answer rows for one question (empty: not answered); a German error at the
    question's field (``q<id>``) for an invalid answer."""
    field = f"q{question.id}"
    kind = QuestionKind(question.kind)
    if kind == QuestionKind.TEXT:
        text = (given if isinstance(given, str) else "").strip()
        if len(text) > TEXT_MAX:
            raise ValidationFailed(N_("At most %(n)s characters."), field=field, n=TEXT_MAX)
        return [{"text": text}] if text else []
    if kind == QuestionKind.LIKERT:
        if given in (None, ""):
            return []
        if given not in LIKERT_VALUES:
            raise ValidationFailed(N_("Please choose a value from 1 to 5."), field=field)
        return [{"value": given}]
    options = {o.id for o in question.options}
    chosen = (
        [] if given in (None, "") else list(given) if isinstance(given, list | tuple) else [given]
    )
    if any(c not in options for c in chosen):
        raise ValidationFailed(N_("Please choose from the options given."), field=field)
    if kind == QuestionKind.SINGLE and len(chosen) > 1:
        raise ValidationFailed(N_("Please choose one option only."), field=field)
    return [{"option_id": c} for c in sorted(set(chosen))]  # type: ignore[type-var]


def checked_answers(
    questions: Sequence[Question], given: Mapping[int, Given]
) -> list[dict[str, object]]:
    """Every answer row, or a ``ValidationFailed`` at the first question answered wrongly
    (a required question left empty included)."""
    rows: list[dict[str, object]] = []
    for question in questions:
        found = _rows(question, given.get(question.id))
        if question.required and not found:
            raise ValidationFailed(N_("Please answer this question."), field=f"q{question.id}")
        rows += [
            {"question_id": question.id, "value": None, "option_id": None, "text": None, **row}
            for row in found
        ]
    return rows


# ---------------------------------------------------------------------------
# Submitting
# ---------------------------------------------------------------------------


def _lock(round_id: int) -> EvaluationRound:
    return db.session.scalars(
        select(EvaluationRound)
        .where(EvaluationRound.id == round_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _mark_answered(round_: EvaluationRound, employee_id: int) -> None:
    """The "has answered" mark, claimed once (also under concurrent submissions)."""
    marked = db.session.execute(
        update(EvaluationParticipant)
        .where(
            EvaluationParticipant.round_id == round_.id,
            EvaluationParticipant.employee_id == employee_id,
            EvaluationParticipant.answered.is_(False),
        )
        .values(answered=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if marked:
        return
    if _participant(round_.id, employee_id) is not None:
        raise Conflict(N_("You have already evaluated this session. Thank you!"))
    try:  # attended, but the invitation has not gone out yet
        with db.session.begin_nested():
            db.session.execute(
                insert(EvaluationParticipant),
                [
                    {
                        "round_id": round_.id,
                        "employee_id": employee_id,
                        "answered": True,
                        "reminded": False,
                    }
                ],
            )
    except IntegrityError:
        raise Conflict(N_("You have already evaluated this session. Thank you!")) from None
    db.session.execute(
        update(EvaluationRound)
        .where(EvaluationRound.id == round_.id)
        .values(invited_count=EvaluationRound.invited_count + 1)
        .execution_options(synchronize_session=False)
    )


def everyone_answered(round_: EvaluationRound) -> bool:
    """No attendance left to record, everyone present invited and answered."""
    pending = select(Enrolment.id).where(
        Enrolment.session_id == round_.session_id,
        Enrolment.state == EnrolmentState.CONFIRMED.value,
    )
    waiting = select(EvaluationParticipant.employee_id).where(
        EvaluationParticipant.round_id == round_.id, EvaluationParticipant.answered.is_(False)
    )
    answered = select(EvaluationParticipant.employee_id).where(
        EvaluationParticipant.round_id == round_.id, EvaluationParticipant.answered.is_(True)
    )
    uninvited = eligible(round_.session_id).where(Enrolment.employee_id.not_in(answered))
    return not any(
        db.session.scalar(query.limit(1)) is not None for query in (pending, waiting, uninvited)
    )


def submit(
    session: CourseSession, employee_id: int, given: Mapping[int, Given], now: datetime
) -> EvaluationRound:
    """Store the person's answers anonymously; the round (closed when they were the last
    one). Refusals: not a participant, answered already, closed, invalid answers."""
    begin_write()
    today = today_of(now)
    round_ = round_to_answer(session, employee_id, today)
    round_ = _lock(round_.id)
    round_to_answer(session, employee_id, today)  # again, under the lock
    questions = list(round_.questionnaire.questions)
    rows = checked_answers(questions, given)
    _mark_answered(round_, employee_id)
    key = new_key()
    db.session.execute(insert(EvaluationResponse), [{"id": key, "round_id": round_.id}])
    if rows:
        db.session.execute(
            insert(EvaluationAnswer), [{**row, "id": new_key(), "response_id": key} for row in rows]
        )
    if everyone_answered(round_):
        close_round(None, round_, now, early=True)
    return round_


def response_count(round_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(EvaluationResponse)
            .where(EvaluationResponse.round_id == round_id)
        )
        or 0
    )
