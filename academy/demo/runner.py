"""``flask academy demo``: fills an empty database with the demo city administration and
one account per role; deterministic for the same ``--seed`` and ``--employees``.
Everything is committed once at the end: a failed run leaves nothing half-loaded (and
``--if-empty`` simply tries again next time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from time import perf_counter
from typing import TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from academy.clock import utcnow
from academy.database import refresh_statistics
from academy.demo import steps
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.demo.staff import core_step
from academy.demo.steps import (
    CORE_STEP,
    DEFAULT_EMPLOYEES,
    DEFAULT_SEED,
    MIN_EMPLOYEES,
    DemoContext,
    de_int,
    de_seconds,
    step_rng,
    timed,
)
from academy.extensions import db
from academy.org.models import Department, Employee

T = TypeVar("T")


def database_is_empty() -> bool:
    return not (
        db.session.scalar(select(func.count()).select_from(Employee))
        or db.session.scalar(select(func.count()).select_from(Department))
    )


def run_demo(
    *, seed: int, employee_count: int, now: datetime, echo: Callable[[str], None] = click.echo
) -> DemoContext:
    """Run the core step and every registered step; flushes, the caller commits."""
    ctx = DemoContext(
        seed=seed, employee_count=employee_count, now=now, rng=step_rng(seed, CORE_STEP),
        echo=echo,
    )  # fmt: skip
    core_step(ctx)
    for step in list(steps.demo_steps):
        ctx.rng = step_rng(seed, step.name)
        started = perf_counter()
        summary = step.fn(ctx)
        db.session.flush()
        timed(ctx, started, summary or f"Schritt „{step.name}“ erledigt")
    return ctx


@click.command("demo")
@with_appcontext
@click.option(
    "--employees",
    "employee_count",
    type=click.IntRange(min=MIN_EMPLOYEES),
    default=DEFAULT_EMPLOYEES,
    show_default=True,
    help="Number of employees to create.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Random seed: the same seed gives the same data.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when the database already holds employees or departments.",
)
@click.option(
    "--allow-production", is_flag=True,
    help="Load demo data (with well-known passwords) even when APP_ENV=production.",
)  # fmt: skip
def demo_command(employee_count: int, seed: int, if_empty: bool, allow_production: bool) -> None:
    """Load demo data: a city administration with its staff and one account per role."""
    if current_app.config.get("APP_ENV") == "production" and not allow_production:
        raise click.ClickException(
            "Im Produktivbetrieb (APP_ENV=production) werden keine Demodaten mit bekannten "
            "Passwörtern geladen (außer mit --allow-production)."
        )
    if not database_is_empty():
        if if_empty:
            click.echo(
                "Es gibt schon Beschäftigte oder Organisationseinheiten – keine Demodaten geladen."
            )
            return
        raise click.ClickException(
            "Die Datenbank enthält schon Beschäftigte oder Organisationseinheiten. Demodaten "
            "werden nur in eine leere Datenbank geladen."
        )
    started = perf_counter()
    click.echo(f"Lade Demodaten: {de_int(employee_count)} Beschäftigte, Startwert {seed} …")
    run_demo(seed=seed, employee_count=employee_count, now=utcnow())
    committing = perf_counter()
    db.session.commit()
    refresh_statistics(force=True)  # SQLite's planner needs them for the large tables
    click.echo(f"Gespeichert in {de_seconds(perf_counter() - committing)}.")
    click.echo(f"Demodaten geladen in {de_seconds(perf_counter() - started)}. Demo-Konten:")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<36} {account.password}")
