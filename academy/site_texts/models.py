"""An edited transparency text (the shipped default applies while there is no row). Who
changed it is in the audit log, not here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from academy.clock import UTCDateTime
from academy.extensions import db


class SiteText(db.Model):
    __tablename__ = "site_texts"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
