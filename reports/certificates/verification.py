"""Looking up a certificate by its typed code for the public verification pages and the
Open Badges endpoints, with a throttle that cannot be turned against holders: a valid code
is always answered; only unknown codes count, per client address (``LoginAttempt`` rows
keyed ``verify:<address>``), and more than ``VERIFY_THROTTLE_MAX`` of them within
``VERIFY_THROTTLE_MINUTES`` answer 429 to that address — for unknown codes — until the
oldest counted one has left the window."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from academy.accounts.models import LoginAttempt
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from reports.certificates.certificates import find_by_code
from reports.certificates.models import Certificate


class VerificationThrottled(DomainError):
    """Too many unknown codes from one address; says how long to wait."""

    status_code = 429

    def __init__(self, wait: timedelta) -> None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        message = (
            N_("Too many unknown codes were checked. Please wait a minute and try again.")
            if minutes == 1
            else N_(
                "Too many unknown codes were checked. "
                "Please wait %(minutes)d minutes and try again."
            )
        )
        super().__init__(message, minutes=minutes)
        self.retry_after = minutes * 60


def _address(address: str | None) -> str:
    return (address or "unknown")[:64]


def _key(address: str | None) -> str:
    return f"verify:{_address(address)}"


def throttle_wait(address: str | None, now: datetime) -> timedelta | None:
    """How long ``address`` must wait before its next unknown code is looked up (None:
    not throttled): until so many of its counted codes have left the window that fewer
    than the limit remain."""
    config = current_app.config
    window = timedelta(minutes=int(config["VERIFY_THROTTLE_MINUTES"]))
    limit = max(1, int(config["VERIFY_THROTTLE_MAX"]))
    times = list(
        db.session.scalars(
            select(LoginAttempt.at)
            .where(LoginAttempt.key == _key(address), LoginAttempt.at >= now - window)
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        )
    )
    if len(times) < limit:
        return None
    wait = times[-1] + window - now
    return wait if wait > timedelta(0) else None


def lookup(code: str, address: str | None, now: datetime) -> Certificate:
    """The certificate for a typed code — never refused. An unknown code answers 404 and
    counts against the address (committed here, so it stays although the request fails);
    while the address is throttled it answers 429 and is not counted."""
    cert = find_by_code(code)
    if cert is not None:
        return cert
    wait = throttle_wait(address, now)
    if wait is not None:
        raise VerificationThrottled(wait)
    db.session.add(LoginAttempt(key=_key(address), address=_address(address), at=now))
    db.session.commit()
    raise NotFound()
