"""Uploaded files waiting between preview and apply (imports), shared by all workers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from academy.clock import UTCDateTime, utcnow
from academy.extensions import db


class Upload(db.Model):
    """An uploaded import file. The preview shows what applying it would do; applying
    re-reads the stored bytes, so nothing lives in one worker's memory. ``token`` is a
    random handle; ``status`` is ``previewed``, ``applied`` or ``discarded``."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="previewed")
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
