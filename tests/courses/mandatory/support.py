"""Helpers of the mandatory training tests: an assignment made through the service, and
reading a person's items."""

from __future__ import annotations

from datetime import date
from typing import Any

from academy.clock import to_berlin
from courses.mandatory.assignments import AssignmentData, create_assignment
from courses.mandatory.compliance import person_items
from courses.mandatory.models import Assignment, TargetKind
from tests.courses.support import NOW

TODAY = to_berlin(NOW).date()


def assign(actor: Any, courses: list[Any], *, now: Any = NOW, **fields: Any) -> Assignment:
    values: dict[str, Any] = {
        "title": "Datenschutz-Unterweisung",
        "course_ids": [c.id for c in courses],
        "target_kind": TargetKind.EVERYONE.value,
        "due_days": 90,
    }
    values.update(fields)
    return create_assignment(actor, AssignmentData(**values), now)


def status_of(employee_id: int, assignment: Assignment, today: date = TODAY) -> Any:
    for item in person_items(employee_id, today, details=True):
        if item.assignment.id == assignment.id:
            return item.state
    return None
