"""``flask academy backup``: a demo database backed up and restored into fresh
databases gives the same rows (counts, seat counters, key tables), on the engine the
suite runs on; an existing file is not overwritten without ``--force``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import text

from academy.backup.formats import BackupKind, detect_kind
from academy.extensions import db
from tests.academy.backup.conftest import Databases, fingerprint, invoke


def test_backup_writes_a_file_of_the_engines_kind_and_says_what_it_wrote(
    databases: Databases, demo_app: Flask, demo_backup: Path
) -> None:
    expected = BackupKind.SQLITE if databases.engine_name == "sqlite" else BackupKind.PGDUMP
    assert detect_kind(demo_backup) is expected
    assert demo_backup.stat().st_mode & 0o077 == 0  # readable by its owner only
    result = invoke(demo_app, "backup", str(demo_backup.with_name("again.backup")))
    assert result.exit_code == 0, result.output
    assert "Sicherung geschrieben" in result.output
    tables = len(fingerprint(demo_app)["counts"])
    assert f"Tabellen: {tables}" in result.output
    assert "Größe:" in result.output and "Dauer:" in result.output


def test_round_trip_into_a_migrated_empty_database(
    databases: Databases, demo_app: Flask, demo_backup: Path
) -> None:
    before = fingerprint(demo_app)
    assert before["counts"]["enrolments"] > 100 and before["seats_taken"] > 0

    target = databases.new_app()  # the schema exists (flask db upgrade), no rows
    result = invoke(target, "restore", str(demo_backup))

    assert result.exit_code == 0, result.output
    assert "passt zum Code" in result.output
    assert fingerprint(target) == before


def test_round_trip_into_a_database_without_tables(
    databases: Databases, demo_app: Flask, demo_backup: Path
) -> None:
    target = databases.new_app(migrate=None)
    result = invoke(target, "restore", str(demo_backup))
    assert result.exit_code == 0, result.output
    assert fingerprint(target) == fingerprint(demo_app)


def test_an_existing_file_is_not_overwritten_without_force(demo_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "nightly.backup"
    path.write_bytes(b"yesterday")

    refused = invoke(demo_app, "backup", str(path))
    assert refused.exit_code == 1
    assert "gibt es schon" in refused.output and "--force" in refused.output
    assert path.read_bytes() == b"yesterday"

    forced = invoke(demo_app, "backup", "--force", str(path))
    assert forced.exit_code == 0, forced.output
    assert detect_kind(path) in (BackupKind.SQLITE, BackupKind.PGDUMP)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nightly.backup"]  # no temp file


def test_a_missing_folder_is_refused_and_nothing_is_written(
    demo_app: Flask, tmp_path: Path
) -> None:
    result = invoke(demo_app, "backup", str(tmp_path / "missing" / "x.backup"))
    assert result.exit_code == 1
    assert "Den Ordner" in result.output and "gibt es nicht" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_backup_taken_during_an_open_write_transaction_holds_only_committed_rows(
    databases: Databases, tmp_path: Path
) -> None:
    """The application keeps running: a writer in the middle of its transaction neither
    blocks the backup nor leaks its uncommitted rows into it."""
    source = databases.new_app()
    with source.app_context():
        engine = db.engine
        writer = engine.connect()
        try:
            transaction = writer.begin()
            writer.execute(
                text(
                    "INSERT INTO departments (code, name, path, active)"
                    " VALUES ('W', 'In Arbeit', '/w/', TRUE)"
                )
            )
            result = invoke(source, "backup", str(tmp_path / "online.backup"))
            transaction.rollback()
        finally:
            writer.close()
    assert result.exit_code == 0, result.output

    target = databases.new_app(migrate=None)
    assert invoke(target, "restore", str(tmp_path / "online.backup")).exit_code == 0
    assert fingerprint(target) == fingerprint(source)
    assert fingerprint(target)["counts"]["departments"] == 0
