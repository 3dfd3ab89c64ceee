"""Eligibility for fast-track cohorts: career stage only (years of service counted on the
close of applications, pay group, job role), employed, not already in the programme, one
undecided application per programme at a time — never age."""

from __future__ import annotations

import inspect
from datetime import date, timedelta

import pytest

from academy.org.models import Employee
from talent.programmes import eligibility
from talent.programmes.eligibility import (
    GRADUATE,
    INACTIVE,
    JOB_ROLE,
    MEMBER,
    NO_ENTRY_DATE,
    NO_PAY_GROUP,
    PAY_GROUP,
    PENDING_ELSEWHERE,
    TOO_FEW_YEARS,
    TOO_MANY_YEARS,
    ineligibility,
    normalise_pay_group,
    open_cohorts_for,
    service_years,
)
from talent.programmes.models import ApplicationState, CohortStatus, MemberState
from tests.querycount import count_queries
from tests.talent import programme_factories as pf

TODAY = pf.TODAY


def messages(reasons: list) -> list[str]:
    return [r.message for r in reasons]


def own(texts: tuple[str, str]) -> str:
    return texts[0]


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


# ---------------------------------------------------------------------------
# Years of service
# ---------------------------------------------------------------------------


def test_service_years_counts_whole_years_and_needs_an_entry_date(db, make):
    emp = make.employee(entry_date=date(2020, 6, 15))
    assert service_years(emp, date(2030, 6, 14)) == 9
    assert service_years(emp, date(2030, 6, 15)) == 10
    emp.entry_date = None
    assert service_years(emp, date(2030, 6, 15)) is None


def test_minimum_years_boundary_on_the_close_date(db, make):
    cohort = pf.cohort(min_service_years=3)
    close = cohort.applications_close_on
    exactly = make.employee(entry_date=years_before(close, 3))
    one_day_short = make.employee(entry_date=years_before(close, 3) + timedelta(days=1))
    assert ineligibility(exactly, cohort, TODAY) == []
    reasons = ineligibility(one_day_short, cohort, TODAY)
    assert messages(reasons) == [own(TOO_FEW_YEARS)]
    assert reasons[0].params == {"years": 3, "have": 2}


def test_years_are_counted_on_the_close_date_not_today(db, make):
    cohort = pf.cohort(min_service_years=3)
    # Three years only between today and the close of applications.
    emp = make.employee(entry_date=years_before(TODAY, 3) + timedelta(days=5))
    assert service_years(emp, TODAY) == 2
    assert ineligibility(emp, cohort, TODAY) == []


def test_maximum_years_boundary(db, make):
    cohort = pf.cohort(max_service_years=5)
    close = cohort.applications_close_on
    five = make.employee(entry_date=years_before(close, 6) + timedelta(days=1))  # still 5
    on_the_day_six = make.employee(entry_date=years_before(close, 6))
    assert ineligibility(five, cohort, TODAY) == []
    reasons = ineligibility(on_the_day_six, cohort, TODAY)
    assert messages(reasons) == [own(TOO_MANY_YEARS)]
    assert reasons[0].params == {"years": 5, "have": 6}


def test_without_entry_date_years_cannot_be_counted(db, make):
    emp = make.employee(entry_date=None)
    assert messages(ineligibility(emp, pf.cohort(min_service_years=1), TODAY)) == [
        own(NO_ENTRY_DATE)
    ]
    # No rule on years: the entry date does not matter.
    assert ineligibility(emp, pf.cohort(), TODAY) == []


# ---------------------------------------------------------------------------
# Pay group and job role
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("have", ["E 9a", "E9a", "e9A", " E  9a ", "e 9 a"])
def test_pay_group_compared_without_case_and_spaces(db, make, have):
    cohort = pf.cohort(pay_groups=["E 9a", "A 9"])
    assert ineligibility(make.employee(pay_group=have), cohort, TODAY) == []


def test_pay_group_not_listed_or_missing(db, make):
    cohort = pf.cohort(pay_groups=["E 9a", "A 9"])
    reasons = ineligibility(make.employee(pay_group="E 10"), cohort, TODAY)
    assert messages(reasons) == [own(PAY_GROUP)]
    assert reasons[0].params == {"groups": "E 9a, A 9", "have": "E 10"}
    missing = ineligibility(make.employee(pay_group=None), cohort, TODAY)
    assert messages(missing) == [own(NO_PAY_GROUP)]
    assert normalise_pay_group(" E 9a ") == normalise_pay_group("e9A") == "e9a"


def test_empty_pay_group_list_means_any(db, make):
    assert ineligibility(make.employee(pay_group="X 1"), pf.cohort(pay_groups=[]), TODAY) == []


def test_job_roles_listed_or_any(db, make):
    wanted, other = make.job_role("Projektleitung"), make.job_role("Sachbearbeitung")
    cohort = pf.cohort()
    cohort.job_roles = [wanted]
    db.session.flush()
    assert ineligibility(make.employee(job_role_id=wanted.id), cohort, TODAY) == []
    reasons = ineligibility(make.employee(job_role_id=other.id), cohort, TODAY)
    assert messages(reasons) == [own(JOB_ROLE)]
    assert reasons[0].params == {"roles": "Projektleitung"}
    assert messages(ineligibility(make.employee(job_role_id=None), cohort, TODAY)) == [
        own(JOB_ROLE)
    ]
    assert ineligibility(make.employee(job_role_id=other.id), pf.cohort(), TODAY) == []


# ---------------------------------------------------------------------------
# Employment, membership, other applications
# ---------------------------------------------------------------------------


def test_inactive_or_left_people_are_not_eligible(db, make):
    cohort = pf.cohort()
    assert messages(ineligibility(make.employee(active=False), cohort, TODAY)) == [own(INACTIVE)]
    left = make.employee(left_on=TODAY - timedelta(days=1))
    assert messages(ineligibility(left, cohort, TODAY)) == [own(INACTIVE)]


def test_active_member_or_graduate_of_the_programme_is_not_eligible(db, make):
    prog = pf.programme()
    earlier = pf.cohort(prog, status=CohortStatus.RUNNING)
    cohort = pf.cohort(prog)
    active, graduate, dropped = make.employee(), make.employee(), make.employee()
    pf.member(earlier, active)
    pf.member(earlier, graduate).state = MemberState.GRADUATED.value
    pf.member(earlier, dropped).state = MemberState.DROPPED_OUT.value
    db.session.flush()
    assert messages(ineligibility(active, cohort, TODAY)) == [own(MEMBER)]
    assert messages(ineligibility(graduate, cohort, TODAY)) == [own(GRADUATE)]
    assert ineligibility(dropped, cohort, TODAY) == []
    # Another programme is no obstacle.
    assert ineligibility(active, pf.cohort(), TODAY) == []


def test_undecided_application_to_another_intake_blocks(db, make):
    prog = pf.programme()
    first = pf.cohort(prog, status=CohortStatus.SELECTION)
    second = pf.cohort(prog)
    emp = make.employee()
    app = pf.application(first, emp)
    reasons = ineligibility(emp, second, TODAY)
    assert messages(reasons) == [own(PENDING_ELSEWHERE)]
    assert reasons[0].params == {"cohort": first.name}
    # The application to the cohort itself is not "another" one.
    assert ineligibility(emp, first, TODAY) == []
    for state in (ApplicationState.WITHDRAWN, ApplicationState.REJECTED):
        app.state = state.value
        db.session.flush()
        assert ineligibility(emp, second, TODAY) == []
    app.state = ApplicationState.NOMINATED.value
    db.session.flush()
    assert messages(ineligibility(emp, second, TODAY)) == [own(PENDING_ELSEWHERE)]
    first.status = CohortStatus.CANCELLED.value
    db.session.flush()
    assert ineligibility(emp, second, TODAY) == []
    # A pending application in another programme does not matter.
    pf.application(pf.cohort(), emp)
    assert ineligibility(emp, second, TODAY) == []


def test_reasons_about_someone_else_name_them(db, make):
    emp = make.employee(pay_group="E 5", first_name="Ayşe", last_name="Demir")
    reasons = ineligibility(emp, pf.cohort(pay_groups=["E 9a"]), TODAY, about_other=True)
    assert messages(reasons) == [PAY_GROUP[1]]
    assert reasons[0].params["name"] == "Ayşe Demir"


def test_several_reasons_at_once_and_translated_text(app, db, make):
    emp = make.employee(pay_group="E 5", entry_date=TODAY - timedelta(days=100))
    reasons = ineligibility(emp, pf.cohort(min_service_years=2, pay_groups=["E 9a"]), TODAY)
    assert messages(reasons) == [own(TOO_FEW_YEARS), own(PAY_GROUP)]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = str(reasons[0])
    assert "2" in text and "0" in text and "%(" not in text


# ---------------------------------------------------------------------------
# Never age
# ---------------------------------------------------------------------------


def test_there_is_no_birth_date_and_the_rules_never_read_one(db, make):
    columns = {c.name for c in Employee.__table__.columns}
    assert not {c for c in columns if "birth" in c or c in {"age", "dob", "born_on"}}
    source = inspect.getsource(eligibility).lower()
    code = source.split('"""', 2)[2]  # past the module docstring, which explains the rule
    assert "birth" not in code and ".age" not in code


def test_result_depends_on_career_stage_only(db, make):
    """Two people with the same entry date, pay group and job role get the same answer,
    whatever else differs (names, personnel numbers, departments, when they were
    recorded)."""
    cohort = pf.cohort(min_service_years=2, max_service_years=10, pay_groups=["E 9b"])
    a = make.employee(entry_date=date(2021, 1, 1), first_name="Anna")
    b = make.employee(make.department(), entry_date=date(2021, 1, 1), first_name="Bernd")
    assert ineligibility(a, cohort, TODAY) == ineligibility(b, cohort, TODAY) == []
    b.entry_date = date(2029, 1, 1)
    assert messages(ineligibility(b, cohort, TODAY)) == [own(TOO_FEW_YEARS)]


# ---------------------------------------------------------------------------
# Open cohorts
# ---------------------------------------------------------------------------


def test_open_cohorts_for_lists_open_cohorts_within_the_window(db, make):
    emp = make.employee(pay_group="E 9b")
    fits = pf.cohort()
    not_eligible = pf.cohort(pay_groups=["A 13"])
    pf.cohort(status=CohortStatus.DRAFT)
    pf.cohort(status=CohortStatus.SELECTION)
    pf.cohort(opens=TODAY + timedelta(days=1), closes=TODAY + timedelta(days=20))
    pf.cohort(opens=TODAY - timedelta(days=20), closes=TODAY - timedelta(days=1))
    last_day = pf.cohort(opens=TODAY - timedelta(days=20), closes=TODAY)
    listed = open_cohorts_for(emp, TODAY)
    by_id = {c.id: r for c, r in listed}
    assert set(by_id) == {fits.id, not_eligible.id, last_day.id}
    assert by_id[fits.id] == [] and by_id[last_day.id] == []
    assert messages(by_id[not_eligible.id]) == [own(PAY_GROUP)]
    assert listed[0][0].id == last_day.id  # closing soonest first


def test_open_cohorts_for_query_count_does_not_grow(db, make):
    emp = make.employee()
    role = make.job_role()

    def load() -> int:
        db.session.expire_all()
        with count_queries(db.engine) as queries:
            for cohort, _reasons in open_cohorts_for(emp, TODAY):
                _ = (cohort.programme.title, [r.title for r in cohort.job_roles])
        return queries.count

    def add() -> None:
        prog = pf.programme()
        cohort = pf.cohort(prog)
        cohort.job_roles = [role]
        pf.application(pf.cohort(prog, status=CohortStatus.SELECTION), emp)
        pf.member(pf.cohort(prog, status=CohortStatus.RUNNING), make.employee())
        db.session.flush()

    add()
    one = load()
    for _ in range(4):
        add()
    assert load() == one
