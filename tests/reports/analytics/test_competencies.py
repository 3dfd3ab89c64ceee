"""The matrix and the gaps report against independent figures: ``talent.competencies.levels`` per
person and plain Python loops over the ORM rows, plus hand-computed constants for the
known data set (tests/reports/report_data.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from academy.auth.scope import Scope
from academy.extensions import db as _db
from academy.frameworks.models import Competence
from academy.i18n import translate
from academy.org.models import Department, Employee, JobRole
from reports.analytics.common import TOTAL_LABEL
from reports.analytics.gaps import gaps_report
from reports.analytics.matrix import matrix_report
from reports.analytics.report_model import WITHHELD, Filters, Part, ReportScope
from talent.competencies.levels import levels_for
from tests.reports.report_data import TODAY, KnownData, build_known_data

ALL = ReportScope.whole_organisation(1)


def rows_by(part: Part, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in part.frame.to_dict("records")}


def plain(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


def expected_gaps(area_id: int | None = None, department_ids: set[int] | None = None):
    """Per department label / job role title / competence label and in total:
    (people with a target, people below target, total gap), by loops."""
    employees = [
        e
        for e in _db.session.scalars(select(Employee))
        if e.active and (department_ids is None or e.department_id in department_ids)
    ]
    levels = levels_for([e.id for e in employees], None, TODAY)
    in_area = {
        c.id for c in _db.session.scalars(select(Competence)) if area_id in (None, c.area_id)
    }
    by: dict[str, dict[str, list[int]]] = {
        k: defaultdict(lambda: [0, 0, 0]) for k in ("department", "role", "competence")
    }
    total = [0, 0, 0]
    for emp in employees:
        mine = {
            c: lv
            for (e, c), lv in levels.items()
            if e == emp.id and lv.target is not None and c in in_area
        }
        if not mine:
            continue
        below = any(lv.gap > 0 for lv in mine.values())
        gap = sum(lv.gap for lv in mine.values())
        dept = _db.session.get(Department, emp.department_id)
        role = _db.session.get(JobRole, emp.job_role_id)
        for key, label in (("department", f"{dept.code} {dept.name}"), ("role", role.title)):
            row = by[key][label]
            row[0] += 1
            row[1] += int(below)
            row[2] += gap
        total[0] += 1
        total[1] += int(below)
        total[2] += gap
        for c, lv in mine.items():
            comp = _db.session.get(Competence, c)
            row = by["competence"][f"{comp.code} {comp.name_de}"]
            row[0] += 1
            row[1] += int(lv.gap > 0)
            row[2] += lv.gap
    return by, total


def total_label() -> str:
    return translate(TOTAL_LABEL)


def figures(row: dict[str, Any]) -> list[int]:
    return [int(row["with_target"]), int(row["below_target"]), int(row["total_gap"])]


def check_part(part: Part, expected: dict[str, list[int]], total: list[int]) -> None:
    rows = rows_by(part, "group")
    total_row = rows.pop(total_label())
    assert {label: figures(row) for label, row in rows.items()} == dict(expected)
    assert figures(total_row) == total
    for row in [*rows.values(), total_row]:
        assert row["below_share"] == pytest.approx(row["below_target"] / row["with_target"])
        assert row["mean_gap"] == pytest.approx(row["total_gap"] / row["with_target"])
        assert not row[WITHHELD]


@pytest.fixture()
def known(db) -> KnownData:
    return build_known_data()


def label(dept: Department) -> str:
    return f"{dept.code} {dept.name}"


def test_gaps_match_independent_figures(known: KnownData) -> None:
    report = gaps_report(ALL, Filters(), TODAY)
    assert [p.key for p in report.parts] == ["by_department", "by_job_role", "by_competence"]
    expected, total = expected_gaps()
    for part, key in zip(report.parts, ("department", "role", "competence"), strict=True):
        check_part(part, expected[key], total)
        assert part.chart is not None and part.chart.values == ("below_share",)
        assert not part.individual and not part.notes


def test_gaps_hand_computed(known: KnownData) -> None:
    report = gaps_report(ALL, Filters(), TODAY)
    d = known.departments
    by_dept = {k: figures(v) for k, v in rows_by(report.parts[0], "group").items()}
    assert by_dept[label(d["A"])] == [4, 3, 10]
    assert by_dept[label(d["A1"])] == [2, 2, 3]
    assert by_dept[label(d["B"])] == [2, 1, 1]
    assert by_dept[label(d["B1"])] == [2, 2, 5]
    by_role = {k: figures(v) for k, v in rows_by(report.parts[1], "group").items()}
    assert by_role["Rolle R1"] == [6, 5, 12]
    assert by_role["Rolle R2"] == [4, 3, 7]
    assert "Rolle R3" not in by_role  # no target profile
    c = known.competences
    by_comp = {k: figures(v) for k, v in rows_by(report.parts[2], "group").items()}
    assert by_comp[f"{c['C1'].code} {c['C1'].name_de}"] == [10, 4, 9]
    assert by_comp[f"{c['C2'].code} {c['C2'].name_de}"] == [6, 4, 7]
    assert by_comp[f"{c['C3'].code} {c['C3'].name_de}"] == [4, 3, 3]
    total = report.parts[0].frame.iloc[-1]
    assert [int(total["with_target"]), int(total["below_target"]), int(total["total_gap"])] == [
        10,
        8,
        19,
    ]
    # departments in tree order: A, A1, B, B1
    assert list(report.parts[0].frame["group"])[:4] == [
        label(d["A"]),
        label(d["A1"]),
        label(d["B"]),
        label(d["B1"]),
    ]


def test_gaps_area_filter(known: KnownData) -> None:
    area = known.areas["X"]
    report = gaps_report(ALL, Filters(area_id=area.id), TODAY)
    expected, total = expected_gaps(area_id=area.id)
    for part, key in zip(report.parts, ("department", "role", "competence"), strict=True):
        check_part(part, expected[key], total)
    assert figures(rows_by(report.parts[0], "group")[label(known.departments["A"])]) == [4, 3, 9]
    c3 = known.competences["C3"]
    assert f"{c3.code} {c3.name_de}" not in rows_by(report.parts[2], "group")


def test_gaps_department_and_role_filter(known: KnownData) -> None:
    a = known.departments["A"]
    report = gaps_report(ALL, Filters(department_id=a.id), TODAY)
    subtree = {known.departments["A"].id, known.departments["A1"].id}
    expected, total = expected_gaps(department_ids=subtree)
    for part, key in zip(report.parts, ("department", "role", "competence"), strict=True):
        check_part(part, expected[key], total)
    assert set(rows_by(report.parts[0], "group")) == {
        label(a),
        label(known.departments["A1"]),
        total_label(),
    }

    report = gaps_report(ALL, Filters(job_role_id=known.roles["R2"].id), TODAY)
    by_role = rows_by(report.parts[1], "group")
    assert set(by_role) == {"Rolle R2", total_label()}
    assert figures(report.parts[0].frame.iloc[-1]) == [4, 3, 7]


def test_matrix_cells_match_levels_for(known: KnownData) -> None:
    report = matrix_report(ALL, Filters(), TODAY)
    [part] = report.parts
    assert part.individual and part.chart is None
    active = [e for e in _db.session.scalars(select(Employee)) if e.active]
    assert sorted(part.people_shown) == sorted(e.id for e in active)
    assert len(part.frame) == len(active) == 11
    assert list(part.frame.columns) == [c.key for c in part.columns]
    comp_ids = [int(c.key[1:].split("_")[0]) for c in part.columns if c.key.endswith("_current")]
    c = known.competences
    assert comp_ids == [c["C1"].id, c["C2"].id, c["C3"].id]
    by_no = {e.personnel_no: e for e in active}
    levels = levels_for([e.id for e in active], comp_ids, TODAY)
    for row in part.frame.to_dict("records"):
        emp = by_no[row["personnel_no"]]
        assert row["name"] == f"{emp.last_name}, {emp.first_name}"
        for comp_id in comp_ids:
            level = levels[(emp.id, comp_id)]
            assert plain(row[f"c{comp_id}_current"]) == level.current
            assert plain(row[f"c{comp_id}_target"]) == level.target
            assert plain(row[f"c{comp_id}_gap"]) == (level.gap if level.target else None)


def test_matrix_hand_computed_cells(known: KnownData) -> None:
    frame = matrix_report(ALL, Filters(), TODAY).parts[0].frame
    rows = {r["name"].split(", ")[1]: r for r in frame.to_dict("records")}
    c1, c2, c3 = (known.competences[k].id for k in ("C1", "C2", "C3"))
    assert [plain(rows["a1_mapped"][f"c{c1}_{k}"]) for k in ("current", "target", "gap")] == [
        2,
        2,
        0,
    ]
    assert [plain(rows["a_self"][f"c{c1}_{k}"]) for k in ("current", "target", "gap")] == [1, 3, 2]
    assert [plain(rows["a_expired"][f"c{c1}_{k}"]) for k in ("current", "target", "gap")] == [
        None,
        2,
        2,
    ]
    assert [plain(rows["a_meets"][f"c{c1}_{k}"]) for k in ("current", "target", "gap")] == [
        3,
        3,
        0,
    ]
    assert plain(rows["a1_related"][f"c{c2}_current"]) is None  # "related" does not count
    assert plain(rows["b1_headhigh"][f"c{c1}_current"]) == 5
    assert [plain(rows["a_norole"][f"c{c3}_{k}"]) for k in ("current", "target", "gap")] == [
        None,
        None,
        None,
    ]
    assert "a_left" not in rows


def test_matrix_area_filter_limits_competences(known: KnownData) -> None:
    part = matrix_report(ALL, Filters(area_id=known.areas["Y"].id), TODAY).parts[0]
    comp_keys = [c.key for c in part.columns if c.key.startswith("c")]
    c3 = known.competences["C3"].id
    assert comp_keys == [f"c{c3}_current", f"c{c3}_target", f"c{c3}_gap"]


def test_matrix_of_a_department_outside_the_scope_is_empty(known: KnownData) -> None:
    scope = ReportScope(
        Scope(department_ids=frozenset({known.departments["A"].id, known.departments["A1"].id})),
        False,
        1,
    )
    part = matrix_report(scope, Filters(department_id=known.departments["B"].id), TODAY).parts[0]
    assert part.frame.empty and part.people_shown == []
    part = matrix_report(scope, Filters(), TODAY).parts[0]
    assert len(part.frame) == 7  # A and A1 without the inactive a_left
