"""``flask academy budgets rebuild``: book every enrolment as its state says (after the
upgrade, the places confirmed before budgets existed) and price every session again."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.clock import utcnow
from academy.extensions import db
from courses.budgets.ledger import rebuild

budgets_cli = AppGroup("budgets", help="Fortbildungsbudgets: Buchungen der Plätze.")


@budgets_cli.command("rebuild")
def rebuild_command() -> None:
    """Bucht alle Anmeldungen nach ihrem Stand neu (idempotent)."""
    result = rebuild(utcnow())
    db.session.commit()
    click.echo(result.summary())
