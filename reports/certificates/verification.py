"""Looking up a certificate by its typed code for the public verification pages, with a
throttle: unknown codes count against the caller's address (``LoginAttempt`` rows keyed
``verify:<address>``), and more than ``VERIFY_THROTTLE_MAX`` of them within
``VERIFY_THROTTLE_MINUTES`` answer 429 for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound, TooManyRequests

from academy.accounts.models import LoginAttempt
from academy.extensions import db
from reports.certificates.certificates import find_by_code
from reports.certificates.models import Certificate


def _key(address: str | None) -> str:
    return f"verify:{address or 'unknown'}"


def _throttled(address: str | None, now: datetime) -> bool:
    config = current_app.config
    window = timedelta(minutes=int(config.get("VERIFY_THROTTLE_MINUTES", 10)))
    limit = int(config.get("VERIFY_THROTTLE_MAX", 30))
    count = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == _key(address), LoginAttempt.at >= now - window)
    )
    return (count or 0) >= limit


def lookup(code: str, address: str | None, now: datetime) -> Certificate:
    """The certificate for a typed code: 429 while the address is throttled; 404 for an
    unknown code, which counts against the address (committed here, so it stays even
    though the request fails)."""
    if _throttled(address, now):
        raise TooManyRequests()
    cert = find_by_code(code)
    if cert is None:
        db.session.add(LoginAttempt(key=_key(address), at=now))
        db.session.commit()
        raise NotFound()
    return cert
