"""The uploaded file between preview and apply, shared by every import (frameworks,
mappings, staff): it waits as an ``academy.models.Upload`` with a random token, so any
worker can apply it; once applied or discarded its content is emptied (data minimisation).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, NotFound, PermissionDenied
from academy.extensions import db
from academy.i18n import N_
from academy.imports.models import Upload

__all__ = ["mark_applied", "mark_discarded", "own_upload", "previewed_upload", "store_upload"]


def store_upload(
    actor: User,
    kind: str,
    filename: str,
    content: bytes,
    now: datetime,
    *,
    summary: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> Upload:
    """Keep a file until it is applied or discarded (status ``previewed``)."""
    upload = Upload(
        token=secrets.token_urlsafe(32),
        kind=kind,
        filename=filename[-255:],
        content=content,
        options=options,
        status="previewed",
        summary=summary,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    record(
        actor,
        "upload.previewed",
        "upload",
        upload.id,
        to_state="previewed",
        details={"kind": kind, "filename": upload.filename},
        now=now,
    )
    return upload


def own_upload(actor: User, token: str, kind: str, *, lock: bool = False) -> Upload:
    """The actor's own upload of this kind, whatever its status: 404 if unknown, 403 if
    someone else's. ``lock`` holds the row until the commit."""
    upload = None
    if token:
        query = select(Upload).where(Upload.token == token, Upload.kind == kind)
        upload = db.session.scalar(query.with_for_update() if lock else query)
    if upload is None:
        raise NotFound(N_("This import does not exist (any more). Please upload the file again."))
    if upload.uploaded_by_id != actor.id:
        raise PermissionDenied(N_("This import was started by someone else."))
    return upload


def previewed_upload(actor: User, token: str, kind: str, *, lock: bool = False) -> Upload:
    """The actor's own upload that still waits to be applied: 404 if unknown, 403 if
    someone else's, 409 if already applied or discarded. ``lock`` holds the row until the
    commit, so a double click cannot apply it twice."""
    upload = own_upload(actor, token, kind, lock=lock)
    if upload.status == "applied":
        raise Conflict(N_("This import has already been applied."))
    if upload.status != "previewed":
        raise Conflict(N_("This import has been discarded."))
    return upload


def mark_applied(
    actor: User,
    upload: Upload,
    now: datetime,
    *,
    summary: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """The file was applied: record it, keep the summary, empty the content."""
    upload.status = "applied"
    upload.applied_at = now
    upload.summary = summary
    upload.content = b""
    record(
        actor,
        "upload.applied",
        "upload",
        upload.id,
        from_state="previewed",
        to_state="applied",
        details={"kind": upload.kind, **(details or {})},
        now=now,
    )
    db.session.flush()


def mark_discarded(actor: User, upload: Upload, now: datetime) -> None:
    """The file was discarded: record it and empty the content."""
    upload.status = "discarded"
    upload.content = b""
    record(
        actor,
        "upload.discarded",
        "upload",
        upload.id,
        from_state="previewed",
        to_state="discarded",
        details={"kind": upload.kind},
        now=now,
    )
    db.session.flush()


def read_upload(storage: FileStorage, default_name: str) -> tuple[str, bytes]:
    """The uploaded file's name and content. The name is only shown and used for its
    ending, never as a path: folders are dropped, umlauts kept, at most 255 characters."""
    filename = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (filename or default_name)[-255:], storage.read()


def recent_uploads(actor: User, kind: str, limit: int = 10) -> list[Upload]:
    """The actor's latest uploads of one kind, newest first."""
    return list(
        db.session.scalars(
            select(Upload)
            .where(Upload.kind == kind, Upload.uploaded_by_id == actor.id)
            .order_by(Upload.created_at.desc(), Upload.id.desc())
            .limit(limit)
        )
    )
