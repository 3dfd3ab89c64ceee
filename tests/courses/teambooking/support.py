"""Helpers of the team booking tests: a unit with a sub-unit, its head and members."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.courses.support import person


def team() -> Any:
    """A unit with a sub-unit, its head (with an account) and two members."""
    unit = factories.department("Amt für Digitalisierung")
    sub = factories.department("Abteilung Digitale Services", parent=unit)
    head_emp = factories.employee(unit)
    unit.head = head_emp
    head = factories.user(emp=head_emp)
    a, a_user = person(sub)
    b, b_user = person(unit)
    return unit, sub, head, (a, a_user), (b, b_user)
