"""``flask academy import-staff FILE``: the staff import from the command line.

Prints a summary and every problem with its line number. Exit code 1 when the file has
problems (then nothing is applied); with ``--dry-run`` nothing is applied either.
The command commits once, at its end. It takes files larger than the web page does
(``IMPORT_CLI_FACTOR`` times ``IMPORT_MAX_BYTES`` and ``IMPORT_MAX_ROWS``) and shows a
progress bar over its phases: read, check, compare, apply.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click
from flask.cli import with_appcontext

from academy.i18n import translate


def _stderr() -> TextIO:
    """The progress bar goes to standard error, so the summary stays readable when piped."""
    return sys.stderr


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
    from academy.imports.limits import ImportRefused, import_limits
    from academy.org.staff_import.checks import parse_staff_file
    from academy.org.staff_import.importer import (
        apply_staff_import,
        lock_staff_import,
        preview_staff_import,
    )

    now = utcnow()
    if not dry_run:
        lock_staff_import()
    with click.progressbar(length=2, label="Datei lesen und prüfen", file=_stderr()) as bar:
        try:
            staff = parse_staff_file(file.read_bytes(), file.name, import_limits(cli=True))
        except ImportRefused as refused:
            db.session.rollback()
            raise click.ClickException(translate(refused.message, **refused.params)) from None
        bar.label = f"{len(staff.rows)} Zeilen mit dem Bestand vergleichen"
        bar.update(1)
        preview = preview_staff_import(staff, now=now)
        bar.update(1)
        bar.label = "Fertig geprüft"
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
    with click.progressbar(length=1, label="Übernehmen", file=_stderr()) as bar:
        result = apply_staff_import(None, preview, deactivate_missing=deactivate_missing, now=now)
        db.session.commit()
        bar.update(1)
    click.echo(
        f"Übernommen: {result.new} neu, {result.changed} geändert, "
        f"{result.deactivated} deaktiviert."
    )
