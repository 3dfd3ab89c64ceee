"""SQLite: copies through SQLite's online backup API (``sqlite3.Connection.backup``),
which takes a consistent snapshot while the application keeps running (WAL), and in the
other direction replaces the configured database file's content page by page."""

from __future__ import annotations

import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, Engine

from academy.backup.formats import BackupError
from academy.backup.inventory import VERSION_TABLE


@dataclass(frozen=True)
class SqliteContents:
    tables: int
    rows: int
    revision: str | None


def database_file(url: URL) -> Path:
    """The file behind an SQLite URL; in-memory databases cannot be backed up."""
    name = url.database or ""
    if name in {"", ":memory:"} or name.startswith("file::memory:"):
        raise BackupError("Eine SQLite-Datenbank im Arbeitsspeicher kann nicht gesichert werden.")
    return Path(name).expanduser().resolve()


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup file (``immutable``: no locks, no -wal file)."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)


def contents(connection: sqlite3.Connection) -> SqliteContents:
    """Tables, rows and schema version of an SQLite database (checked for damage)."""
    result = connection.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"Die SQLite-Datei ist beschädigt ({result[0] if result else '?'}).")
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    rows = 0
    for name in names:  # from the file's own catalogue, quoted
        quoted = name.replace('"', '""')
        rows += connection.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0]  # noqa: S608
    revision = None
    if VERSION_TABLE in names:
        found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = found[0] if found else None
    return SqliteContents(tables=len(names), rows=rows, revision=revision)


def inspect_backup(path: Path) -> SqliteContents:
    """What an SQLite backup file holds; a German error when it is not readable."""
    try:
        with closing(read_only(path)) as connection:
            return contents(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Die SQLite-Datei {path} kann nicht gelesen werden: {exc}.") from exc


def backup_to(engine: Engine, target: Path) -> SqliteContents:
    """Copy the live database into ``target`` (an empty file) with the backup API, then
    make the copy a self-contained file (rollback journal, no -wal beside it)."""
    with engine.connect() as conn:
        source = conn.connection.driver_connection
        with closing(sqlite3.connect(target, isolation_level=None)) as copy:
            source.backup(copy)  # type: ignore[union-attr]
            copy.execute("PRAGMA journal_mode=DELETE")
            return contents(copy)


def restore_into(source: Path, target: Path) -> None:
    """Replace the content of the database file ``target`` with the backup ``source``.
    The application's engine must be disposed first (its pooled connections closed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(read_only(source)) as backup,
            closing(sqlite3.connect(target, isolation_level=None, timeout=30)) as live,
        ):
            live.execute("PRAGMA busy_timeout=30000")
            # A WAL database only takes pages of its own size, without WAL any size; when
            # another process holds the file open the mode stays, and the copy still works.
            with suppress(sqlite3.OperationalError):
                live.execute("PRAGMA journal_mode=DELETE")
            backup.backup(live)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"Die Wiederherstellung in {target} ist fehlgeschlagen: {exc}. Läuft die "
            "Anwendung noch? Bitte vorher anhalten."
        ) from exc
