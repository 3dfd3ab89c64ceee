"""The fairness view of a selection cannot be undone by subtraction: no withheld count
follows from the shown counts and totals of all four breakdowns (department, pay group,
years of service, working time) and all three nested measures (applicants ⊇ proposed ⊇
accepted).

Random applicant populations; every figure is written as a linear form over the finest
non-empty cells (department × pay group × years of service × working time × not
proposed / proposed, not accepted / accepted — conservative: an attacker may know which
combinations exist), and exact rational elimination (``RowSpace``) proves that no
withheld figure is in the row space of the shown ones.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from academy.statistics.rowspace import RowSpace
from talent.programmes.fairness import (
    FULL_TIME,
    PART_TIME,
    PAY_BANDS,
    SERVICE_BANDS,
    SERVICE_LONGEST,
    UNKNOWN,
    Breakdown,
    Cell,
    breakdowns,
    fairness,
)
from talent.programmes.models import ApplicationState
from tests import factories
from tests.talent import programme_factories as pf

MINIMUM = 5
DEPARTMENTS = ["Bürgeramt", "Kämmerei", "Ordnungsamt", "Schulamt"]
PAYS = [*PAY_BANDS, UNKNOWN]
SERVICES = [*(label for _, label in SERVICE_BANDS), SERVICE_LONGEST, UNKNOWN]
WORK = [FULL_TIME, PART_TIME, UNKNOWN]
F = FULL_TIME
#: The finest states each measure counts (written out here, not taken from the module).
MEASURES = {
    "applicants": {"applied", "proposed", "accepted"},
    "proposed": {"proposed", "accepted"},
    "accepted": {"accepted"},
}

person = st.tuples(
    st.sampled_from(DEPARTMENTS),
    st.sampled_from(PAYS),
    st.sampled_from(SERVICES),
    st.sampled_from([FULL_TIME, FULL_TIME, PART_TIME, UNKNOWN]),
    st.sampled_from(["applied", "applied", "proposed", "accepted"]),
)
#: Scattered people, or a few larger groups of alike people (a typical cohort: some
#: departments and pay groups with many applicants, some with one or two).
scattered = st.lists(person, max_size=45)
clustered = st.lists(st.tuples(person, st.integers(1, 9)), min_size=1, max_size=9).map(
    lambda groups: [p for p, n in groups for _ in range(n)]
)
#: Under per-column suppression alone, Kämmerei's two applicants were withheld and yet
#: the pay group E 1–E 8 minus the service band "under 2 years" gave them away.
LEAK = (
    [("Bürgeramt", PAYS[0], SERVICES[0], F, "applied")] * 5
    + [("Bürgeramt", PAYS[2], SERVICES[3], F, "accepted")] * 5
    + [("Kämmerei", PAYS[0], SERVICES[2], F, "applied")] * 2
    + [("Ordnungsamt", PAYS[2], SERVICES[4], F, "proposed")] * 3
)


def assert_nothing_derivable(tables: list[Breakdown], people: list[tuple]) -> None:
    finest = set(people)
    figures = []  # (shown, vector, where)
    for b, table in enumerate(tables):
        present = Counter(p[b] for p in people)
        assert table.groups == [g for g in table.groups if present[g]]
        assert set(table.groups) == set(present)
        for m, states in MEASURES.items():
            total = table.totals[m]
            assert total.value == sum(p[4] in states for p in people)
            assert total.withheld == tables[0].totals[m].withheld  # one figure, four places
            figures.append((not total.withheld, {c: 1 for c in finest if c[4] in states}, m))
            column = []
            for g in table.groups:
                cell = table.cells[g][m]
                assert cell.value == sum(p[b] == g and p[4] in states for p in people)
                assert cell.withheld or not 0 < cell.value < MINIMUM, (table.title, g, m)
                vector = {c: 1 for c in finest if c[b] == g and c[4] in states}
                figures.append((not cell.withheld, vector, (table.title, g, m)))
                column += [cell.value] if cell.withheld else []
            if not total.withheld and column:  # the withheld ones are total minus shown
                assert len(column) > 1 and sum(column) >= MINIMUM, (table.title, m)
    space = RowSpace()
    for index, (shown, vector, _where) in enumerate(figures):
        if shown and vector:
            space.add(vector, tag=index)
    for shown, vector, where in figures:
        if not shown:
            combination = space.combination(vector)
            assert combination is None, (
                f"withheld {where} = combination of {[figures[i][2] for i in combination]}"
            )


@settings(max_examples=60, deadline=None)
@given(st.one_of(clustered, scattered))
@example(LEAK)
def test_no_withheld_count_is_derivable(people: list[tuple]) -> None:
    assert_nothing_derivable(breakdowns(people, MINIMUM), people)


def test_a_typical_cohort_still_shows_its_large_groups() -> None:
    people = (
        [("Bürgeramt", PAYS[1], SERVICES[2], F, "accepted")] * 4
        + [("Bürgeramt", PAYS[1], SERVICES[3], F, "proposed")] * 2
        + [("Bürgeramt", PAYS[0], SERVICES[1], F, "applied")] * 3
        + [("Bürgeramt", PAYS[1], SERVICES[2], F, "applied")] * 3
        + [("Kämmerei", PAYS[2], SERVICES[3], F, "accepted")] * 3
        + [("Kämmerei", PAYS[1], SERVICES[1], F, "applied")] * 4
        + [("Kämmerei", PAYS[1], SERVICES[3], F, "applied")] * 3
        + [("Schulamt", PAYS[1], SERVICES[2], F, "accepted")] * 2
        + [("Schulamt", PAYS[0], SERVICES[1], F, "proposed")]
        + [("Schulamt", PAYS[0], SERVICES[2], F, "applied")] * 3
        + [("Schulamt", PAYS[1], SERVICES[0], F, "applied")] * 3
        + [("Ordnungsamt", PAYS[1], SERVICES[1], F, "applied")] * 3
    )
    department, pay, service, work = tables = breakdowns(people, MINIMUM)
    assert_nothing_derivable(tables, people)
    assert [department.totals[m].value for m in MEASURES] == [34, 12, 9]
    assert not any(department.totals[m].withheld for m in MEASURES)
    shown = [
        (department, "Bürgeramt", "applicants", 12),
        (department, "Bürgeramt", "proposed", 6),
        (department, "Kämmerei", "applicants", 10),
        (pay, PAYS[1], "applicants", 24),
        (service, SERVICES[1], "applicants", 11),
        (service, SERVICES[2], "applicants", 12),
    ]
    for table, group, measure, value in shown:
        assert table.cells[group][measure] == Cell(value, withheld=False)
    assert department.cells["Schulamt"]["applicants"].withheld  # 9, but gives Ordnungsamt
    assert work.groups == [FULL_TIME]
    assert work.cells[FULL_TIME]["applicants"] == Cell(34, withheld=False)


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.just(LEAK))
@pytest.mark.usefixtures("db")
def test_the_view_of_a_cohort_holds(people: list[tuple]) -> None:
    """Through the database: the people of ``LEAK`` apply to a cohort."""
    cohort = pf.cohort(closes=date(2030, 3, 31))
    pays = {PAYS[0]: "E 5", PAYS[1]: "E 11", PAYS[2]: "A 14", UNKNOWN: None}
    entries = {
        SERVICES[0]: date(2029, 6, 1),
        SERVICES[2]: date(2022, 1, 1),
        SERVICES[3]: date(2015, 1, 1),
        SERVICES[4]: date(2000, 1, 1),
    }
    units = {name: factories.department(name=name) for name in {p[0] for p in people}}
    states = {
        "applied": (ApplicationState.SUBMITTED, False),
        "proposed": (ApplicationState.REJECTED, True),
        "accepted": (ApplicationState.ACCEPTED, True),
    }
    percents = {FULL_TIME: 100, PART_TIME: 60, UNKNOWN: None}
    for unit, pay, service, working, state in people:
        employee = factories.employee(
            units[unit],
            pay_group=pays[pay],
            entry_date=entries[service],
            employment_percent=percents[working],
        )
        pf.application(cohort, employee, state=states[state][0], proposed=states[state][1])
    view = fairness(cohort)
    assert_nothing_derivable(view.breakdowns, people)
