"""Scheduled work: steps that ``flask academy tick`` runs, e.g. every minute from cron or a
systemd timer.

Every package registers its steps (waitlist deadlines, reminders, retention, the e-mail
outbox) with ``register_tick_step``. A step takes ``now``, does its work idempotently and
safely on several hosts at once (conditional UPDATEs, claims), commits it, and returns a
one-line German summary. A failing step is rolled back and reported; the others still
run, and the command exits with status 1 at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from academy.clock import utcnow
from academy.extensions import db

TickFn = Callable[[datetime], str]


@dataclass(frozen=True)
class TickStep:
    name: str
    fn: TickFn
    order: int = 100


@dataclass(frozen=True)
class StepOutcome:
    name: str
    ok: bool
    summary: str


_STEPS: dict[str, TickStep] = {}


def register_tick_step(name: str, fn: TickFn, order: int = 100) -> None:
    """Add a step; registering the same name again replaces it (several apps per process)."""
    _STEPS[name] = TickStep(name=name, fn=fn, order=order)


def tick_steps() -> list[TickStep]:
    """The registered steps in the order they run (``order``, then name)."""
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def run_tick(now: datetime, only: tuple[str, ...] = ()) -> list[StepOutcome]:
    """Run every registered step (or those named in ``only``); never stops on a failure."""
    outcomes: list[StepOutcome] = []
    for step in tick_steps():
        if only and step.name not in only:
            continue
        try:
            summary = step.fn(now)
            db.session.commit()  # a safety net: steps commit their own work
        except Exception as exc:
            db.session.rollback()
            current_app.logger.exception("tick step %s failed", step.name)
            outcomes.append(StepOutcome(step.name, False, f"{type(exc).__name__}: {exc}"))
        else:
            outcomes.append(StepOutcome(step.name, True, summary or "erledigt"))
    return outcomes


@click.command("tick")
@with_appcontext
@click.option(
    "--step", "only", multiple=True, help="Nur diesen Schritt ausführen (mehrfach möglich)."
)
def tick_command(only: tuple[str, ...]) -> None:
    """Run the scheduled work (deadlines, reminders, retention, e-mail); idempotent."""
    import academy.notifications.outbox  # noqa: F401 - registers the e-mail sender (runs last)

    unknown = sorted(set(only) - set(_STEPS))
    if unknown:
        raise click.UsageError(f"Unbekannter Schritt: {', '.join(unknown)}")
    outcomes = run_tick(utcnow(), only)
    for outcome in outcomes:
        if outcome.ok:
            click.echo(f"{outcome.name}: {outcome.summary}")
        else:
            click.echo(f"{outcome.name}: FEHLER – {outcome.summary}", err=True)
    failed = [o.name for o in outcomes if not o.ok]
    if failed:
        click.echo(f"{len(failed)} Schritt(e) fehlgeschlagen: {', '.join(failed)}", err=True)
        click.get_current_context().exit(1)
