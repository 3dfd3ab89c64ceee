"""The ``api`` step of ``flask academy demo``: the demo city's service tokens (in force,
expiring, revoked), their audit entries and the HR system's reads in the access log —
the same rows for the same seed, and a token the demo shows is one the API would take."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, select

from academy.accounts.models import User
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.clock import utcnow
from academy.demo.steps import DemoContext, demo_steps, step_rng
from api.tokens.demo.step import api_demo_step
from api.tokens.models import ApiToken

ARGS = ["academy", "demo", "--employees", "200", "--seed", "7"]


def rows(db: Any) -> list[tuple[Any, ...]]:
    tokens = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    return [
        (t.name, t.secret_hash, t.scopes, t.account.email, t.revoked_at is None) for t in tokens
    ]


def test_step_runs_after_the_completions(app: Flask) -> None:
    names = [s.name for s in demo_steps]
    assert names.index("api") > names.index("courses")


def test_demo_tokens_audit_and_access_log(app: Flask, db: Any) -> None:
    result = app.test_cli_runner().invoke(args=ARGS)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Schnittstellen-Zugänge: 4" in result.output
    first = rows(db)
    assert [r[0] for r in first] == [
        "Intranet Fortbildungskalender",
        "SAP HCM Personalakte",
        "Personalrat Kennzahlen-Dashboard",
        "Altes Bildungsportal",
    ]
    assert [r[4] for r in first] == [True, True, True, False]
    hcm = db.session.scalars(select(ApiToken).where(ApiToken.name == "SAP HCM Personalakte")).one()
    reads = db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.actor_id == hcm.account_id)
    ).all()
    assert 0 < len(reads) <= 60 and all(r.what == "api.learning" for r in reads)
    assert reads[0].purpose.endswith("in die Personalakte")
    actions = db.session.scalars(
        select(AuditLogEntry.action).where(AuditLogEntry.object_type == "api_token")
    ).all()
    assert sorted(actions) == ["api_token.created"] * 4 + ["api_token.revoked"]


def test_same_seed_same_rows(app: Flask, db: Any) -> None:
    assert app.test_cli_runner().invoke(args=ARGS).exit_code == 0
    first = rows(db)
    emails = [r[3] for r in first]
    db.session.execute(delete(ApiToken))
    db.session.execute(delete(User).where(User.email.in_(emails)))
    db.session.flush()
    # the whole demo refuses to run over existing staff: the step alone, same seed
    context = DemoContext(seed=7, employee_count=200, now=utcnow(), rng=step_rng(7, "api"))
    api_demo_step(context)
    assert rows(db) == first
    other = DemoContext(seed=8, employee_count=200, now=utcnow(), rng=step_rng(8, "api"))
    db.session.execute(delete(ApiToken))
    db.session.execute(delete(User).where(User.email.in_(emails)))
    api_demo_step(other)
    assert [r[1] for r in rows(db)] != [r[1] for r in first]
