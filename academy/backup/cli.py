"""``flask academy backup FILE`` and ``flask academy restore FILE``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from academy.backup.backups import make_backup, plan_restore, restore_backup
from academy.backup.formats import BackupError
from academy.demo.steps import de_int, de_seconds


def de_size(size: int) -> str:
    """A file size in German notation: ``2,4 MB``."""
    value = float(size)
    for unit in ("Bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    if unit == "Bytes":
        return f"{size} Bytes"
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE when it exists.")
def backup_command(file: Path, force: bool) -> None:
    """Back up the database into FILE (SQLite: a database file; PostgreSQL: a pg_dump
    archive in custom format). Safe while the application runs."""
    try:
        summary = make_backup(file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Sicherung geschrieben: {summary.path}\n"
        f"  Art:      {summary.kind.label}\n"
        f"  Größe:    {de_size(summary.size)}\n"
        f"  Tabellen: {summary.tables}\n"
        f"  Dauer:    {de_seconds(summary.seconds)}"
    )


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the content of a database that holds data.")
@click.option("--yes", is_flag=True, help="Do not ask before replacing data (with --force).")
def restore_command(file: Path, force: bool, yes: bool) -> None:
    """Restore a backup made with ``flask academy backup`` into the configured database,
    which must be empty (no rows in any table; the schema may exist) unless --force."""
    try:
        plan = plan_restore(file)
        if not plan.database_is_empty and force and not yes:
            rows = sum(plan.tables_with_rows.values())
            if not click.confirm(
                f"Die Datenbank enthält {de_int(rows)} Zeilen in "
                f"{len(plan.tables_with_rows)} Tabellen. Sie werden durch den Inhalt von "
                f"{plan.path} ersetzt. Fortfahren?"
            ):
                raise click.ClickException("Abgebrochen – es wurde nichts verändert.")
        summary = restore_backup(plan, replace=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    verb = "ersetzt durch" if summary.replaced else "eingespielt aus"
    click.echo(f"Datenbank {verb} {summary.path}")
    click.echo(f"  Art:      {summary.kind.label}")
    click.echo(f"  Dauer:    {de_seconds(summary.seconds)}")
    click.echo(summary.schema.advice())
