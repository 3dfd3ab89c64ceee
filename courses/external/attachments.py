"""Files of external training requests: the provider's offer and the certificate of
attendance.

- **Type by content**, not by name or the browser's claim: a PDF starts with ``%PDF-``,
  a PNG with its eight-byte signature, a JPEG with ``FF D8 FF``; anything else is refused.
- **Size** at most ``EXTERNAL_ATTACHMENT_MAX_BYTES`` (read no further than one byte past
  it), not empty; at most ``MAX_FILES`` per request.
- **Stored outside the web root**, in ``EXTERNAL_ATTACHMENT_DIR`` (default
  ``<instance>/uploads/external``), under a random name of 256 bits, readable by the
  application's user only; the name the person gave is kept for showing and downloading.
- Served only to those who may see the request (``external.view``), as a download
  (``Content-Disposition: attachment``, ``nosniff``) — never shown inline.

Files whose row is gone (removed, a rolled-back upload, retention) are deleted by the
tick step ``external-files`` once they are older than ``ORPHAN_AGE``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.database import begin_write
from academy.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.external import notices
from courses.external.models import (
    AttachmentKind,
    ExternalAttachment,
    ExternalRequest,
    RequestState,
)

#: Content type → (signature at the start of the file, extension).
SIGNATURES = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
}
MAX_FILES = 10
NAME_MAX = 200
ORPHAN_AGE = timedelta(hours=1)
CHUNK = 64 * 1024


def storage_dir(*, create: bool = False) -> Path:
    """The folder of the stored files (made, readable by the application only, when
    ``create``: the first upload)."""
    configured = str(current_app.config.get("EXTERNAL_ATTACHMENT_DIR") or "").strip()
    folder = (
        Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "external"
    )
    if create:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def max_bytes() -> int:
    return int(current_app.config["EXTERNAL_ATTACHMENT_MAX_BYTES"])


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    for content_type, (signature, _ext) in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def clean_filename(name: str | None, content_type: str) -> str:
    """The name to show: no folders, no control characters, at most ``NAME_MAX``
    characters, ending in the extension of the proven type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip().strip(".").strip() or "anhang"
    extension = SIGNATURES[content_type][1]
    return stem[: NAME_MAX - len(extension)] + extension


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the upload (enough to know it is too large)."""
    parts, size = [], 0
    while size <= limit:
        chunk = stream.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def may_upload(user: User, request: ExternalRequest, kind: str) -> bool:
    """The employee adds the offer while the request is open and the certificate once it
    is approved; HR adds either at any time."""
    if can(user, "external.record"):
        return True
    if user.employee_id != request.employee_id:
        return False
    if kind == AttachmentKind.OFFER:
        return request.is_open
    return kind == AttachmentKind.CERTIFICATE and request.state == RequestState.APPROVED


def add(
    actor: User,
    request: ExternalRequest,
    kind: str,
    filename: str | None,
    stream: IO[bytes],
    now: datetime,
) -> ExternalAttachment:
    """Check and store an uploaded file; ``ValidationFailed`` at the field ``file``."""
    begin_write()
    if kind not in set(AttachmentKind):
        raise ValidationFailed(N_("Please choose what the file is."), field="kind")
    if not can(actor, "external.view", request) or not may_upload(actor, request, kind):
        raise PermissionDenied(N_("You may not add this file to the request."))
    count = len(request.attachments)
    if count >= MAX_FILES:
        raise Conflict(N_("A request can have at most %(max)s files."), field="file", max=MAX_FILES)
    limit = max_bytes()
    data = _read_limited(stream, limit)
    if not data:
        raise ValidationFailed(N_("Please choose a file."), field="file")
    if len(data) > limit:
        raise ValidationFailed(
            N_("The file is larger than %(max)s MB."), field="file", max=_megabytes(limit)
        )
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationFailed(
            N_("Only PDF files and PNG or JPEG images can be added."), field="file"
        )
    stored_name = secrets.token_hex(32)
    _write(storage_dir(create=True) / stored_name, data)
    attachment = ExternalAttachment(
        request_id=request.id,
        kind=kind,
        filename=clean_filename(filename, content_type),
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    db.session.add(attachment)
    db.session.flush()
    record(
        actor, "external.file_added", "external_request", request.id,
        details={"file": attachment.filename, "kind": kind}, now=now,
    )  # fmt: skip
    if kind == AttachmentKind.CERTIFICATE and actor.employee_id == request.employee_id:
        notices.tell(notices.hr_except(actor.id), notices.CERTIFICATE, request, now)
    return attachment


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f}"


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def path_of(attachment: ExternalAttachment) -> Path:
    """Where the file is; ``NotFound`` when it is missing on disk."""
    path = storage_dir() / attachment.stored_name
    if not path.is_file():
        raise NotFound(N_("The file is no longer available."))
    return path


def may_remove(user: User, attachment: ExternalAttachment) -> bool:
    request = attachment.request
    if can(user, "external.record"):
        return True
    return (
        user.employee_id == request.employee_id
        and attachment.uploaded_by_id == user.id
        and (request.is_open or attachment.kind == AttachmentKind.CERTIFICATE)
        and request.state != RequestState.WITHDRAWN
    )


def remove(actor: User, attachment: ExternalAttachment, now: datetime) -> str:
    """Remove a file (its uploader while the request allows it, or HR); returns the
    stored name, to delete the file after the commit (``discard``)."""
    begin_write()
    if not may_remove(actor, attachment):
        raise PermissionDenied(N_("You may not remove this file."))
    request_id, name, stored = attachment.request_id, attachment.filename, attachment.stored_name
    db.session.delete(attachment)
    db.session.flush()
    record(
        actor, "external.file_removed", "external_request", request_id,
        details={"file": name}, now=now,
    )  # fmt: skip
    return stored


def discard(stored_names: list[str]) -> None:
    """Delete these files (after the rows are gone and committed)."""
    folder = storage_dir()
    for name in stored_names:
        (folder / name).unlink(missing_ok=True)


def sweep(now: datetime) -> str:
    """The tick step ``external-files``: delete stored files without a row (removed
    attachments, uploads of a rolled-back request, retention), older than
    ``ORPHAN_AGE``. Safe on several hosts (deleting twice does nothing)."""
    folder = storage_dir()
    if not folder.is_dir():
        return "Keine Dateien externer Fortbildungsanträge gespeichert."
    known = set(db.session.scalars(select(ExternalAttachment.stored_name)))
    cutoff = (now - ORPHAN_AGE).timestamp()
    removed = 0
    for path in folder.iterdir():
        name = path.name.removesuffix(".part")
        if not path.is_file() or name in known:
            continue
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return f"{removed} verwaiste Datei(en) externer Fortbildungsanträge gelöscht."
