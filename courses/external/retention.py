"""Retention of external training requests: once a leaver's learning record period has
passed, the reason, comments and files go (the files themselves with the tick step
``external-files``); title, dates and costs stay with the enrolment and its budget
booking."""

from __future__ import annotations

from sqlalchemy import or_

from academy.retention.rules import register_retention_rule, table_rule
from courses.external.models import ExternalAttachment, ExternalRequest

#: What a request says about the person beyond the figures.
PERSONAL_COLUMNS = ("head_comment", "decline_reason")
REMOVED = "(nach Ablauf der Aufbewahrungsfrist entfernt)"


def register_retention_rules() -> None:
    register_retention_rule(
        table_rule(
            "learning_record",
            "external_attachments",
            "Dateien externer Fortbildungsanträge gelöscht",
            ExternalAttachment,
            lambda cutoff: ExternalAttachment.request_id.in_(
                ExternalRequest.__table__.select()
                .with_only_columns(ExternalRequest.id)
                .where(ExternalRequest.employee_id.in_(cutoff.leavers()))
            ),
            order=90,
        )
    )
    register_retention_rule(
        table_rule(
            "learning_record",
            "external_requests",
            "Anträge auf externe Fortbildung: Begründung und Kommentare entfernt; Titel, "
            "Daten und Kosten bleiben",
            ExternalRequest,
            lambda cutoff: (
                ExternalRequest.employee_id.in_(cutoff.leavers())
                & or_(
                    ExternalRequest.reason != REMOVED,
                    *(getattr(ExternalRequest, c).is_not(None) for c in PERSONAL_COLUMNS),
                )
            ),
            {"reason": REMOVED, **dict.fromkeys(PERSONAL_COLUMNS)},
        )
    )
