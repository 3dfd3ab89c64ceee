"""Report objects built by hand for the export, chart and page tests (independent of the
analytics in ``reports.analytics.catalogue``): every column kind, a withheld row, NA values, a
formula-like text, umlauts and a character outside WinAnsi, and a long individual part."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from reports.analytics.report_model import (
    WITHHELD,
    Chart,
    Column,
    Filters,
    Part,
    Report,
    ReportScope,
)

GENERATED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)  # 10:30 in Berlin


def gaps_part() -> Part:
    """Aggregates per department: one withheld row, an NA mean, a bar chart."""
    frame = pd.DataFrame(
        {
            "department": ["Amt für Digitales", "Bürgeramt", "Kämmerei", "=Formel"],
            "people": pd.array([12, 1234, 3, 7], dtype="Int64"),
            "share_below": [0.125, 0.5, None, 1.0],
            "total_gap": pd.array([14, 2500, pd.NA, 9], dtype="Int64"),
            "mean_gap": [1.1666666, 2.25, None, None],
            WITHHELD: [False, False, True, False],
        }
    )
    return Part(
        key="by_department",
        title="Gaps by department",
        description="People with a target and how far below it they are.",
        columns=[
            Column("department", "Department", "text"),
            Column("people", "People with a target", "int"),
            Column("share_below", "Share below target", "percent"),
            Column("total_gap", "Total gap", "int"),
            Column("mean_gap", "Mean gap", "decimal"),
        ],
        frame=frame,
        chart=Chart("hbar", "department", ("share_below",), "Share below target"),
        notes=["1 group withheld: fewer than 5 people"],
    )


def demand_part() -> Part:
    """Dates and a vertical bar chart with two series."""
    frame = pd.DataFrame(
        {
            "course": ["Scrum kompakt", "E-Akte Grundlagen", "IT-Sicherheit"],
            "next_session": [date(2025, 4, 1), None, date(2025, 12, 31)],
            "waitlisted": [8, 0, 21],
            "expired": [2, 1, 0],
        }
    )
    return Part(
        key="per_course",
        title="Unmet demand per course",
        description=None,
        columns=[
            Column("course", "Course", "text"),
            Column("next_session", "Next session", "date"),
            Column("waitlisted", "Waitlisted now", "int"),
            Column("expired", "Expired requests", "int"),
        ],
        frame=frame,
        chart=Chart("bar", "course", ("waitlisted", "expired"), "Waitlist and expired requests"),
    )


def trend_part() -> Part:
    frame = pd.DataFrame(
        {
            "quarter": ["2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4"],
            "ue": [120.5, 340.0, 1280.25, 990.0],
            "completions": [10, 25, 80, 61],
        }
    )
    return Part(
        key="by_quarter",
        title="Trends by quarter",
        description="UE delivered and completions per quarter.",
        columns=[
            Column("quarter", "Quarter", "text"),
            Column("ue", "UE delivered", "decimal"),
            Column("completions", "Completions", "int"),
        ],
        frame=frame,
        chart=Chart("line", "quarter", ("ue", "completions"), "UE and completions"),
    )


def people_part(count: int = 120, first_id: int = 1000) -> Part:
    """Individual rows (one per person), many columns: the matrix shape."""
    ids = list(range(first_id, first_id + count))
    frame = pd.DataFrame(
        {
            "employee_id": ids,
            "name": [f"Łukasz Weiß-{i}" if i == first_id else f"Müller, Jörg {i}" for i in ids],
            "department": ["Bürgeramt"] * count,
            **{f"c{n}": [(i + n) % 5 for i in ids] for n in range(1, 13)},
        }
    )
    return Part(
        key="people",
        title="Current level per person",
        description="One row per person.",
        columns=[
            Column("name", "Person", "text"),
            Column("department", "Department", "text"),
            *(Column(f"c{n}", f"1.{n} Competence {n}", "int") for n in range(1, 13)),
        ],
        frame=frame,
        individual=True,
        people_shown=ids,
    )


def aggregate_report(key: str = "gaps") -> Report:
    return Report(
        key=key,
        title="Skill gaps",
        filters=Filters(period_from=date(2024, 1, 1), period_to=date(2024, 12, 31)),
        scope=ReportScope.whole_organisation(5),
        parts=[gaps_part(), demand_part(), trend_part()],
        generated_at=GENERATED,
    )


def individual_report(count: int = 120, first_id: int = 1000, key: str = "matrix") -> Report:
    return Report(
        key=key,
        title="Competency matrix",
        filters=Filters(),
        scope=ReportScope.whole_organisation(5),
        parts=[people_part(count, first_id)],
        generated_at=GENERATED,
    )


def empty_report() -> Report:
    part = gaps_part()
    part.frame = part.frame.iloc[0:0]
    return Report(
        "gaps", "Skill gaps", Filters(), ReportScope.whole_organisation(5), [part], GENERATED
    )
