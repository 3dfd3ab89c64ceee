"""``flask academy retention [--dry-run]`` and the tick step ``retention``."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext
from flask_babel import gettext

from academy.clock import to_berlin, utcnow
from academy.extensions import db
from academy.retention.rules import KIND_BY_KEY, KINDS
from academy.retention.run import (
    RetentionReport,
    RetentionSettingError,
    plan_retention,
    run_retention,
)

ACTIONS = {"delete": "gelöscht", "anonymise": "anonymisiert"}


def id_ranges(ids: tuple[int, ...] | list[int]) -> str:
    """``1–3, 7, 9–10``: sorted ids with runs joined (a stable, short summary)."""
    parts: list[str] = []
    ordered = sorted(set(ids))
    start = prev = None
    for value in [*ordered, None]:
        if value is not None and prev is not None and value == prev + 1:
            prev = value
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = value
    return ", ".join(parts)


def _period_line(report: RetentionReport) -> list[str]:
    lines = [f"Stichtag: {to_berlin(report.now):%d.%m.%Y %H:%M}"]
    for kind in KINDS:
        days = report.periods[kind.key]
        if not days:
            lines.append(f"  {kind.label}: ausgeschaltet ({kind.setting}=0)")
        elif kind.anchor == "leaving":
            lines.append(f"  {kind.label}: {days} Tage nach dem Austritt ({kind.setting})")
        else:
            lines.append(f"  {kind.label}: Einträge älter als {days} Tage ({kind.setting})")
    return lines


def report_lines(report: RetentionReport) -> list[str]:
    """The printed report: periods, then per kind and rule the count and the ids."""
    lines = _period_line(report)
    verb = "würden" if report.dry_run else "wurden"
    for change in report.changes:
        kind = KIND_BY_KEY[change.kind]
        line = (
            f"{kind.label} / {change.rule}: {len(change.ids)} {verb} "
            f"{ACTIONS[change.action]} – {change.description}"
        )
        lines.append(line)
        if change.ids:
            lines.append(f"    Nr. {id_ranges(change.ids)}")
    counts = ", ".join(
        f"{KIND_BY_KEY[k].label} {n}" for k, n in report.counts_per_kind().items() if n
    )
    total = f"Insgesamt: {report.total} Datensätze {verb} geändert"
    lines.append(f"{total} ({counts})." if counts else f"{total}.")
    if report.dry_run:
        lines.append("Probelauf: nichts wurde geändert.")
    return lines


def _settings_error(exc: RetentionSettingError) -> click.ClickException:
    return click.ClickException(gettext(exc.message, **exc.params))  # type: ignore[arg-type]


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Nur anzeigen, was gelöscht oder anonymisiert würde.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Delete or anonymise records after their retention periods; idempotent."""
    now = utcnow()
    try:
        report = plan_retention(now) if dry_run else run_retention(now)
    except RetentionSettingError as exc:
        db.session.rollback()
        raise _settings_error(exc) from exc
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in report_lines(report):
        click.echo(line)


def retention_tick(now: datetime) -> str:
    """The tick step: one run, committed; a one-line summary."""
    report = run_retention(now)
    db.session.commit()
    if not report.total:
        return "Aufbewahrung: nichts fällig."
    counts = ", ".join(
        f"{KIND_BY_KEY[k].label} {n}" for k, n in report.counts_per_kind().items() if n
    )
    return f"Aufbewahrung: {report.total} Datensätze gelöscht oder anonymisiert ({counts})."
