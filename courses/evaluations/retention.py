"""Retention of course evaluations (``academy.retention``): the "has answered" records of
people who left go with their learning record. The answers are anonymous and stay (they
belong to no one); so do the rounds' figures, including how many were invited."""

from __future__ import annotations

from academy.retention.rules import register_retention_rule, table_rule
from courses.evaluations.models import EvaluationParticipant


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "evaluation_participants",
            "Vermerke, dass zu einem Termin eine Kursbewertung erbeten bzw. abgegeben wurde, "
            "gelöscht (die anonymen Antworten und die Zahlen der Runde bleiben)",
            EvaluationParticipant,
            lambda c: EvaluationParticipant.employee_id.in_(c.leavers()),
            key=EvaluationParticipant.employee_id,
        )
    )
