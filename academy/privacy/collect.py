"""Building blocks for collectors: audit entries as export records (with the plain
German sentence of the audit log), and the audit history of a person's objects in one
statement whatever the number of objects and entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload

from academy.audit.models import AuditLogEntry
from academy.audit.sentences import sentences
from academy.extensions import db
from academy.privacy.registry import Record


def audit_records(entries: Sequence[AuditLogEntry], *, with_details: bool = True) -> list[Record]:
    """The entries (actors loaded) as records; names in the sentences are resolved with
    one statement per object type, whatever the number of entries. Without details
    (the person's own actions on others' objects) neither the sentence, the reason nor
    the details are given: they describe other people (Art. 15 (4) GDPR)."""
    described = sentences(entries) if with_details else {}
    records: list[Record] = []
    for entry in entries:
        record: Record = {
            "Zeitpunkt": entry.at,
            "Handelnde Person": entry.actor.display_name if entry.actor is not None else None,
            "Aktion": entry.action,
            "Objekt": entry.object_type,
            "Objekt-Nr.": entry.object_id,
        }
        if with_details:
            record.update(
                {
                    "Beschreibung": described.get(entry.id),
                    "Von": entry.from_state,
                    "Nach": entry.to_state,
                    "Begründung": entry.reason,
                    "Details": entry.details or None,
                }
            )
        records.append(record)
    return records


def audit_entries(condition: ColumnElement[bool]) -> list[AuditLogEntry]:
    """Audit entries matching ``condition`` with their actors, oldest first (one statement)."""
    return list(
        db.session.scalars(
            select(AuditLogEntry)
            .options(joinedload(AuditLogEntry.actor))
            .where(condition)
            .order_by(AuditLogEntry.at, AuditLogEntry.id)
        ).all()
    )


def audit_history(object_type: str, object_ids: Select[Any]) -> list[Record]:
    """Audit entries about objects of ``object_type`` whose ids (as text, the audit log's
    ``object_id``) ``object_ids`` selects."""
    return audit_records(
        audit_entries(
            (AuditLogEntry.object_type == object_type) & AuditLogEntry.object_id.in_(object_ids)
        )
    )
