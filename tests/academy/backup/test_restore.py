"""``flask academy restore``: only into an empty database unless ``--force`` (asked
unless ``--yes``); a backup of the wrong kind or from a newer schema is refused with
nothing changed; an older schema version is restored and the command says to upgrade."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from academy.extensions import db
from tests.academy.backup.conftest import Databases, fingerprint, invoke


def add_department(app: Flask) -> None:
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO departments (code, name, path, active)"
                " VALUES ('X', 'Extra', '/x/', TRUE)"
            )
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_database_with_rows_is_refused_then_replaced_with_force_and_yes(
    databases: Databases, demo_app: Flask, demo_backup: Path
) -> None:
    target = databases.new_app()
    add_department(target)
    before = fingerprint(target)

    refused = invoke(target, "restore", str(demo_backup))
    assert refused.exit_code == 1
    assert "nicht leer" in refused.output and "departments" in refused.output
    assert fingerprint(target) == before

    declined = invoke(target, "restore", "--force", str(demo_backup), input="n\n")
    assert declined.exit_code == 1
    assert "Fortfahren?" in declined.output and "Abgebrochen" in declined.output
    assert fingerprint(target) == before

    replaced = invoke(target, "restore", "--force", "--yes", str(demo_backup))
    assert replaced.exit_code == 0, replaced.output
    assert "ersetzt durch" in replaced.output
    assert fingerprint(target) == fingerprint(demo_app)


def test_force_asks_and_goes_on_when_confirmed(
    databases: Databases, demo_app: Flask, demo_backup: Path
) -> None:
    target = databases.new_app()
    add_department(target)
    result = invoke(target, "restore", "--force", str(demo_backup), input="y\n")
    assert result.exit_code == 0, result.output
    assert fingerprint(target) == fingerprint(demo_app)


def plain_sqlite_file(folder: Path) -> Path:
    """A real SQLite database file that is not the Digitalakademie's."""
    path = folder / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE departments (id INTEGER PRIMARY KEY)")
        conn.commit()
    return path


def wrong_kind_file(databases: Databases, folder: Path) -> Path:
    """A backup of the other engine's kind: a real SQLite file, or a pg_dump archive's
    magic bytes (the refusal comes from the kind, before any program runs)."""
    if databases.engine_name == "postgresql":
        return plain_sqlite_file(folder)
    path = folder / "other-engine.backup"
    path.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01")
    return path


def test_a_backup_of_the_wrong_kind_is_refused_and_nothing_changes(
    databases: Databases, tmp_path: Path
) -> None:
    target = databases.new_app()
    add_department(target)
    before = fingerprint(target)

    result = invoke(
        target, "restore", "--force", "--yes", str(wrong_kind_file(databases, tmp_path))
    )

    assert result.exit_code == 1
    assert "passt nicht" in result.output and "nichts verändert" in result.output
    assert fingerprint(target) == before


def test_a_file_that_is_no_backup_or_missing_is_refused(
    databases: Databases, tmp_path: Path
) -> None:
    target = databases.new_app(migrate=None)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("Ein Einkaufszettel", encoding="utf-8")
    assert "keine Sicherung" in invoke(target, "restore", str(text_file)).output
    assert "gibt es nicht" in invoke(target, "restore", str(tmp_path / "none")).output
    assert fingerprint(target)["counts"] == {}


def test_a_database_file_of_another_application_is_refused(
    databases: Databases, tmp_path: Path
) -> None:
    if databases.engine_name != "sqlite":
        pytest.skip("an SQLite file is refused by its kind on PostgreSQL")
    target = databases.new_app(migrate=None)
    other = plain_sqlite_file(tmp_path)
    result = invoke(target, "restore", str(other))
    assert result.exit_code == 1
    assert "keine Sicherung der Digitalakademie" in result.output
    assert fingerprint(target)["counts"] == {}


def set_revision(app: Flask, revision: str) -> None:
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_backup_from_a_newer_version_of_the_application_is_refused(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.new_app()
    set_revision(source, "9999_from_the_future")
    path = tmp_path / "future.backup"
    assert invoke(source, "backup", str(path)).exit_code == 0
    target = databases.new_app(migrate=None)

    result = invoke(target, "restore", str(path))

    assert result.exit_code == 1
    assert "9999_from_the_future" in result.output and "unbekannt" in result.output
    assert fingerprint(target)["counts"] == {}


def test_an_older_backup_is_restored_and_the_command_says_to_upgrade(
    databases: Databases, tmp_path: Path
) -> None:
    source = databases.new_app(migrate="0004_certificates")
    add_department(source)
    path = tmp_path / "old.backup"
    assert invoke(source, "backup", str(path)).exit_code == 0
    target = databases.new_app()  # already at the newest schema, no rows

    result = invoke(target, "restore", str(path))

    assert result.exit_code == 0, result.output
    assert "0004_certificates" in result.output and "flask db upgrade" in result.output
    assert fingerprint(target) == fingerprint(source)  # tables of newer migrations gone
    with target.app_context():
        upgrade()  # what the command said to run works
        db.engine.dispose()
    assert fingerprint(target)["counts"]["departments"] == 1


def test_an_older_backup_replaces_a_newer_database_with_data(
    databases: Databases, tmp_path: Path
) -> None:
    """The newer schema's tables and foreign keys (columns added later that refer to
    tables the backup has) must not block ``--clean``; the content becomes the backup's."""
    source = databases.new_app(migrate="0004_certificates")
    add_department(source)
    path = tmp_path / "old.backup"
    assert invoke(source, "backup", str(path)).exit_code == 0
    target = databases.new_app()  # the newest schema, with rows
    add_department(target)

    result = invoke(target, "restore", "--force", "--yes", str(path))

    assert result.exit_code == 0, result.output
    assert fingerprint(target) == fingerprint(source)
