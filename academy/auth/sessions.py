"""Logging in and out: throttling, server-side sessions, password verification.

Services only: they take ``now`` and the request facts as arguments and ``flush()``;
the view commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, or_, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User, UserSession
from academy.audit.log import record
from academy.auth.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    own_names,
    password_problem,
    verify_password,
)
from academy.auth.scope import forget_scope, remember_headed_department_ids
from academy.auth.throttle import (
    LoginThrottled,
    ThrottlePolicy,
    client_address,
    forget_failures,
    forget_old_attempts,
    login_key,
    record_failure,
    standing,
)
from academy.errors import DomainError, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.notifications.models import Notification
from academy.org.models import Department


class LoginFailed(DomainError):
    status_code = 401


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(
    email: str,
    password: str,
    *,
    remote_addr: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> User:
    """Return the user for valid credentials or raise LoginFailed / LoginThrottled.

    Throttled per (e-mail, client address) pair, see ``academy.auth.throttle``: a refused
    pair is answered without checking the password; existing and unknown e-mail addresses
    are treated alike; the address-wide limit never refuses a correct password.
    """
    email = normalise_email(email)
    address = client_address(remote_addr)
    key = login_key(email)
    state = standing(key, address, now=now, policy=policy)
    if state.wait is not None:
        raise LoginThrottled(state.wait)
    user = db.session.scalar(select(User).where(User.email == email))
    ok = verify_password(user.password_hash if user else None, password)
    if ok and user is not None and user.active:
        if user.password_hash and needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        forget_failures(key, address)
        return user
    record_failure(key, address, now)
    if state.flagged:
        raise LoginThrottled(policy.window)
    raise LoginFailed(N_("E-mail address or password is wrong, or the account is locked."))


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
    forget_old_attempts(now)
    record(user, "auth.login", "user", user.id)
    db.session.flush()
    return token


@cache
def _session_user_statement() -> Select[Any]:
    """The statement of ``load_session_user``, built once (it only has parameters)."""
    headed = select(Department.id).where(Department.head_id == User.employee_id)
    first_headed = headed.with_only_columns(func.min(Department.id)).scalar_subquery()
    last_headed = headed.with_only_columns(func.max(Department.id)).scalar_subquery()
    unread = (
        select(func.count(Notification.id))
        .where(
            # Its own notices and its person's (also those from before the account).
            or_(Notification.user_id == User.id, Notification.employee_id == User.employee_id),
            Notification.read_at.is_(None),
        )
        .scalar_subquery()
    )
    return (
        select(User, first_headed, last_headed, unread)
        .join(UserSession, UserSession.user_id == User.id)
        .options(joinedload(User.role_assignments))
        .where(
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.expires_at > bindparam("now"),
        )
    )


def load_session_user(token: str, *, now: datetime) -> User | None:
    """The user of a live session token, or None (expired, logged out, deactivated).

    Every request starts here, so one statement loads what every page needs about the
    account: the user, their role assignments, whether they head a department (for the
    policy; see ``remember_headed_department_ids``) and their number of unread
    notifications (for the navigation badge, kept as ``user.unread_at_load``; the web
    layer hands it to ``academy.notifications.notices.remember_unread_count``).
    """
    row = (
        db.session.execute(
            _session_user_statement(), {"token_hash": _token_hash(token), "now": now}
        )
        .unique()
        .first()
    )
    if row is None or not row[0].active:
        return None
    user, first, last, unread_count = row
    user.session_token = token
    if first is None:
        remember_headed_department_ids(user, [])
    elif first == last:
        remember_headed_department_ids(user, [first])
    else:  # several departments: the policy asks for them when it needs them
        forget_scope(user)
    user.unread_at_load = int(unread_count or 0)
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


def change_password(user: User, current: str, new: str) -> None:
    """The account's own password change: the current password must be right and the new
    one acceptable; every login session of the account ends (the caller signs out)."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(N_("The current password is wrong."), field="current")
    problem = password_problem(
        new, email=user.email, names=own_names(user.display_name, user.employee)
    )
    if problem:
        raise ValidationFailed(problem, field="new", n=MIN_LENGTH)
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    record(user, "auth.password_changed", "user", user.id)
