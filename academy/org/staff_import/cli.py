"""``flask academy import-staff FILE``: the staff import from the command line.

Prints a summary and every problem with its line number. Exit code 1 when the file has
problems (then nothing is applied); with ``--dry-run`` nothing is applied either.
The command commits once, at its end.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import-staff")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="Deactivate active employees who are not in the file (left today).",
)
@click.option("--dry-run", is_flag=True, help="Only show what would change; apply nothing.")
def import_staff(file: Path, deactivate_missing: bool, dry_run: bool) -> None:
    """Import employees, departments and job roles from a CSV or XLSX file."""
    from academy.clock import utcnow
    from academy.extensions import db
    from academy.org.staff_import.importer import (
        apply_staff_import,
        lock_staff_import,
        preview_staff_file,
    )

    now = utcnow()
    if not dry_run:
        lock_staff_import()
    preview = preview_staff_file(file.read_bytes(), file.name, now=now)
    click.echo(f"Datei {file.name}: {preview.rows} Datenzeilen.")
    if preview.ignored_columns:
        click.echo("Nicht verwendete Spalten: " + ", ".join(preview.ignored_columns))
    if preview.problems:
        db.session.rollback()
        click.echo(
            f"{len(preview.problems)} Problem(e) gefunden – es wurde nichts übernommen:", err=True
        )
        for problem in preview.problems:
            where = f"Zeile {problem.line}" if problem.line is not None else "Datei"
            if problem.column:
                where += f", Spalte {problem.column}"
            click.echo(f"  {where}: {problem.text()}", err=True)
        raise click.exceptions.Exit(1)
    missing = (
        f"{preview.deactivated} werden deaktiviert"
        if deactivate_missing
        else f"{preview.deactivated} fehlen in der Datei und bleiben aktiv"
    )
    click.echo(
        f"Beschäftigte: {preview.new} neu, {preview.changed} geändert, "
        f"{preview.unchanged} unverändert; {missing}."
    )
    click.echo(
        f"Bereiche: {preview.departments_new} neu, {preview.departments_changed} geändert. "
        f"Stellen: {preview.job_roles_new} neu."
    )
    if dry_run:
        db.session.rollback()
        click.echo("Probelauf: es wurde nichts übernommen.")
        return
    result = apply_staff_import(None, preview, deactivate_missing=deactivate_missing, now=now)
    db.session.commit()
    click.echo(
        f"Übernommen: {result.new} neu, {result.changed} geändert, "
        f"{result.deactivated} deaktiviert."
    )
