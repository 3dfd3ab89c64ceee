"""The fairness view of a selection: bands, primary and secondary suppression, and who
may open it (staff council and HR only)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from academy.accounts.models import Role
from talent.programmes.fairness import (
    FULL_TIME,
    PART_TIME,
    PAY_BANDS,
    UNKNOWN,
    fairness,
    pay_band,
    service_band,
    suppress,
    working_time,
)
from talent.programmes.models import ApplicationState
from tests import factories
from tests.talent import programme_factories as pf


@pytest.mark.parametrize(
    ("pay_group", "band"),
    [
        ("E 5", 0),
        ("EG 8", 0),
        ("A 7", 0),
        ("E 9a", 1),
        ("E 12", 1),
        ("A 11", 1),
        ("E 13", 2),
        ("E15Ü", 2),
        ("A 16", 2),
        ("B 3", None),
        (None, None),
        ("", None),
    ],
)
def test_pay_bands(pay_group, band):
    assert pay_band(pay_group) == (UNKNOWN if band is None else PAY_BANDS[band])


def test_service_bands():
    on = date(2026, 3, 1)
    assert service_band(date(2025, 3, 2), on) == "under 2 years"
    assert service_band(date(2021, 3, 1), on) == "5 to under 10 years"
    assert service_band(date(2000, 1, 1), on) == "20 years and more"
    assert service_band(None, on) == UNKNOWN


def test_a_single_withheld_cell_takes_a_second_one_with_it():
    cells, total = suppress({"a": 12, "b": 3, "c": 7, "d": 0}, 5)
    assert [g for g, c in cells.items() if c.withheld] == ["b", "c"]
    assert not total.withheld and total.value == 22
    cells, total = suppress({"a": 2, "b": 1}, 5)
    assert total.withheld and all(c.withheld for c in cells.values())


@pytest.mark.parametrize("seed", range(30))
def test_no_withheld_cell_follows_from_the_total(seed):
    import random

    rng = random.Random(seed)
    counts = {str(i): rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14]) for i in range(rng.randint(1, 7))}
    cells, total = suppress(counts, 5)
    withheld = [g for g, c in cells.items() if c.withheld]
    if total.withheld:
        return
    assert len(withheld) != 1  # one unknown cell would be total minus the shown ones
    for g in withheld:  # more than one value fits
        rest = total.value - sum(c.value for c in cells.values() if not c.withheld)
        candidates = {
            combo[withheld.index(g)]
            for combo in itertools.product(range(1, rest + 1), repeat=len(withheld))
            if sum(combo) == rest
        }
        assert len(candidates) > 1


def test_fairness_of_a_cohort(app, db):
    cohort = pf.cohort()
    big, small = factories.department(name="Bürgeramt"), factories.department(name="Kämmerei")
    for i in range(8):
        person = factories.employee(big, pay_group="E 9a", entry_date=date(2010, 1, 1))
        state = ApplicationState.ACCEPTED if i < 5 else ApplicationState.SUBMITTED
        pf.application(cohort, person, state=state, proposed=i < 5)
    for _ in range(2):
        person = factories.employee(small, pay_group="A 13", entry_date=None)
        pf.application(cohort, person)
    pf.application(cohort, factories.employee(small), state=ApplicationState.WITHDRAWN)
    view = fairness(cohort)
    department, pay, service, work = view.breakdowns
    assert department.totals["applicants"].value == 10
    assert department.cells["Kämmerei"]["applicants"].withheld
    assert department.cells["Bürgeramt"]["applicants"].withheld  # secondary
    assert department.cells["Bürgeramt"]["accepted"].value == 5
    assert not department.cells["Bürgeramt"]["accepted"].withheld
    assert pay.cells[PAY_BANDS[2]]["applicants"].withheld
    assert service.cells[UNKNOWN]["applicants"].withheld
    assert work.groups == [UNKNOWN]  # no working time imported for anyone
    assert work.totals["applicants"].value == 10


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COUNCIL, 200),
        (Role.HR, 200),
        (Role.ADMIN, 403),
        (Role.TRAINER, 403),
        (Role.EMPLOYEE, 403),
    ],
)
def test_only_council_and_hr_open_the_fairness_view(client, login_as, role, status):
    cohort = pf.cohort()
    login_as(role)
    response = client.get(f"/talente/auswahl/{cohort.id}/fairness")
    assert response.status_code == status
    if status == 200:
        assert "Arbeitszeit" in response.text and "Beschäftigungsumfang" in response.text


def test_working_time_is_a_breakdown_of_its_own(db):
    """Full-time (100 %), part-time (1–99 %) and unknown (never imported), with the same
    suppression as the other breakdowns."""
    cohort = pf.cohort()
    unit = factories.department(name="Bürgeramt")
    for percent in [100] * 6 + [50, 75, 80, 90, 60] + [None] * 2:
        pf.application(cohort, factories.employee(unit, employment_percent=percent))
    work = fairness(cohort).breakdowns[3]
    assert work.groups == [FULL_TIME, PART_TIME, UNKNOWN]
    assert work.cells[FULL_TIME]["applicants"].value == 6
    assert work.cells[PART_TIME]["applicants"].value == 5
    assert work.cells[UNKNOWN]["applicants"].withheld  # 2 people
    assert work.cells[PART_TIME]["applicants"].withheld  # would give the 2 away
    assert not work.cells[FULL_TIME]["applicants"].withheld
    assert [working_time(p) for p in (100, 99, 1, None, 0, 150)] == [
        FULL_TIME,
        PART_TIME,
        PART_TIME,
        UNKNOWN,
        UNKNOWN,
        UNKNOWN,
    ]
