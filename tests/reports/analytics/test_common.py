"""Helpers of the reports: quarters, periods in Berlin time, the minimum group size."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from reports.analytics.common import (
    berlin_days,
    name_order,
    period_bounds,
    quarter_end,
    quarter_key,
    quarter_keys,
    quarter_label,
    quarter_start,
    quarters_between,
    ratio,
    withhold,
)
from reports.analytics.report_model import WITHHELD, Filters


def test_quarters() -> None:
    assert quarter_key(date(2026, 8, 1)) == "2026-Q3"
    assert quarter_key(date(2026, 12, 31)) == "2026-Q4"
    assert quarter_label("2026-Q3") == "Q3 2026"
    assert quarter_start("2026-Q4") == date(2026, 10, 1)
    assert quarter_end("2026-Q4") == date(2026, 12, 31)
    assert quarter_end("2027-Q1") == date(2027, 3, 31)
    assert quarters_between(date(2025, 11, 5), date(2026, 4, 1)) == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    assert quarters_between(date(2026, 4, 1), date(2026, 1, 1)) == []
    days = pd.Series(pd.to_datetime(["2026-03-31", "2026-04-01"]))
    assert list(quarter_keys(days)) == ["2026-Q1", "2026-Q2"]


def test_berlin_days_and_period_bounds() -> None:
    # 31 March 2026, 22:30 UTC is already 1 April in Berlin (summer time)
    stamps = pd.Series([datetime(2026, 3, 31, 22, 30, tzinfo=UTC), None])
    days = berlin_days(stamps)
    assert days.iloc[0] == pd.Timestamp("2026-04-01") and pd.isna(days.iloc[1])
    start, end = period_bounds(Filters(period_from=date(2026, 1, 1), period_to=date(2026, 6, 30)))
    assert start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert period_bounds(Filters()) == (None, None)


def test_withhold_small_groups_but_not_empty_ones() -> None:
    frame = pd.DataFrame({"size": [0, 4, 5], "figure": [0, 7, 9]})
    assert withhold(frame, "size", ["figure"], 5) == 1
    assert list(frame[WITHHELD]) == [False, True, False]
    assert frame["figure"].iloc[0] == 0 and frame["figure"].iloc[1] is None
    assert frame["figure"].iloc[2] == 9


def test_ratio_is_na_without_denominator() -> None:
    result = ratio(pd.Series([1, 2, 3]), pd.Series([2, 0, None]))
    assert result.iloc[0] == pytest.approx(0.5)
    assert pd.isna(result.iloc[1]) and pd.isna(result.iloc[2])


def test_names_in_german_dictionary_order() -> None:
    last = pd.Series(["Zimmer", "Öztürk", "Ober", "Müller", "Mueller"])
    first = pd.Series(["Anna", "Ali", "Bea", "Jörg", "Jörg"])
    ids = pd.Series([1, 2, 3, 4, 5])
    order = name_order(last, first, ids)
    assert list(last.iloc[order]) == ["Mueller", "Müller", "Ober", "Öztürk", "Zimmer"]
