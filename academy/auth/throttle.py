"""Login throttling that an anonymous attacker cannot turn against users (OWASP ASVS 2.2.1).

Failed logins are stored as ``LoginAttempt`` rows (so the rules hold across workers and
hosts) with the e-mail address tried and the client's address, and counted per
**(e-mail, client address) pair**:

- a pair gets ``free_failures`` failures; after that it is refused for a delay that starts
  at ``first_delay`` and doubles with every further failure, up to ``max_delay``. While
  refused, the password is not even checked. A correct login resets its own pair only.
- an **address-wide** limit: after ``max_per_address`` failures from one address within
  ``window`` (password spraying, guessing e-mail addresses) the address is *flagged*: its
  attempts that cannot succeed — unknown accounts, wrong passwords — answer "too many
  attempts, wait", and each of its pairs gets one free failure instead of
  ``free_failures``. A correct password for an existing account is never refused by it.

No count spans addresses, so failures from one client never refuse a login from another:
there is no lockout of an account that someone else can impose. Existing and unknown
e-mail addresses are counted and answered alike — counting only unknown ones towards the
address-wide limit would tell, by when the limit is reached, which accounts exist.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from academy.accounts.models import LoginAttempt
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_

#: How long a failed login is remembered (``start_session`` deletes older rows).
MEMORY = timedelta(days=1)
_MAX_DOUBLINGS = 30
LOGIN_PREFIX = "account:"


class LoginThrottled(DomainError):
    status_code = 429

    def __init__(self, wait: timedelta) -> None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        message = (
            N_("Too many failed attempts. Please wait a minute and try again.")
            if minutes == 1
            else N_("Too many failed attempts. Please wait %(minutes)d minutes and try again.")
        )
        super().__init__(message, minutes=minutes)
        self.retry_after = minutes * 60


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    max_per_address: int = 30
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottlePolicy:
        """The policy of the ``LOGIN_*`` settings."""
        return cls(
            free_failures=max(1, int(config["LOGIN_FREE_FAILURES"])),
            first_delay=timedelta(seconds=max(1, int(config["LOGIN_DELAY_SECONDS"]))),
            max_delay=min(
                MEMORY, timedelta(minutes=max(1, int(config["LOGIN_DELAY_MAX_MINUTES"])))
            ),
            max_per_address=max(1, int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"])),
            window=timedelta(minutes=max(1, int(config["LOGIN_WINDOW_MINUTES"]))),
        )


@dataclass(frozen=True)
class Standing:
    """Where a login attempt stands before its password is checked."""

    #: The client's address is over the address-wide limit.
    flagged: bool
    #: Refuse for this long without checking the password (None: go ahead).
    wait: timedelta | None


def login_key(email: str) -> str:
    """The key of a login failure: the e-mail address tried (whether it exists or not)."""
    return f"{LOGIN_PREFIX}{email}"[:300]


def client_address(remote_addr: str | None) -> str:
    """The client's address as stored (``unknown`` when the server does not know it)."""
    return (remote_addr or "unknown")[:64]


def address_flagged(address: str, *, now: datetime, policy: ThrottlePolicy) -> bool:
    """Whether ``address`` failed to log in too often within the window."""
    limit = policy.max_per_address
    count = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.address == address,
            LoginAttempt.key.startswith(LOGIN_PREFIX, autoescape=True),
            LoginAttempt.at >= now - policy.window,
        )
    )
    return (count or 0) >= limit


def pair_delay(failures: int, free: int, policy: ThrottlePolicy) -> timedelta | None:
    """The refusal after the last of ``failures`` failures of a pair (None: no delay):
    ``first_delay`` at ``free`` failures, doubling with each further one, capped."""
    if failures < free:
        return None
    doublings = min(failures - free, _MAX_DOUBLINGS)
    return min(policy.first_delay * (2**doublings), policy.max_delay)


def standing(key: str, address: str, *, now: datetime, policy: ThrottlePolicy) -> Standing:
    """The pair's delay and the address's flag for one attempt of ``key`` from ``address``."""
    flagged = address_flagged(address, now=now, policy=policy)
    failures, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key,
            LoginAttempt.address == address,
            LoginAttempt.at >= now - MEMORY,
        )
    ).one()
    delay = pair_delay(failures or 0, 1 if flagged else policy.free_failures, policy)
    wait = last + delay - now if delay is not None and last is not None else None
    if wait is not None and wait <= timedelta(0):
        wait = None
    if wait is not None and flagged:
        wait = max(wait, policy.window)
    return Standing(flagged=flagged, wait=wait)


def record_failure(key: str, address: str, now: datetime) -> None:
    db.session.add(LoginAttempt(key=key, address=address, at=now))
    db.session.flush()


def forget_failures(key: str, address: str) -> None:
    """A correct login clears its own pair's failures (never other addresses')."""
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.address == address)
    )


def forget_old_attempts(now: datetime) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - MEMORY))
