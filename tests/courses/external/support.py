"""Helpers of the external training tests: a request's data, the people around it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from academy.accounts.models import Role
from courses.external.requesting import RequestData, submit
from tests import factories
from tests.courses.support import NOW, head_of, person


def data(**changes: object) -> RequestData:
    values: dict[str, object] = {
        "title": "Professional Scrum Master I",
        "provider": "Agile Akademie Rhein-Main",
        "starts_at": NOW + timedelta(days=40),
        "ends_at": NOW + timedelta(days=41, hours=8),
        "online": False,
        "location": "Frankfurt am Main",
        "duration_ue": 16,
        "cost": Decimal("1190.00"),
        "travel_cost": Decimal("210.50"),
        "reason": "Ich übernehme die Rolle der Scrum Masterin im OZG-Team.",
        "competences": [],
    }
    values.update(changes)
    return RequestData(**values)  # type: ignore[arg-type]


class Office:
    """A unit with its head, a member (the requester), a unit beside it with its own
    head, and two HR people."""

    def __init__(self) -> None:
        root = factories.department("Stadtverwaltung")
        self.unit = factories.department("Amt für Digitales", parent=root)
        self.other_unit = factories.department("Amt für Umwelt", parent=root)
        self.head = head_of(self.unit)
        self.other_head = head_of(self.other_unit)
        self.employee, self.user = person(self.unit)
        self.colleague, self.colleague_user = person(self.unit)
        self.hr = factories.user(Role.HR, password=None)
        self.hr2 = factories.user(Role.HR, password=None)

    def request(self, **changes: object):  # type: ignore[no-untyped-def]
        return submit(self.user, self.employee, data(**changes), NOW)
