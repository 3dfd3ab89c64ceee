"""Retention rules of mandatory training: a leaver's assignee rows, reminder markers and
external evidence are deleted with the learning record's period (the figures count
active people only)."""

from __future__ import annotations

from academy.retention.rules import register_retention_rule, table_rule
from courses.mandatory.models import Assignee, Evidence, SentNotice


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "mandatory_assignees",
            "Pflichtschulungen: Zuordnungen von Ausgeschiedenen gelöscht",
            Assignee,
            lambda c: Assignee.employee_id.in_(c.leavers()),
            key=Assignee.employee_id,
        )
    )
    register_retention_rule(
        table_rule(
            "learning_record",
            "mandatory_notices",
            "Pflichtschulungen: Erinnerungsmerker von Ausgeschiedenen gelöscht",
            SentNotice,
            lambda c: SentNotice.employee_id.in_(c.leavers()),
        )
    )
    register_retention_rule(
        table_rule(
            "learning_record",
            "mandatory_evidence",
            "Pflichtschulungen: externe Nachweise von Ausgeschiedenen gelöscht",
            Evidence,
            lambda c: Evidence.employee_id.in_(c.leavers()),
        )
    )
