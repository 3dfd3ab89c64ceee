"""``flask academy init`` (load the default competency frameworks) and
``flask academy import-framework FILE`` (import another framework from CSV or JSON)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click
from flask.cli import with_appcontext

from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.importer import (
    FrameworkImportPreview,
    apply_framework_import,
    parse_framework_csv,
)
from academy.frameworks.registry import default_framework_previews
from academy.i18n import translate
from academy.imports.limits import ImportRefused, import_limits


def _stderr() -> TextIO:
    """Progress bars go to standard error, so the summary stays readable when piped."""
    return sys.stderr


def _counts(preview: FrameworkImportPreview) -> str:
    c = preview.counts
    return f"{c['new']} neu, {c['changed']} geändert, {c['unchanged']} unverändert"


def _echo_issues(preview: FrameworkImportPreview) -> None:
    for issue in preview.errors:
        where = f"Zeile {issue.line}" if issue.line else "Datei"
        click.echo(f"  FEHLER {where}: {translate(issue.message, **issue.params)}", err=True)
    for issue in preview.warnings:
        where = f"Zeile {issue.line}" if issue.line else "Datei"
        click.echo(f"  Hinweis {where}: {translate(issue.message, **issue.params)}")


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Load the default competency frameworks (DigComp 2.2, Fachkompetenzen
    Digitalisierung). Safe to run again: only what differs is changed."""
    now = utcnow()
    for preview in default_framework_previews():
        name = preview.framework.values["name_de"] if preview.framework else preview.filename
        size = (
            f"{len(preview.areas)} Bereiche, {len(preview.competences)} Kompetenzen, "
            f"{len(preview.levels)} Stufen"
        )
        if preview.existing_id is None:
            click.echo(f"Kompetenzrahmen „{name}“ angelegt ({size}).")
        elif preview.has_changes:
            click.echo(f"Kompetenzrahmen „{name}“ aktualisiert ({_counts(preview)}).")
        else:
            click.echo(f"Kompetenzrahmen „{name}“ ist aktuell ({size}).")
        apply_framework_import(None, preview, now)
    db.session.commit()


@click.command("import-framework")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only show what would change; change nothing.")
def import_framework_command(file: Path, dry_run: bool) -> None:
    """Import a competency framework from a CSV or JSON file (see docs/framework-import.md).
    Takes files larger than the web page does (``IMPORT_CLI_FACTOR``) and shows a progress
    bar over its phases (read and check, compare, apply)."""
    with click.progressbar(length=1, label="Datei lesen und prüfen", file=_stderr()) as bar:
        try:
            preview = parse_framework_csv(file.read_bytes(), file.name, import_limits(cli=True))
        except ImportRefused as refused:
            raise click.ClickException(translate(refused.message, **refused.params)) from None
        bar.update(1)
    details = [preview.format.upper()]
    if preview.encoding:
        details.append(f"Kodierung {preview.encoding}")
    if preview.delimiter:
        details.append(f"Trennzeichen {preview.delimiter!r}")
    click.echo(f"Datei {file.name} ({', '.join(details)})")
    if preview.framework_code:
        state = "neu" if preview.existing_id is None else "vorhanden"
        click.echo(f"Kompetenzrahmen {preview.framework_code} ({state})")
    _echo_issues(preview)
    if preview.ok:
        click.echo(
            f"  {len(preview.levels)} Stufen, {len(preview.areas)} Bereiche, "
            f"{len(preview.competences)} Kompetenzen – {_counts(preview)}"
        )
    else:
        click.echo(f"{len(preview.errors)} Fehler – nichts importiert.", err=True)
        raise click.exceptions.Exit(1)
    if dry_run:
        click.echo("Probelauf – nichts geändert.")
        return
    with click.progressbar(length=1, label="Übernehmen", file=_stderr()) as bar:
        framework = apply_framework_import(None, preview, utcnow())
        db.session.commit()
        bar.update(1)
    if preview.has_changes:
        click.echo(f"Importiert: Kompetenzrahmen {framework.code} (id {framework.id}).")
    else:
        click.echo("Keine Änderungen – der Kompetenzrahmen ist bereits aktuell.")
