"""Demo data of course evaluations: the ``evaluations`` step of ``flask academy demo``.

The shipped standard questionnaire (the default), and a round for every past session
that was not cancelled, as the tick step would have made them:

- rounds whose closing date has passed are closed: between 45 % and 90 % of the invited
  answered, except for about one in eight, kept at two to four answers so that the
  demo shows results being withheld (sessions with fewer participants than the minimum
  are withheld anyway);
- rounds of the last two weeks are open, some answers already in; the demo employee
  always has one to answer (if none of her sessions is recent, the round of her latest
  completed session has had its closing date moved, as HR may do);
- answers follow a quality profile per course (the demo trainer's a little better), so
  that courses, trainers and quarters differ; free texts come from ``answers.toml``.

Responses get random keys from the step's generator and are written in shuffled order,
as sealing leaves them; the same seed gives the same rows.
"""

from __future__ import annotations

import random
import tomllib
import uuid
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from academy.clock import to_berlin
from academy.demo.steps import DemoContext, bulk_insert, de_int, register_demo_step
from academy.extensions import db
from courses.demo.people import people_from_context
from courses.enrolment.models import Enrolment
from courses.evaluations.defaults import load_default_questionnaire
from courses.evaluations.models import (
    EvaluationAnswer,
    EvaluationParticipant,
    EvaluationResponse,
    EvaluationRound,
    Question,
    QuestionKind,
)
from courses.evaluations.rounds import ELIGIBLE_STATES
from courses.sessions.models import CourseSession

STEP_NAME = "evaluations"
STEP_ORDER = 95  # after every step that makes sessions or enrolments
SETTINGS = tomllib.loads((Path(__file__).parent / "answers.toml").read_text("utf-8"))
#: Moved closing date of the demo employee's round, days from the demo's day.
EXTENDED_DAYS = 10


def _key(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _likert(rng: random.Random, mean: float) -> int:
    return min(5, max(1, round(rng.gauss(mean, SETTINGS["answer_spread"]))))


def _answers(rng: random.Random, questions: list[Question], mean: float) -> list[dict[str, Any]]:
    """One participant's answers to the standard questionnaire."""
    rows: list[dict[str, Any]] = []
    texts = iter(zip(SETTINGS["text_share"], (SETTINGS["good"], SETTINGS["improve"]), strict=True))
    for q in questions:
        base = {"question_id": q.id, "value": None, "option_id": None, "text": None}
        if q.kind == QuestionKind.LIKERT:
            offset = SETTINGS["topic_offset"].get(q.dimension or "", 0.0)
            rows.append({**base, "value": _likert(rng, mean + offset)})
        elif q.kind == QuestionKind.SINGLE and rng.random() < 0.85:
            weights = [0.15, 0.65, 0.2] + [0.1] * max(len(q.options) - 3, 0)
            option = rng.choices(q.options, weights=weights[: len(q.options)])[0]
            rows.append({**base, "option_id": option.id})
        elif q.kind == QuestionKind.MULTIPLE and rng.random() < 0.7:
            chosen = [o for o in q.options if rng.random() < 0.3] or [rng.choice(q.options)]
            rows += [{**base, "option_id": o.id} for o in chosen]
        elif q.kind == QuestionKind.TEXT:
            share, pool = next(texts, (0.25, SETTINGS["improve"]))
            if rng.random() < share:
                rows.append({**base, "text": rng.choice(pool)})
    return rows


def _past_sessions(ctx: DemoContext) -> tuple[list[Any], dict[int, list[int]]]:
    sessions = db.session.execute(
        select(
            CourseSession.id,
            CourseSession.course_id,
            CourseSession.trainer_id,
            CourseSession.ends_at,
        )
        .where(CourseSession.ends_at <= ctx.now, CourseSession.cancelled_at.is_(None))
        .order_by(CourseSession.ends_at, CourseSession.id)
    ).all()
    present: dict[int, list[int]] = defaultdict(list)
    for session_id, employee_id in db.session.execute(
        select(Enrolment.session_id, Enrolment.employee_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(CourseSession.ends_at <= ctx.now, Enrolment.state.in_(ELIGIBLE_STATES))
        .order_by(Enrolment.session_id, Enrolment.employee_id)
    ):
        present[session_id].append(employee_id)
    return sessions, present


def _demo_employee_round(
    rounds: list[dict[str, Any]], present: dict[int, list[int]], employee: int | None, today: date
) -> None:
    """Make sure the demo employee has a round to answer (see the module docstring)."""
    if employee is None:
        return
    hers = [r for r in rounds if employee in present.get(r["session_id"], [])]
    if not hers or any(r["closed_on"] is None for r in hers):
        return
    latest = hers[-1]
    latest.update(
        closed_on=None, closes_on=today + timedelta(days=EXTENDED_DAYS), reminder_sent_on=None
    )


def evaluations_demo_step(ctx: DemoContext) -> str:
    rng, today = ctx.rng, to_berlin(ctx.now).date()
    questionnaire, _created = load_default_questionnaire(None, ctx.now)
    questions = list(questionnaire.questions)
    open_days = int(current_app.config["EVALUATION_OPEN_DAYS"])
    remind_days = int(current_app.config["EVALUATION_REMINDER_DAYS"])
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    people = people_from_context(ctx)
    sessions, present = _past_sessions(ctx)
    rounds = []
    for session_id, _course, _trainer, ends_at in sessions:
        end_day = to_berlin(ends_at).date()
        closes_on = end_day + timedelta(days=open_days)
        closed = closes_on < today
        rounds.append(
            {
                "session_id": session_id,
                "questionnaire_id": questionnaire.id,
                "opened_on": end_day,
                "closes_on": closes_on,
                "closed_on": closes_on + timedelta(days=1) if closed else None,
                "invited_count": len(present.get(session_id, [])),
                "reminder_sent_on": closes_on - timedelta(days=remind_days)
                if closed and remind_days
                else None,
            }
        )
    _demo_employee_round(rounds, present, people.employee, today)
    bulk_insert(EvaluationRound, rounds)
    round_ids = dict(
        db.session.execute(select(EvaluationRound.session_id, EvaluationRound.id)).all()
    )
    course_mean: dict[int, float] = {}
    participants, responses, answers = [], [], []
    for (session_id, course_id, trainer_id, _end), plan in zip(sessions, rounds, strict=True):
        invited = present.get(session_id, [])
        if course_id not in course_mean:
            course_mean[course_id] = rng.gauss(SETTINGS["course_mean"], SETTINGS["course_spread"])
        mean = min(4.7, max(2.3, course_mean[course_id]))
        if trainer_id is not None and trainer_id == people.trainer_user:
            mean += SETTINGS["demo_trainer_bonus"]
        rate = rng.uniform(*SETTINGS["response_rate"])
        if plan["closed_on"] is None:
            rate *= rng.uniform(0.2, 0.8)  # still open: not everyone has answered yet
        count = round(rate * len(invited))
        withhold = plan["closed_on"] is not None and len(invited) >= 2 and minimum > 2
        if withhold and rng.random() < SETTINGS["below_minimum_share"]:
            count = min(count, rng.randint(2, min(4, minimum - 1)))
        candidates = [e for e in invited if plan["closed_on"] is not None or e != people.employee]
        answered = set(rng.sample(candidates, min(count, len(candidates))))
        round_id = round_ids[session_id]
        for employee_id in invited:
            done = employee_id in answered
            reminded = plan["reminder_sent_on"] is not None and not done
            participants.append(
                {
                    "round_id": round_id,
                    "employee_id": employee_id,
                    "answered": done,
                    "reminded": reminded,
                }
            )
        batch = []
        for _ in answered:
            key = _key(rng)
            batch.append({"id": key, "round_id": round_id})
            answers += [
                {**row, "id": _key(rng), "response_id": key}
                for row in _answers(rng, questions, mean)
            ]
        rng.shuffle(batch)
        responses += batch
    bulk_insert(EvaluationParticipant, participants)
    bulk_insert(EvaluationResponse, responses)
    rng.shuffle(answers)
    bulk_insert(EvaluationAnswer, answers)
    closed = sum(1 for r in rounds if r["closed_on"] is not None)
    return (
        f"Kursbewertungen: {de_int(len(rounds))} Runden ({de_int(closed)} abgeschlossen), "
        f"{de_int(len(responses))} Antworten"
    )


def register_step() -> None:
    register_demo_step(STEP_NAME, evaluations_demo_step, order=STEP_ORDER)
