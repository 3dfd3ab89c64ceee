"""The demo's budgets and external training (steps ``external`` and ``budgets`` of
``flask academy demo``): every unit with staff has a budget, a cost centre and spending
this year; the ledger agrees with a fresh booking of every enrolment; external requests
exist in every state, the demo head has one to decide and the demo HR account a second
approval to give; the same seed gives the same rows."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.clock import to_berlin, utcnow
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.org.models import Department, Employee
from courses.budgets.ledger import rebuild
from courses.budgets.models import CHARGED, BudgetBooking, TrainingBudget
from courses.enrolment.models import Enrolment
from courses.external.models import ExternalRequest, RequestState
from courses.external.queries import decider_requests

SEED = 3
COUNT = 300


def invoke(app: Flask, seed: int = SEED) -> Result:
    return app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", str(COUNT), "--seed", str(seed)]
    )


@pytest.fixture()
def loaded(app: Flask, db: Any) -> Result:
    result = invoke(app)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def account(db: Any, key: str) -> User:
    email = next(a.email for a in DEMO_ACCOUNTS if a.key == key)
    return db.session.scalar(select(User).where(User.email == email))


def test_every_unit_has_a_budget_a_cost_centre_and_spending(db: Any, loaded: Result) -> None:
    year = to_berlin(utcnow()).year
    staffed = set(db.session.scalars(select(Employee.department_id).distinct()))
    budgeted = set(
        db.session.scalars(select(TrainingBudget.department_id).where(TrainingBudget.year == year))
    )
    spending = set(
        db.session.scalars(
            select(BudgetBooking.department_id)
            .where(
                BudgetBooking.year == year,
                BudgetBooking.state.in_(CHARGED),
                BudgetBooking.amount > 0,
            )
            .distinct()
        )
    )
    assert staffed <= budgeted
    assert staffed <= spending
    assert db.session.scalar(select(func.count()).where(Department.cost_centre.is_(None))) == 0
    assert "Budgets:" in loaded.output and "Anträge auf externe Fortbildung:" in loaded.output
    again = rebuild(utcnow())  # the demo's ledger is what the states say
    assert (again.booked, again.changed, again.repriced) == (0, 0, 0)


def test_external_requests_in_every_state(db: Any, loaded: Result) -> None:
    states = set(db.session.scalars(select(ExternalRequest.state).distinct()))
    assert states == {s.value for s in RequestState}
    enrolled = db.session.scalars(
        select(Enrolment.state)
        .join(ExternalRequest, ExternalRequest.enrolment_id == Enrolment.id)
        .where(ExternalRequest.state == RequestState.APPROVED.value)
    ).all()
    assert {"confirmed", "completed", "no_show"} <= set(enrolled)
    head, hr = account(db, "head"), account(db, "hr")
    head_open = db.session.scalars(decider_requests(head, "offen")).unique().all()
    assert [r.state for r in head_open] == [RequestState.PENDING_HEAD]
    hr_open = {r.state for r in db.session.scalars(decider_requests(hr, "offen")).unique()}
    assert {RequestState.PENDING_HR, RequestState.PENDING_SECOND} <= hr_open


def fingerprint(db: Any) -> tuple[Any, ...]:
    budgets = db.session.execute(
        select(Department.code, TrainingBudget.year, TrainingBudget.amount, Department.cost_centre)
        .join(Department, Department.id == TrainingBudget.department_id)
        .order_by(Department.code, TrainingBudget.year)
    ).all()
    bookings = db.session.execute(
        select(Employee.personnel_no, BudgetBooking.year, BudgetBooking.state, BudgetBooking.amount)
        .join(Employee, Employee.id == BudgetBooking.employee_id)
        .order_by(Employee.personnel_no, BudgetBooking.year, BudgetBooking.amount)
    ).all()
    requests = db.session.execute(
        select(Employee.personnel_no, ExternalRequest.title, ExternalRequest.state)
        .join(Employee, Employee.id == ExternalRequest.employee_id)
        .order_by(Employee.personnel_no, ExternalRequest.title)
    ).all()
    # sorted in full: bookings of one person, year and amount differ only in their state
    return tuple(budgets), tuple(sorted(tuple(b) for b in bookings)), tuple(requests)


def load_and_undo(app: Flask, db: Any, seed: int) -> tuple[Any, ...]:
    db.session.close()
    savepoint = db.session.get_bind().begin_nested()
    try:
        result = invoke(app, seed=seed)
        assert result.exit_code == 0, (result.output, result.exception)
        return fingerprint(db)
    finally:
        db.session.close()
        savepoint.rollback()


def test_same_seed_same_rows(app: Flask, db: Any) -> None:
    assert load_and_undo(app, db, SEED) == load_and_undo(app, db, SEED)
