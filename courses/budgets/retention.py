"""Retention of budget bookings: the finance records stay (amounts, unit, year — the
budget law keeps them), but once a leaver's learning record period has passed they no
longer name the person."""

from __future__ import annotations

from academy.retention.rules import register_retention_rule, table_rule
from courses.budgets.models import BudgetBooking


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "budget_bookings",
            "Budgetbuchungen: Bezug zur Person entfernt; Betrag, Einheit und Jahr bleiben "
            "für die Haushaltsrechnung",
            BudgetBooking,
            lambda cutoff: BudgetBooking.employee_id.in_(cutoff.leavers()),
            {"employee_id": None},
        )
    )
