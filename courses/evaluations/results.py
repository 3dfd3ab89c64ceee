"""What evaluations show: aggregates only, and only of *released* rounds.

The release rule — one rule for every page, export and figure:

    A round's answers are shown, and counted in any figure across sessions, only when
    the round is closed (its closing date has passed, or everyone has answered) and at
    least ``MIN_GROUP_SIZE`` people answered.

Why the whole round is the unit: a figure across sessions (a course, a trainer, a
quarter, a period) is a sum over released rounds only, so the difference between any
two figures — two periods, a total and its rows, neighbouring filters — is again a sum
over whole released rounds, each of which is shown anyway. A round below the minimum
enters no figure at all, so nothing about it can be worked out by subtraction (no
secondary suppression is needed: there is no withheld cell inside any sum). And
because a round is only shown once it is closed, its figures never change afterwards:
comparing today's figures with yesterday's cannot isolate the last person's answer.
Free texts follow the same rule and are listed in random order (by their random keys,
renewed when the round was sealed).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.clock import berlin_to_utc
from academy.extensions import db
from courses.catalogue.models import Course
from courses.evaluations.models import (
    LIKERT_VALUES,
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationRound,
    Question,
    QuestionKind,
    Questionnaire,
)
from courses.sessions.models import CourseSession

OPEN, RELEASED, WITHHELD = "open", "released", "withheld"


def minimum() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


@dataclass(frozen=True)
class RoundFilters:
    """Which rounds: by course, trainer (account id), provider (``Course.provider``),
    period (the session's last day, inclusive)."""

    course_id: int | None = None
    trainer_id: int | None = None
    provider: str | None = None
    period_from: date | None = None
    period_to: date | None = None


_answers = (
    select(EvaluationResponse.round_id, func.count().label("answers"))
    .group_by(EvaluationResponse.round_id)
    .subquery("answer_counts")
)
ANSWERS = func.coalesce(_answers.c.answers, 0)


def _where(query: Select[Any], filters: RoundFilters) -> Select[Any]:
    if filters.course_id is not None:
        query = query.where(CourseSession.course_id == filters.course_id)
    if filters.trainer_id is not None:
        query = query.where(CourseSession.trainer_id == filters.trainer_id)
    if filters.provider is not None:
        query = query.where(Course.provider == filters.provider)
    if filters.period_from is not None:
        start = berlin_to_utc(datetime.combine(filters.period_from, time()))
        query = query.where(CourseSession.ends_at >= start)
    if filters.period_to is not None:
        end = berlin_to_utc(datetime.combine(filters.period_to + timedelta(days=1), time()))
        query = query.where(CourseSession.ends_at < end)
    return query


def released_condition() -> Any:
    return and_(EvaluationRound.closed_on.is_not(None), minimum() <= ANSWERS)


def rounds_query(filters: RoundFilters) -> Select[Any]:
    """Every round of the filters with its session, course, trainer, questionnaire title
    and number of answers, latest session first (for lists; one statement)."""
    trainer = aliased(User)
    query = (
        select(
            EvaluationRound,
            CourseSession,
            Course,
            trainer.display_name.label("trainer_name"),
            Questionnaire.title.label("questionnaire_title"),
            ANSWERS.label("answers"),
        )
        .join(CourseSession, CourseSession.id == EvaluationRound.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .join(Questionnaire, Questionnaire.id == EvaluationRound.questionnaire_id)
        .outerjoin(trainer, trainer.id == CourseSession.trainer_id)
        .outerjoin(_answers, _answers.c.round_id == EvaluationRound.id)
        .order_by(CourseSession.ends_at.desc(), EvaluationRound.id.desc())
    )
    return _where(query, filters)


def status_of(round_: EvaluationRound, answers: int) -> str:
    if round_.closed_on is None:
        return OPEN
    return RELEASED if answers >= minimum() else WITHHELD


def is_released(round_: EvaluationRound) -> bool:
    return status_of(round_, answer_count(round_.id)) == RELEASED


def answer_count(round_id: int) -> int:
    query = select(func.count()).select_from(EvaluationResponse)
    return int(db.session.scalar(query.where(EvaluationResponse.round_id == round_id)) or 0)


def status_counts(filters: RoundFilters) -> dict[str, int]:
    """How many rounds of the filters are open, released and withheld."""
    rows = db.session.execute(
        _where(
            select(EvaluationRound.closed_on, ANSWERS)
            .join(CourseSession, CourseSession.id == EvaluationRound.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .outerjoin(_answers, _answers.c.round_id == EvaluationRound.id),
            filters,
        )
    ).all()
    counts = dict.fromkeys((OPEN, RELEASED, WITHHELD), 0)
    least = minimum()
    for closed_on, answers in rows:
        counts[OPEN if closed_on is None else RELEASED if answers >= least else WITHHELD] += 1
    return counts


# ---------------------------------------------------------------------------
# Figures per released round (what every figure across sessions adds up)
# ---------------------------------------------------------------------------


@dataclass
class Sums:
    """Ratings added up: the sum of the values and how many there are."""

    total: int = 0
    count: int = 0

    def add(self, total: int, count: int) -> None:
        self.total += int(total)
        self.count += int(count)

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass
class RoundStat:
    round_id: int
    session_id: int
    course_id: int
    course_title: str
    course_code: str
    provider: str
    provider_name: str | None
    trainer_id: int | None
    trainer_name: str | None
    ends_at: datetime
    invited: int
    answers: int
    dimensions: dict[str, Sums] = field(default_factory=dict)
    overall: Sums = field(default_factory=Sums)


def released_stats(filters: RoundFilters) -> list[RoundStat]:
    """Every released round of the filters with its rating sums per topic (two
    statements whatever the number of rounds)."""
    stats: dict[int, RoundStat] = {}
    for round_, session, course, trainer_name, _title, answers in db.session.execute(
        rounds_query(filters).where(released_condition())
    ):
        stats[round_.id] = RoundStat(
            round_.id,
            session.id,
            course.id,
            course.title,
            course.code,
            course.provider,
            course.provider_name,
            session.trainer_id,
            trainer_name,
            session.ends_at,
            round_.invited_count,
            int(answers),
        )
    if not stats:
        return []
    rows = db.session.execute(
        select(
            EvaluationResponse.round_id,
            Question.dimension,
            func.sum(EvaluationAnswer.value),
            func.count(EvaluationAnswer.value),
        )
        .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
        .join(Question, Question.id == EvaluationAnswer.question_id)
        .where(
            EvaluationResponse.round_id.in_(list(stats)),
            Question.kind == QuestionKind.LIKERT.value,
            EvaluationAnswer.value.is_not(None),
        )
        .group_by(EvaluationResponse.round_id, Question.dimension)
    )
    for round_id, dimension, total, count in rows:
        stat = stats[round_id]
        stat.overall.add(total or 0, count)
        if dimension:
            stat.dimensions.setdefault(dimension, Sums()).add(total or 0, count)
    return sorted(stats.values(), key=lambda s: (s.ends_at, s.round_id))


@dataclass
class Group:
    """Released rounds added up under one key (a course, a trainer, a quarter …)."""

    key: Any
    label: str
    sessions: int = 0
    invited: int = 0
    answers: int = 0
    dimensions: dict[str, Sums] = field(default_factory=lambda: defaultdict(Sums))
    overall: Sums = field(default_factory=Sums)

    def add(self, stat: RoundStat) -> None:
        self.sessions += 1
        self.invited += stat.invited
        self.answers += stat.answers
        for dimension, sums in stat.dimensions.items():
            self.dimensions[dimension].add(sums.total, sums.count)
        self.overall.add(stat.overall.total, stat.overall.count)

    @property
    def response_rate(self) -> float | None:
        return self.answers / self.invited if self.invited else None


def grouped(stats: Iterable[RoundStat], key: Any, label: Any) -> list[Group]:
    """The rounds added up by ``key(stat)`` (labelled ``label(stat)``), in label order."""
    groups: dict[Any, Group] = {}
    for stat in stats:
        k = key(stat)
        if k not in groups:
            groups[k] = Group(k, label(stat))
        groups[k].add(stat)
    return sorted(groups.values(), key=lambda g: (str(g.label).casefold(), str(g.key)))


def total(stats: Iterable[RoundStat], label: str) -> Group:
    group = Group("total", label)
    for stat in stats:
        group.add(stat)
    return group


# ---------------------------------------------------------------------------
# One released round, question by question
# ---------------------------------------------------------------------------


@dataclass
class ItemResult:
    question: Question
    answered: int  # people who answered this question
    counts: dict[int, int] = field(default_factory=dict)  # rating or option id → count
    texts: list[str] = field(default_factory=list)  # free texts in random order

    @property
    def mean(self) -> float | None:
        n = sum(self.counts.values())
        return sum(v * c for v, c in self.counts.items()) / n if n else None

    @property
    def deviation(self) -> float | None:
        n = sum(self.counts.values())
        mean = self.mean
        if mean is None or n < 2:
            return None
        return math.sqrt(sum(c * (v - mean) ** 2 for v, c in self.counts.items()) / (n - 1))


def round_results(round_: EvaluationRound) -> list[ItemResult]:
    """Every question of a released round with its counts, mean, deviation and texts
    (a fixed number of statements). Callers check ``is_released`` first."""
    questions = list(round_.questionnaire.questions)
    results = {q.id: ItemResult(q, 0) for q in questions}
    for q in questions:
        if q.kind == QuestionKind.LIKERT:
            results[q.id].counts = dict.fromkeys(LIKERT_VALUES, 0)
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            results[q.id].counts = {o.id: 0 for o in q.options}
    in_round = EvaluationResponse.round_id == round_.id
    base = (
        select()
        .select_from(EvaluationAnswer)
        .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
    )
    answered = (
        base.add_columns(
            EvaluationAnswer.question_id, func.count(func.distinct(EvaluationAnswer.response_id))
        )
        .where(in_round)
        .group_by(EvaluationAnswer.question_id)
    )
    for question_id, n in db.session.execute(answered):
        if question_id in results:
            results[question_id].answered = int(n)
    key = func.coalesce(EvaluationAnswer.value, EvaluationAnswer.option_id)
    counted = (
        base.add_columns(EvaluationAnswer.question_id, key, func.count())
        .where(in_round, EvaluationAnswer.text.is_(None))
        .group_by(EvaluationAnswer.question_id, key)
    )
    for question_id, value, n in db.session.execute(counted):
        item = results.get(question_id)
        if item is not None and value in item.counts:
            item.counts[value] = int(n)
    texts = (
        base.add_columns(EvaluationAnswer.question_id, EvaluationAnswer.text)
        .where(in_round, EvaluationAnswer.text.is_not(None))
        .order_by(EvaluationAnswer.id)
    )
    for question_id, text in db.session.execute(texts):
        if question_id in results:
            results[question_id].texts.append(text)
    return [results[q.id] for q in questions]
