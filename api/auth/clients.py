"""The technical account of an OIDC client (made on its first call), under whose name
the access log records what the client read — as a service token has its own."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.extensions import db
from api.tokens.tokens import SERVICE_DOMAIN


def client_email(client: str) -> str:
    digest = hashlib.sha256(client.encode("utf-8")).hexdigest()[:24]
    return f"oidc-{digest}@{SERVICE_DOMAIN}"


def client_account(client: str, now: datetime) -> User:
    """The client's account (inactive, no password: it cannot sign in); two first calls
    at the same time make one account (the unique e-mail address decides)."""
    email = client_email(client)
    found = db.session.scalar(select(User).where(User.email == email))
    if found is not None:
        return found
    account = User(
        email=email,
        display_name=f"Schnittstelle „{client}“ (OIDC-Client)",
        password_hash=None,
        active=False,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(account)
    except IntegrityError:
        return db.session.scalars(select(User).where(User.email == email)).one()
    return account
