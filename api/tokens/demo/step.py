"""The ``api`` step of ``flask academy demo``: the service tokens of ``tokens.toml`` —
in force, with an expiry, revoked — with their technical accounts, their audit entries
(made and revoked by the demo administrator) and, for the HR system, access-log entries
of the people it read. Secrets come from the step's random generator (same seed, same
rows); only their hashes are stored, as always."""

from __future__ import annotations

import base64
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import access_purpose, record
from academy.audit.models import AccessLogEntry
from academy.demo.steps import DemoContext, bulk_insert, de_int
from academy.extensions import db
from api.tokens.models import ApiToken
from api.tokens.tokens import SECRET_PREFIX, SERVICE_DOMAIN, hash_secret, service_name
from courses.enrolment.models import Enrolment, EnrolmentState

STEP_NAME = "api"
STEP_ORDER = 99  # after every step that makes completions

TOKENS: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "tokens.toml").read_text("utf-8")
)["token"]


def _secret(ctx: DemoContext) -> str:
    raw = ctx.rng.getrandbits(256).to_bytes(32, "big")
    return SECRET_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token(ctx: DemoContext, spec: dict[str, Any], admin_id: int | None) -> ApiToken:
    created = ctx.now - timedelta(days=spec["created_days_ago"])
    secret = _secret(ctx)
    account = User(
        email=f"api-{ctx.rng.getrandbits(64):016x}@{SERVICE_DOMAIN}",
        display_name=service_name(spec["name"]),
        password_hash=None,
        active=False,
        created_at=created,
    )
    token = ApiToken(
        name=spec["name"],
        prefix=secret[: len(SECRET_PREFIX) + 6],
        secret_hash=hash_secret(secret),
        scopes=" ".join(spec["scopes"]),
        purpose=spec["purpose"] or None,
        account=account,
        created_at=created,
        created_by_id=admin_id,
        last_used_at=ctx.now - timedelta(minutes=spec["last_used_minutes_ago"]),
        last_used_address=spec["address"],
    )
    if "expires_in_days" in spec:
        token.expires_at = ctx.now + timedelta(days=spec["expires_in_days"])
    if "revoked_days_ago" in spec:
        token.revoked_at = ctx.now - timedelta(days=spec["revoked_days_ago"])
        token.revoked_by_id = admin_id
        token.revoke_reason = spec["revoke_reason"]
    db.session.add_all([account, token])
    return token


def _audit(token: ApiToken, admin: User | None) -> None:
    details = {
        "name": token.name,
        "scopes": ", ".join(token.scopes.split()),
        "expires_on": token.valid_through.isoformat() if token.valid_through else None,
    }
    record(admin, "api_token.created", "api_token", token.id, details=details, now=token.created_at)
    if token.revoked_at is not None:
        record(
            admin,
            "api_token.revoked",
            "api_token",
            token.id,
            from_state="active",
            to_state="revoked",
            reason=token.revoke_reason,
            details={"name": token.name},
            now=token.revoked_at,
        )


def _reads(ctx: DemoContext, token: ApiToken, spec: dict[str, Any]) -> int:
    """Access-log entries: the system read the learning record of people with completions."""
    people = sorted(
        db.session.scalars(
            select(Enrolment.employee_id)
            .where(Enrolment.state == EnrolmentState.COMPLETED.value)
            .distinct()
        )
    )
    chosen = ctx.rng.sample(people, min(spec["people"], len(people)))
    purpose = access_purpose(spec["purpose_key"], purpose=token.purpose or "-")
    rows = [
        {
            "at": ctx.now - timedelta(minutes=ctx.rng.randint(10, spec["days"] * 24 * 60)),
            "actor_id": token.account_id,
            "subject_id": person,
            "what": spec["what"],
            "purpose": purpose,
        }
        for person in chosen
    ]
    return bulk_insert(AccessLogEntry, sorted(rows, key=lambda r: r["at"]))


def api_demo_step(ctx: DemoContext) -> str:
    admin_id = ctx.user_ids.get("admin")
    admin = db.session.get(User, admin_id) if admin_id is not None else None
    tokens = [(_token(ctx, spec, admin_id), spec) for spec in TOKENS]
    db.session.flush()
    reads = 0
    for token, spec in tokens:
        _audit(token, admin)
        if "people" in spec:
            reads += _reads(ctx, token, spec)
    db.session.flush()
    return f"Schnittstellen-Zugänge: {len(tokens)}, Abrufe im Zugriffsprotokoll: {de_int(reads)}"
