"""Making, finding and revoking service tokens (plain functions: ``actor`` and ``now`` are
arguments; they flush, never commit, and raise ``DomainError`` subclasses).

A secret is ``dak_`` and 43 random URL-safe characters (256 bits); only its SHA-256 is
stored, so the secret is shown once and never again. Each token gets a technical account
of its own (inactive, no password: it cannot sign in), under whose name ("Schnittstelle
„HR-System“") the access log records what the token read.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select, update

from academy.accounts.models import User
from academy.audit.log import record
from academy.clock import berlin_to_utc, to_berlin
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from api.tokens.models import ApiToken
from api.tokens.scopes import PERSONAL_SCOPES, SCOPES, known

#: Every secret starts with this (so secret scanners and people can recognise one).
SECRET_PREFIX = "dak_"  # noqa: S105 - the format, not a secret
#: Longest secret looked up (a longer header value is not a token of ours).
SECRET_MAX = 100
#: Domain of the technical accounts' addresses (``.invalid``: never a real mailbox).
SERVICE_DOMAIN = "schnittstelle.invalid"
NAME_MIN, NAME_MAX = 3, 120
PURPOSE_MAX = 150
#: Last use is stored at most this often per token and address (one UPDATE, not one per call).
USE_GRANULARITY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def service_name(name: str) -> str:
    """The technical account's display name: what the access log shows as the viewer."""
    return f"Schnittstelle „{name}“"


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _check(name: str, scopes: list[str], purpose: str, expires_on: date | None, today: date):
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ValidationFailed(
            N_("The name must have between %(min)s and %(max)s characters."),
            field="name",
            min=NAME_MIN,
            max=NAME_MAX,
        )
    if not scopes:
        raise ValidationFailed(N_("Choose at least one scope."), field="scopes")
    if PERSONAL_SCOPES & set(scopes) and not purpose:
        raise ValidationFailed(
            N_(
                "Say what the system needs the personal data for: the access log records "
                "this purpose with every call."
            ),
            field="purpose",
        )
    if len(purpose) > PURPOSE_MAX:
        raise ValidationFailed(N_("At most %(max)s characters."), field="purpose", max=PURPOSE_MAX)
    if expires_on is not None and expires_on <= today:
        raise ValidationFailed(N_("The expiry date must lie in the future."), field="expires_on")


def name_in_use(name: str) -> bool:
    return bool(
        db.session.scalar(
            select(ApiToken.id).where(
                func.lower(ApiToken.name) == name.lower(), ApiToken.revoked_at.is_(None)
            )
        )
    )


def create_token(
    actor: User,
    *,
    name: str,
    scopes: list[str],
    purpose: str | None,
    expires_on: date | None,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new token and its secret (to be shown once). ``expires_on``: the last Berlin day
    on which the token works (None: until revoked)."""
    name, purpose_text = _clean(name), _clean(purpose)
    chosen = known(scopes)
    if len(chosen) != len(set(scopes)):
        raise ValidationFailed(N_("Unknown scope."), field="scopes")
    _check(name, chosen, purpose_text, expires_on, to_berlin(now).date())
    if name_in_use(name):
        raise Conflict(N_("A token with this name is already in force."), field="name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    account = User(
        email=f"api-{secrets.token_hex(8)}@{SERVICE_DOMAIN}",
        display_name=service_name(name),
        password_hash=None,
        active=False,
        created_at=now,
    )
    expires_at = None
    if expires_on is not None:
        expires_at = berlin_to_utc(datetime.combine(expires_on + timedelta(days=1), time()))
    token = ApiToken(
        name=name,
        prefix=secret[: len(SECRET_PREFIX) + 6],
        secret_hash=hash_secret(secret),
        scopes=" ".join(chosen),
        purpose=purpose_text or None,
        account=account,
        created_at=now,
        created_by_id=actor.id,
        expires_at=expires_at,
    )
    db.session.add_all([account, token])
    db.session.flush()
    details = {
        "name": name,
        "scopes": ", ".join(chosen),
        "expires_on": expires_on.isoformat() if expires_on else None,
    }
    record(actor, "api_token.created", "api_token", token.id, details=details, now=now)
    db.session.flush()
    return token, secret


def revoke_token(actor: User, token: ApiToken, *, reason: str | None, now: datetime) -> None:
    """Revoke at once: the next call with the token is refused."""
    if token.revoked_at is not None:
        raise Conflict(N_("This token has already been revoked."))
    token.revoked_at = now
    token.revoked_by_id = actor.id
    token.revoke_reason = _clean(reason) or None
    db.session.flush()
    record(
        actor,
        "api_token.revoked",
        "api_token",
        token.id,
        from_state="active",
        to_state="revoked",
        reason=token.revoke_reason,
        details={"name": token.name},
        now=now,
    )
    db.session.flush()


def token_for_secret(secret: str) -> ApiToken | None:
    """The token with this secret (in force or not), None for anything else."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > SECRET_MAX:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret)))


def note_use(token: ApiToken, address: str | None, now: datetime) -> bool:
    """Remember when and from where the token was last used: one conditional UPDATE,
    skipped within ``USE_GRANULARITY`` of the last one from the same address (safe with
    several workers and hosts). True when it was written."""
    address = (address or "")[:64] or None
    last = token.last_used_at
    if last is not None and last >= now - USE_GRANULARITY and token.last_used_address == address:
        return False  # as loaded a moment ago: no statement at all
    result = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - USE_GRANULARITY,
                ApiToken.last_used_address.is_distinct_from(address),
            ),
        )
        .values(last_used_at=now, last_used_address=address)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def scope_labels(token: ApiToken) -> list[str]:
    """The English source labels of the token's scopes (translated on the page)."""
    return [SCOPES[s] for s in known(list(token.scope_set))]
