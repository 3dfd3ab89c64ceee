"""``flask academy pflichtschulungen``: the mandatory training in figures (one line per
assignment: people, done, enrolled, not started, overdue) and, with ``--abgleich``, the
tick's bookkeeping at once (who is newly in a target gets their row)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.clock import to_berlin, utcnow
from academy.database import begin_write
from academy.extensions import db
from courses.mandatory.assignments import sync_assignees
from courses.mandatory.models import Status
from courses.mandatory.status import Who, active_assignments, counts_by, pairs

mandatory_cli = AppGroup("pflichtschulungen", help="Pflichtschulungen: Stand und Abgleich.")


@mandatory_cli.command("stand")
@click.option("--abgleich", is_flag=True, help="Neu Zugeordnete vorher erfassen (wie der Tick).")
def status_command(abgleich: bool) -> None:
    """Zeigt je Pflichtschulung, wie viele sie erledigt haben und wie viele überfällig sind."""
    today = to_berlin(utcnow()).date()
    assignments = active_assignments()
    if abgleich:
        begin_write()
        added = sync_assignees(assignments, today)
        db.session.commit()
        click.echo(f"{added} Person(en) neu zugeordnet.")
    figures = counts_by(pairs(assignments, Who.everyone(), today), "assignment_id")
    if not assignments:
        click.echo("Keine aktuelle Pflichtschulung.")
    for assignment in assignments:
        row = figures.get(assignment.id, dict.fromkeys(Status, 0))
        click.echo(
            f"{assignment.title}: {sum(row.values())} Personen, erledigt {row[Status.DONE]}, "
            f"angemeldet {row[Status.ENROLLED]}, offen {row[Status.OPEN]}, "
            f"überfällig {row[Status.OVERDUE]}"
        )
