"""Money is exact: every amount column of budgets, bookings, external requests and the
prices they come from is ``Numeric`` with two decimal places (never ``Float``), and
amounts come back from the database as ``Decimal``."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Float, Numeric, inspect, select

from academy.extensions import db
from courses.budgets.models import BudgetBooking
from tests.courses.budgets.support import budget, paid_session
from tests.courses.support import NOW, person

MONEY = {
    "training_budgets": {"amount"},
    "budget_bookings": {"price", "trainer_share", "room_share", "travel", "amount"},
    "external_requests": {"cost", "travel_cost"},
    "courses": {"cost"},
    "rooms": {"cost_per_day"},
    "trainers": {"fee_per_day"},
}


def test_money_columns_are_numeric_with_cents_in_the_models(app):
    tables = db.metadata.tables
    for table, columns in MONEY.items():
        for name in columns:
            column_type = tables[table].c[name].type
            assert isinstance(column_type, Numeric) and not isinstance(column_type, Float)
            assert column_type.scale == 2 and column_type.asdecimal, (table, name)
    for table in ("training_budgets", "budget_bookings", "external_requests"):
        assert not [c for c in tables[table].c if isinstance(c.type, Float)], table


def test_money_columns_are_numeric_in_the_migrated_database(db):
    inspector = inspect(db.session.connection())
    for table, columns in MONEY.items():
        found = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        for name in columns:
            assert isinstance(found[name], Numeric), (table, name, found[name])
            assert not isinstance(found[name], Float), (table, name)
            assert found[name].scale == 2, (table, name)


def test_amounts_come_back_as_decimals(db):
    from courses.enrolment.requests import request_enrolment

    session = paid_session("0.10", fee="0.20", capacity=3)
    for _ in range(3):
        employee, user = person()
        request_enrolment(user, employee, session, NOW)
    budget(employee.department, 2030, "0.30")
    db.session.expire_all()
    amounts = db.session.scalars(select(BudgetBooking.amount)).all()
    assert all(type(a) is Decimal for a in amounts)
    assert sum(amounts) == Decimal("0.50")  # 3 × 0.10 + 0.20, no float rounding
