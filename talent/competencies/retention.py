"""Retention rule of the competencies (``academy.retention``): a leaver's ratings —
self-assessments, heads' ratings with their comments, external evidence — are deleted
after ``RETENTION_RATINGS_DAYS``. They are assessments, and no report counts people who
left (gaps and matrices count active staff only)."""

from __future__ import annotations

from academy.retention.rules import register_retention_rule, table_rule
from talent.competencies.models import Rating


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "ratings",
            "ratings",
            "Selbsteinschätzungen, Einstufungen der Führungskraft und externe Nachweise gelöscht",
            Rating,
            lambda c: Rating.employee_id.in_(c.leavers()),
        )
    )
