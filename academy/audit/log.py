"""The audit log: every state change is recorded through ``record``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import force_locale, gettext
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

#: Why an access happened: purpose key → short German text with ``{name}`` placeholders
#: (stored as it is in the access log, the record the staff council reads; the stored text
#: does not change with the reader's language). Each package registers the purposes of
#: its pages and exports with ``register_access_purpose``.
ACCESS_PURPOSES: dict[str, str] = {
    "employee.record": "Personalakte angesehen (Personalverwaltung)",
}

#: Roles whose holders may, for this access code, see anyone (their remit is the whole
#: organisation for this purpose; HR always is). Used by the council's overview to flag
#: views outside the viewer's scope.
ACCESS_REMIT: dict[str, frozenset[str]] = {}

#: The longest purpose text the access log stores.
PURPOSE_MAX = 200


def register_access_label(code: str, label: str, *, remit: Iterable[str] = ()) -> None:
    """Name an access code (``label``: English source, translated on the page); ``remit``:
    roles that may look at anyone's data for this code (besides HR)."""
    ACCESS_LABELS[code] = label
    if remit:
        ACCESS_REMIT[code] = frozenset(remit)


def register_access_purpose(key: str, text: str) -> None:
    """Register the German purpose text of a page or export (``{name}`` placeholders are
    filled by ``access_purpose``)."""
    ACCESS_PURPOSES[key] = text


def german(message: str) -> str:
    """An English source string in German (for purpose texts, which are stored German)."""
    with force_locale("de"):
        return gettext(message)


def access_purpose(key: str, **values: object) -> str:
    """The purpose text registered under ``key``, filled with ``values`` (a ``KeyError``
    for an unregistered key: every access has a registered purpose)."""
    text = ACCESS_PURPOSES[key].format(**values)
    return text[:PURPOSE_MAX]


def record_access(
    actor: User,
    subject_id: int,
    what: str,
    purpose: str,
    *,
    now: datetime | None = None,
) -> None:
    """Log that ``actor`` looked at personal data of employee ``subject_id`` (not their own)
    and why (``purpose``, from ``access_purpose``)."""
    record_accesses(actor, [subject_id], what, purpose, now=now)


def record_accesses(
    actor: User,
    subject_ids: Iterable[int],
    what: str,
    purpose: str,
    *,
    now: datetime | None = None,
) -> int:
    """Log that ``actor`` looked at personal data of each of these employees (one row per
    person, never the actor's own), in ONE bulk INSERT whatever the number of people —
    a page's statement count does not grow with the list, an export naming tens of
    thousands of people stays fast. ``purpose`` (required, non-empty) says which page or
    export and why. Returns the number of rows written."""
    purpose = (purpose or "").strip()[:PURPOSE_MAX]
    if not purpose:
        raise ValueError("every access-log entry needs a purpose")
    at = now or utcnow()
    rows = [
        {"at": at, "actor_id": actor.id, "subject_id": subject, "what": what, "purpose": purpose}
        for subject in dict.fromkeys(subject_ids)
        if subject != actor.employee_id
    ]
    if rows:
        db.session.execute(insert(AccessLogEntry), rows)
    return len(rows)
