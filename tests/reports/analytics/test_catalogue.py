"""``reports.analytics.catalogue``: the registry, ``build`` for HR, heads and the staff council,
scoping, the minimum group size and a constant number of statements."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from flask import Flask

from academy.accounts.models import Role
from academy.errors import NotFound, PermissionDenied
from academy.extensions import db as _db
from academy.i18n import translate
from reports.analytics.catalogue import REPORTS, available_reports, build
from reports.analytics.common import TOTAL_LABEL
from reports.analytics.gaps import gaps_report
from reports.analytics.participation import participation_report
from reports.analytics.report_model import WITHHELD, Filters, Part, Report
from tests import factories
from tests.querycount import count_queries
from tests.reports.report_data import TODAY, KnownData, build_known_data
from tests.talent import factories as tf

KEYS = ["matrix", "gaps", "participation", "demand", "cohorts", "compliance", "trends"]
PERIOD = Filters(period_from=date(2029, 1, 1), period_to=date(2030, 3, 31))


def groups(part: Part, column: str) -> set[str]:
    return set(part.frame[column]) - {translate(TOTAL_LABEL)}


def test_registry() -> None:
    assert list(REPORTS) == KEYS
    for key, definition in REPORTS.items():
        assert definition.key == key and definition.title and definition.description
        assert definition.individual == (key == "matrix")
        assert definition.uses_area == (key in ("matrix", "gaps"))
        assert definition.uses_period == (key in ("participation", "demand", "cohorts", "trends"))


@pytest.mark.parametrize("key", KEYS)
def test_every_report_builds_for_hr(db, key: str) -> None:
    build_known_data()
    report = build(key, factories.user(Role.HR), PERIOD, TODAY)
    assert isinstance(report, Report) and report.key == key and report.parts
    assert report.scope.people.everything and not report.scope.aggregates_only
    for part in report.parts:
        keys = [c.key for c in part.columns]
        assert list(part.frame.columns[: len(keys)]) == keys
        assert set(part.frame.columns) - set(keys) <= {WITHHELD}
        assert not part.frame.empty
        if not part.individual:
            assert part.chart is not None and part.chart.category in keys
            assert set(part.chart.values) <= set(keys)
            assert part.frame[WITHHELD].dtype == bool


def test_unknown_report(db) -> None:
    with pytest.raises(NotFound):
        build("salaries", factories.user(Role.HR), Filters(), TODAY)


def test_council_gets_aggregates_only(db) -> None:
    build_known_data()
    council = factories.user(Role.COUNCIL)
    with pytest.raises(PermissionDenied):
        build("matrix", council, Filters(), TODAY)
    report = build("participation", council, Filters(), TODAY)
    assert report.scope.aggregates_only
    assert [p.key for p in report.parts] == ["by_department"]
    assert not any(p.individual or p.people_shown for p in report.parts)
    for key in KEYS[1:]:
        assert not any(p.individual for p in build(key, council, Filters(), TODAY).parts)
    assert [r.key for r in available_reports(council)] == KEYS[1:]
    assert [r.key for r in available_reports(factories.user(Role.HR))] == KEYS


def test_head_sees_only_the_own_subtree(db) -> None:
    known = build_known_data()
    head = known.head_user
    a, a1, b = (known.departments[k] for k in ("A", "A1", "B"))
    mine = {f"{d.code} {d.name}" for d in (a, a1)}

    gaps = build("gaps", head, Filters(), TODAY)
    assert groups(gaps.parts[0], "group") == mine
    assert gaps.parts[0].frame.iloc[-1]["with_target"] == 6  # A: 4, A1: 2
    participation = build("participation", head, Filters(), TODAY)
    assert groups(participation.parts[1], "department") == mine
    in_a = {e.id for name, emps in known.people.items() for e in emps if name.startswith("a")}
    assert set(participation.parts[0].people_shown) <= in_a
    matrix = build("matrix", head, Filters(), TODAY)
    assert set(matrix.parts[0].people_shown) == in_a - {known.one("a_left").id}
    cohorts = build("cohorts", head, Filters(), TODAY)
    running = cohorts.parts[0].frame.set_index("cohort").loc[known.cohorts["running"].name]
    assert running["members"] == 3  # a_meets, a_self, a_none; not b_meets

    # a department outside the subtree: nothing, never data from outside
    outside = Filters(department_id=b.id)
    for key in KEYS:
        report = build(key, head, outside, TODAY)
        for part in report.parts:
            if key == "gaps":
                assert groups(part, "group") == set()
                assert part.frame.iloc[-1]["with_target"] == 0
            elif key == "participation" and not part.individual:
                assert groups(part, "department") == set()
            else:
                assert part.frame.empty, (key, part.key)
            assert part.people_shown == []
    # a department inside the subtree: only that one
    inner = build("gaps", head, Filters(department_id=a1.id), TODAY)
    assert groups(inner.parts[0], "group") == {f"{a1.code} {a1.name}"}


def test_hr_department_filter_takes_the_subtree(db) -> None:
    known = build_known_data()
    b, b1 = known.departments["B"], known.departments["B1"]
    report = build("gaps", factories.user(Role.HR), Filters(department_id=b.id), TODAY)
    assert groups(report.parts[0], "group") == {f"{b.code} {b.name}", f"{b1.code} {b1.name}"}
    unknown = build("gaps", factories.user(Role.HR), Filters(department_id=999_999), TODAY)
    assert groups(unknown.parts[0], "group") == set()


# ---------------------------------------------------------------------------
# Minimum group size
# ---------------------------------------------------------------------------


def small_and_large(db) -> tuple:
    role = factories.job_role("Rolle M")
    comp = tf.competence()
    tf.target(role, comp, 2)
    four, five = factories.department("Vier"), factories.department("Fünf")
    for dept, size in ((four, 4), (five, 5)):
        for _ in range(size):
            factories.employee(dept, job_role_id=role.id)
    _db.session.flush()
    return four, five


def test_group_of_four_is_withheld_five_is_shown(db, app: Flask) -> None:
    four, five = small_and_large(db)
    app.config["MIN_GROUP_SIZE"] = 5
    report = build("gaps", factories.user(Role.HR), Filters(), TODAY)
    part = report.parts[0]
    rows = part.frame.set_index("group")
    small = rows.loc[f"{four.code} {four.name}"]
    assert bool(small[WITHHELD]) and small["with_target"] == 4
    for figure in ("below_target", "below_share", "total_gap", "mean_gap"):
        assert pd.isna(small[figure])
    large = rows.loc[f"{five.code} {five.name}"]
    assert not large[WITHHELD]
    assert [large["with_target"], large["below_target"], large["total_gap"]] == [5, 5, 10]
    assert len(part.notes) == 1
    assert "2" in part.notes[0] and "5" in part.notes[0]  # the small group and the total
    total = rows.loc[translate(TOTAL_LABEL)]
    # complementary suppression: the total minus "Fünf" would be "Vier"
    assert bool(total[WITHHELD]) and pd.isna(total["total_gap"])

    # the total of a scope of four people is withheld too
    only_four = build("gaps", factories.user(Role.HR), Filters(department_id=four.id), TODAY)
    total = only_four.parts[0].frame.iloc[-1]
    assert bool(total[WITHHELD]) and pd.isna(total["total_gap"])
    assert only_four.parts[0].notes


def test_min_group_applies_to_participation_rows(db) -> None:
    from reports.analytics.report_model import ReportScope

    four, five = small_and_large(db)
    part = participation_report(ReportScope.whole_organisation(5), Filters(), TODAY).parts[1]
    rows = part.frame.set_index("department")
    assert bool(rows.loc[f"{four.code} {four.name}"][WITHHELD])
    assert pd.isna(rows.loc[f"{four.code} {four.name}"]["ue_per_person"])
    assert rows.loc[f"{four.code} {four.name}"]["people"] == 4
    assert not rows.loc[f"{five.code} {five.name}"][WITHHELD]
    assert rows.loc[f"{five.code} {five.name}"]["ue_per_person"] == 0
    shown = gaps_report(ReportScope.whole_organisation(4), Filters(), TODAY).parts[0]
    assert not shown.frame[WITHHELD].any() and not shown.notes


# ---------------------------------------------------------------------------
# A constant number of statements
# ---------------------------------------------------------------------------


def statements(key: str, user, filters: Filters) -> int:
    with count_queries(_db.engine) as queries:
        build(key, user, filters, TODAY)
    return queries.count


@pytest.mark.parametrize("key", KEYS)
def test_build_runs_a_constant_number_of_statements(db, key: str) -> None:
    known: KnownData = build_known_data(copies=1)
    hr = factories.user(Role.HR)
    _db.session.flush()
    filters = Filters(department_id=known.departments["A"].id)
    small = (statements(key, hr, PERIOD), statements(key, hr, filters))
    head_small = statements(key, known.head_user, PERIOD)
    build_known_data(copies=4)
    _db.session.expire_all()
    hr = factories.user(Role.HR)
    large = (statements(key, hr, PERIOD), statements(key, hr, filters))
    assert small == large
    assert statements(key, known.head_user, PERIOD) <= head_small
    assert max(large) <= 8
