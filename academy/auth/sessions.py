"""Logging in and out: throttling, server-side sessions, password verification.

Services only: they take ``now`` and the request facts as arguments and ``flush()``;
the view commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from academy.audit import record
from academy.auth.passwords import hash_password, needs_rehash, verify_password
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.models import LoginAttempt, User, UserSession


class LoginThrottled(DomainError):
    status_code = 429


class LoginFailed(DomainError):
    status_code = 401


@dataclass(frozen=True)
class ThrottlePolicy:
    max_per_account: int = 5
    max_per_address: int = 30
    window: timedelta = timedelta(minutes=15)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _failures(key: str, since: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.at >= since)
        )
        or 0
    )


def authenticate(
    email: str,
    password: str,
    *,
    remote_addr: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> User:
    """Return the user for valid credentials or raise LoginFailed / LoginThrottled.

    Failures are stored in the database so that the limit holds across workers and hosts.
    """
    email = normalise_email(email)
    account_key = f"account:{email}"
    address_key = f"address:{remote_addr}"
    since = now - policy.window
    if (
        _failures(account_key, since) >= policy.max_per_account
        or _failures(address_key, since) >= policy.max_per_address
    ):
        raise LoginThrottled(
            N_("Too many failed attempts. Please wait %(minutes)d minutes and try again."),
            minutes=int(policy.window.total_seconds() // 60),
        )
    user = db.session.scalar(select(User).where(User.email == email))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        db.session.add_all(
            [LoginAttempt(key=account_key, at=now), LoginAttempt(key=address_key, at=now)]
        )
        db.session.flush()
        raise LoginFailed(N_("E-mail address or password is wrong, or the account is locked."))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == account_key))
    return user


def start_session(
    user: User, *, now: datetime, lifetime: timedelta, remote_addr: str, user_agent: str
) -> str:
    """Create a server-side session and return its token (to be put in the cookie)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
            remote_addr=remote_addr[:64],
            user_agent=user_agent[:300],
        )
    )
    user.last_login_at = now
    # Old failures and expired sessions are cleaned up on the way.
    db.session.execute(delete(UserSession).where(UserSession.expires_at < now))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    record(user, "auth.login", "user", user.id)
    db.session.flush()
    return token


def load_session_user(token: str, *, now: datetime) -> User | None:
    """The user of a live session token, or None (expired, logged out, deactivated)."""
    row = db.session.execute(
        select(User, UserSession.id)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _token_hash(token), UserSession.expires_at > now)
    ).first()
    if row is None or not row[0].active:
        return None
    user = row[0]
    user.session_token = token
    return user


def end_session(token: str | None, user: User | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if user is not None:
        record(user, "auth.logout", "user", user.id)
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """Used when an account is deactivated or its password changes."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
