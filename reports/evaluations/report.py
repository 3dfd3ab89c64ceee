"""Evaluation results as tables with charts — the one form the pages and the CSV, XLSX
and PDF exports all render, so every output shows the same figures.

``session_report``: one released round (a session), question by question: the ratings
with mean and standard deviation, the distribution of every rating question (bar chart
of the 1–5 answers), the choices, the free texts in random order.
``overview_report``: released rounds added up by course, trainer (HR only), provider
and quarter (the trend), each with a total, and the released sessions (not for the
staff council). Only released rounds count (``courses.evaluations.results``), so the
tables hold no withheld cell and need no secondary suppression.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from flask_babel import format_decimal, gettext, ngettext

from academy.clock import to_berlin
from academy.i18n import N_
from courses.catalogue.models import PROVIDER_LABELS, Provider
from courses.evaluations.models import (
    DIMENSION_LABELS,
    LIKERT_ANCHORS,
    LIKERT_VALUES,
    Dimension,
    QuestionKind,
)
from courses.evaluations.results import Group, ItemResult, RoundStat, grouped, total
from reports.analytics.common import TOTAL_LABEL, quarter_label
from reports.analytics.report_model import Chart, Column, Part

SCALE_NOTE = N_("Scale from 1 (does not apply at all) to 5 (fully applies).")
MEAN_NOTE = N_("Means are over every answer of the released sessions (weighted by answers).")


@dataclass
class EvaluationReport:
    """What a results page or file shows: title, facts (label, value; translated),
    parts, notes (translated)."""

    key: str
    title: str
    facts: list[tuple[str, str]]
    parts: list[Part]
    generated_at: datetime
    notes: list[str] = field(default_factory=list)


def _number(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0.0")


def anchor(value: int) -> str:
    return f"{value} – {gettext(LIKERT_ANCHORS[value])}"


# ---------------------------------------------------------------------------
# One session
# ---------------------------------------------------------------------------

RATING_COLUMNS = [
    Column("question", N_("Question")),
    Column("topic", N_("Topic")),
    Column("answers", N_("Answers"), "int"),
    Column("mean", N_("Mean"), "decimal"),
    Column("deviation", N_("Standard deviation"), "decimal"),
    *[Column(f"v{v}", LIKERT_ANCHORS[v], "int") for v in LIKERT_VALUES],
]


def _ratings(items: Sequence[ItemResult], numbers: dict[int, int]) -> Part:
    rows = [
        {
            "question": f"{numbers[i.question.id]}. {i.question.text}",
            "topic": gettext(DIMENSION_LABELS[Dimension(i.question.dimension)])
            if i.question.dimension
            else "",
            "answers": i.answered,
            "mean": i.mean,
            "deviation": i.deviation,
            **{f"v{v}": i.counts.get(v, 0) for v in LIKERT_VALUES},
        }
        for i in items
    ]
    return Part(
        "ratings",
        N_("Ratings at a glance"),
        RATING_COLUMNS,
        pd.DataFrame(rows, columns=[c.key for c in RATING_COLUMNS]),
        description=SCALE_NOTE,
        chart=Chart("hbar", "question", ("mean",), N_("Mean per question")),
    )


def _distribution(item: ItemResult, number: int) -> Part:
    n = sum(item.counts.values())
    rows = [
        {
            "answer": anchor(v),
            "count": item.counts.get(v, 0),
            "share": item.counts.get(v, 0) / n if n else None,
        }
        for v in LIKERT_VALUES
    ]
    description = ngettext(
        "%(num)s answer · mean %(mean)s · standard deviation %(sd)s",
        "%(num)s answers · mean %(mean)s · standard deviation %(sd)s",
        item.answered,
        mean=_number(item.mean),
        sd=_number(item.deviation),
    )
    return Part(
        f"q{item.question.id}",
        f"{number}. {item.question.text}",
        [
            Column("answer", N_("Answer")),
            Column("count", N_("Answers"), "int"),
            Column("share", N_("Share"), "percent"),
        ],
        pd.DataFrame(rows),
        description=description,
        chart=Chart("bar", "answer", ("share",), N_("Distribution of the answers")),
    )


def _choices(item: ItemResult, number: int) -> Part:
    labels = {o.id: o.label for o in item.question.options}
    rows = [
        {"option": labels[k], "count": c, "share": c / item.answered if item.answered else None}
        for k, c in item.counts.items()
    ]
    several = item.question.kind == QuestionKind.MULTIPLE
    description = ngettext("%(num)s answer", "%(num)s answers", item.answered) + (
        " · " + gettext("several options could be chosen") if several else ""
    )
    return Part(
        f"q{item.question.id}",
        f"{number}. {item.question.text}",
        [
            Column("option", N_("Option")),
            Column("count", N_("Answers"), "int"),
            Column("share", N_("Share of those who answered"), "percent"),
        ],
        pd.DataFrame(rows, columns=["option", "count", "share"]),
        description=description,
        chart=Chart("hbar", "option", ("share",), N_("Share of those who answered")),
    )


def _texts(item: ItemResult, number: int) -> Part:
    return Part(
        f"q{item.question.id}",
        f"{number}. {item.question.text}",
        [Column("text", N_("Answer"))],
        pd.DataFrame({"text": item.texts}, columns=["text"]),
        description=ngettext(
            "%(num)s answer, in random order",
            "%(num)s answers, in random order",
            len(item.texts),
        ),
    )


def session_parts(items: Sequence[ItemResult]) -> list[Part]:
    numbers = {item.question.id: n for n, item in enumerate(items, 1)}
    ratings = [i for i in items if i.question.kind == QuestionKind.LIKERT]
    parts = [_ratings(ratings, numbers)] if ratings else []
    for item in items:
        kind = QuestionKind(item.question.kind)
        if kind == QuestionKind.LIKERT:
            parts.append(_distribution(item, numbers[item.question.id]))
        elif kind == QuestionKind.TEXT:
            parts.append(_texts(item, numbers[item.question.id]))
        else:
            parts.append(_choices(item, numbers[item.question.id]))
    return parts


# ---------------------------------------------------------------------------
# Across sessions
# ---------------------------------------------------------------------------


def _figure_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("sessions", N_("Sessions"), "int"),
        Column("answers", N_("Answers"), "int"),
        Column("response_rate", N_("Response rate"), "percent"),
        *[Column(d.value, DIMENSION_LABELS[d], "decimal") for d in Dimension],
        Column("overall", N_("All ratings"), "decimal"),
    ]


def _row(group: Group, label: str) -> dict[str, object]:
    return {
        "key": group.key,  # not a column: the group's id (a trainer's account, say)
        label: group.label,
        "sessions": group.sessions,
        "answers": group.answers,
        "response_rate": group.response_rate,
        **{
            d.value: group.dimensions[d.value].mean if d.value in group.dimensions else None
            for d in Dimension
        },
        "overall": group.overall.mean,
    }


def breakdown(
    key: str,
    title: str,
    first: Column,
    stats: Sequence[RoundStat],
    group_key: Callable[[RoundStat], object],
    label: Callable[[RoundStat], str],
    *,
    chart: Chart | None = None,
    with_total: bool = True,
) -> Part:
    groups = grouped(stats, group_key, label)
    rows = [_row(g, first.key) for g in groups]
    if with_total and groups:
        rows.append(_row(total(stats, gettext(TOTAL_LABEL)), first.key))
    columns = _figure_columns(first)
    return Part(
        key,
        title,
        columns,
        pd.DataFrame(rows, columns=[*(c.key for c in columns), "key"]),
        description=MEAN_NOTE,
        chart=chart,
    )


def provider_label(stat: RoundStat) -> str:
    label = gettext(PROVIDER_LABELS.get(Provider(stat.provider), stat.provider))
    return f"{label}: {stat.provider_name}" if stat.provider_name else label


def quarter_key(stat: RoundStat) -> str:
    day = to_berlin(stat.ends_at).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def overview_parts(stats: Sequence[RoundStat], *, trainers: bool, sessions: bool) -> list[Part]:
    overall = Chart("hbar", "label", ("overall",), N_("Mean of all ratings"))
    parts = [
        breakdown(
            "courses",
            N_("By course"),
            Column("label", N_("Course")),
            stats,
            lambda s: s.course_id,
            lambda s: f"{s.course_title} ({s.course_code})",
            chart=overall,
        ),
    ]
    if trainers:
        parts.append(
            breakdown(
                "trainers",
                N_("By trainer"),
                Column("label", N_("Trainer")),
                stats,
                lambda s: s.trainer_id or 0,
                lambda s: s.trainer_name or gettext("No trainer"),
                chart=overall,
            )
        )
    parts.append(
        breakdown(
            "providers",
            N_("By provider"),
            Column("label", N_("Provider")),
            stats,
            lambda s: (s.provider, s.provider_name or ""),
            provider_label,
            chart=overall,
        )
    )
    trend = Chart(
        "line", "label", (*(d.value for d in Dimension), "overall"), N_("Means per quarter")
    )
    parts.append(
        breakdown(
            "trend",
            N_("Trend by quarter"),
            Column("label", N_("Quarter")),
            stats,
            quarter_key,
            lambda s: quarter_label(quarter_key(s)),
            chart=trend,
            with_total=False,
        )
    )
    if sessions:
        parts.append(_sessions(stats))
    return parts


SESSION_COLUMNS = [
    Column("course", N_("Course")),
    Column("date", N_("Session"), "date"),
    Column("trainer", N_("Trainer")),
    Column("answers", N_("Answers"), "int"),
    Column("response_rate", N_("Response rate"), "percent"),
    Column("overall", N_("All ratings"), "decimal"),
]


def _sessions(stats: Sequence[RoundStat]) -> Part:
    ordered = sorted(stats, key=lambda s: (s.ends_at, s.round_id), reverse=True)
    rows = [
        {
            "course": s.course_title,
            "date": to_berlin(s.ends_at).date(),
            "trainer": s.trainer_name or "",
            "answers": s.answers,
            "response_rate": s.answers / s.invited if s.invited else None,
            "overall": s.overall.mean,
            "session_id": s.session_id,
        }
        for s in ordered
    ]
    frame = pd.DataFrame(rows, columns=[*(c.key for c in SESSION_COLUMNS), "session_id"])
    return Part("sessions", N_("Released sessions"), SESSION_COLUMNS, frame, description=MEAN_NOTE)
