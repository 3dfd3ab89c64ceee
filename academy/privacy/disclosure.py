"""Producing the export: the file for a person, and HR's answer to a request (written
to the audit log and the access log with the purpose "Art. 15 Auskunft")."""

from __future__ import annotations

import io
from datetime import datetime

from academy.accounts.models import User
from academy.audit.log import record, record_access
from academy.org.models import Employee
from academy.privacy.export import Subject, build_export, export_json
from academy.privacy.pdf import write_pdf
from academy.privacy.registry import sections

#: The purpose of HR's export in the access log (the staff council reads it).
PURPOSE = "Art. 15 Auskunft"
ACCESS_CODE = "privacy.export"
MIMETYPES = {"json": "application/json", "pdf": "application/pdf"}


def export_file(subject: Subject, fmt: str, *, now: datetime) -> tuple[bytes, str, str]:
    """The export as ``(content, mimetype, filename)``; ``fmt`` is ``json`` or ``pdf``."""
    data = build_export(subject, now=now)
    if fmt == "json":
        content = export_json(data)
    else:
        buffer = io.BytesIO()
        write_pdf(data, buffer, {s.key: s.description for s in sections()})
        content = buffer.getvalue()
    return content, MIMETYPES[fmt], f"{subject.file_stem}.{fmt}"


def record_disclosure(
    actor: User, employee: Employee, *, reason: str, fmt: str, now: datetime
) -> None:
    """Log that HR produced the export of ``employee`` on request (flushes nothing else)."""
    record(
        actor,
        "privacy.exported",
        "employee",
        employee.id,
        reason=reason,
        details={"format": fmt},
        now=now,
    )
    record_access(actor, employee.id, ACCESS_CODE, purpose=PURPOSE, now=now)
