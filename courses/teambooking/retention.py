"""Retention rule of team bookings: a leaver's suggestions are deleted with the learning
record's period (the enrolments they led to follow the enrolments' own rule)."""

from __future__ import annotations

from academy.retention.rules import register_retention_rule, table_rule
from courses.teambooking.models import Proposal


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "enrolment_proposals",
            "Vorschläge der Führungskraft an Ausgeschiedene gelöscht",
            Proposal,
            lambda c: Proposal.employee_id.in_(c.leavers()),
        )
    )
