"""The audit log: every state change is recorded through ``record``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from academy.accounts.models import User
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditLogEntry:
    """Add an audit entry to the current transaction (committed with the change itself)."""
    entry = AuditLogEntry(
        at=now or utcnow(),
        actor_id=actor.id if actor is not None and actor.id is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry


#: What an access-log code means (English source labels, translated on the page); each
#: package adds its own codes with ``register_access_label``.
ACCESS_LABELS: dict[str, str] = {"employee.record": N_("Personnel record")}


def register_access_label(code: str, label: str) -> None:
    ACCESS_LABELS[code] = label


def record_access(
    actor: User,
    subject_id: int,
    what: str,
    *,
    purpose: str | None = None,
    now: datetime | None = None,
) -> None:
    """Log that ``actor`` looked at personal data of employee ``subject_id`` (not their own)."""
    record_accesses(actor, [subject_id], what, purpose=purpose, now=now)


def record_accesses(
    actor: User,
    subject_ids: Iterable[int],
    what: str,
    *,
    purpose: str | None = None,
    now: datetime | None = None,
) -> int:
    """Log that ``actor`` looked at personal data of each of these employees (one row per
    person, never the actor's own), in ONE bulk INSERT whatever the number of people —
    a page's statement count does not grow with the list, an export naming tens of
    thousands of people stays fast. Returns the number of rows written."""
    at = now or utcnow()
    rows = [
        {"at": at, "actor_id": actor.id, "subject_id": subject, "what": what, "purpose": purpose}
        for subject in dict.fromkeys(subject_ids)
        if subject != actor.employee_id
    ]
    if rows:
        db.session.execute(insert(AccessLogEntry), rows)
    return len(rows)
