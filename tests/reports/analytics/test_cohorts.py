"""The cohorts report against loops over the members (progress from
``talent.programmes.progress``) and hand-computed figures for the known data set."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from academy.auth.scope import Scope
from academy.extensions import db as _db
from reports.analytics.cohorts import cohorts_report
from reports.analytics.report_model import WITHHELD, Filters, Part, ReportScope
from talent.programmes.cohort_models import CohortMember
from talent.programmes.models import Cohort, MemberState
from talent.programmes.progress import member_progress
from tests.reports.report_data import TODAY, KnownData, build_known_data

ALL = ReportScope.whole_organisation(1)


@pytest.fixture()
def known(db) -> KnownData:
    return build_known_data()


def rows_by(part: Part) -> dict[str, dict[str, Any]]:
    return {row["cohort"]: row for row in part.frame.to_dict("records")}


def expected_cohorts() -> dict[str, dict[str, Any]]:
    members = [
        m
        for m in _db.session.scalars(select(CohortMember))
        if _db.session.get(Cohort, m.cohort_id).status in ("running", "completed")
    ]
    progress = member_progress(members, TODAY)
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: (
            {"members": 0, "active": 0, "graduated": 0, "dropped_out": 0, "behind": 0}
            | {"percents": []}
        )
    )
    for m in members:
        row = rows[_db.session.get(Cohort, m.cohort_id).name]
        row["members"] += 1
        row["active"] += m.state == MemberState.ACTIVE
        row["graduated"] += m.state == MemberState.GRADUATED
        row["dropped_out"] += m.state == MemberState.DROPPED_OUT
        if m.state != MemberState.DROPPED_OUT:
            row["percents"].append(progress[m.id].percent / 100)
        row["behind"] += m.state == MemberState.ACTIVE and progress[m.id].behind
    return rows


def test_cohorts_match_loops_and_hand_figures(known: KnownData) -> None:
    [part] = cohorts_report(ALL, Filters(), TODAY).parts
    rows = rows_by(part)
    expected = expected_cohorts()
    assert set(rows) == set(expected)
    for name, exp in expected.items():
        row = rows[name]
        for key in ("members", "active", "graduated", "dropped_out", "behind"):
            assert row[key] == exp[key], (name, key)
        assert row["mean_progress"] == pytest.approx(sum(exp["percents"]) / len(exp["percents"]))
        assert not row[WITHHELD]
    running = rows[known.cohorts["running"].name]
    # a_meets 2 of 3 (66 %), b_meets 1 of 3 (33 %), a_self graduated 0 %, a_none dropped out
    assert [running[k] for k in ("members", "active", "graduated", "dropped_out", "behind")] == [
        4,
        2,
        1,
        1,
        2,
    ]
    assert running["mean_progress"] == pytest.approx((0.66 + 0.33 + 0) / 3)
    assert running["starts_on"] == date(2029, 10, 1)
    assert known.cohorts["draft"].name not in rows
    # oldest start first
    assert list(part.frame["cohort"]) == [
        known.cohorts["completed"].name,
        known.cohorts["running"].name,
    ]
    assert part.chart is not None and part.chart.values == ("mean_progress",)


def test_cohorts_period_and_scope(known: KnownData) -> None:
    [part] = cohorts_report(
        ALL, Filters(period_from=date(2029, 6, 1), period_to=date(2029, 12, 31)), TODAY
    ).parts
    assert list(part.frame["cohort"]) == [known.cohorts["running"].name]
    b_only = ReportScope(
        Scope(department_ids=frozenset({known.departments["B"].id, known.departments["B1"].id})),
        False,
        1,
    )
    rows = rows_by(cohorts_report(b_only, Filters(), TODAY).parts[0])
    assert rows[known.cohorts["running"].name]["members"] == 1  # b_meets
    assert rows[known.cohorts["completed"].name]["members"] == 1  # b_ext


def test_small_cohorts_are_withheld(known: KnownData) -> None:
    [part] = cohorts_report(ReportScope.whole_organisation(4), Filters(), TODAY).parts
    rows = rows_by(part)
    running = rows[known.cohorts["running"].name]
    assert running["members"] == 4 and not running[WITHHELD]
    small = rows[known.cohorts["completed"].name]
    assert small[WITHHELD] and small["members"] == 1
    assert all(pd.isna(small[k]) for k in ("active", "graduated", "mean_progress", "behind"))
    assert len(part.notes) == 1 and "4" in part.notes[0]
