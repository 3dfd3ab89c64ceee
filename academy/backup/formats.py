"""What a backup file is: the kind is read from the file's own first bytes (an SQLite
database starts with ``SQLite format 3``, a ``pg_dump --format=custom`` archive with
``PGDMP``), so a restore knows what it got without trusting the file name."""

from __future__ import annotations

import enum
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is German and says why.
    Raised before anything is changed (a restore that fails half-way rolls back)."""


class BackupKind(enum.StrEnum):
    SQLITE = "sqlite"
    PGDUMP = "pgdump"

    @property
    def label(self) -> str:
        return {
            BackupKind.SQLITE: "SQLite-Sicherung (Datenbankdatei)",
            BackupKind.PGDUMP: "PostgreSQL-Sicherung (pg_dump-Archiv, Custom-Format)",
        }[self]


#: The kind of backup each database engine writes and reads.
KIND_OF_ENGINE = {"sqlite": BackupKind.SQLITE, "postgresql": BackupKind.PGDUMP}

ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def kind_for_engine(engine_name: str) -> BackupKind:
    try:
        return KIND_OF_ENGINE[engine_name]
    except KeyError:
        raise BackupError(
            f"Sicherungen gibt es nur für SQLite und PostgreSQL, nicht für {engine_name}."
        ) from None


def detect_kind(path: Path) -> BackupKind:
    """The kind of backup in ``path``, from its first bytes; a clear error otherwise."""
    if not path.exists():
        raise BackupError(f"Die Datei {path} gibt es nicht.")
    if not path.is_file():
        raise BackupError(f"{path} ist keine Datei.")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"Die Datei {path} kann nicht gelesen werden: {exc.strerror}.") from exc
    if head.startswith(SQLITE_MAGIC):
        return BackupKind.SQLITE
    if head.startswith(PGDUMP_MAGIC):
        return BackupKind.PGDUMP
    raise BackupError(
        f"{path} ist keine Sicherung der Digitalakademie: weder eine SQLite-Datenbankdatei "
        "noch ein PostgreSQL-Archiv von pg_dump im Custom-Format (--format=custom)."
    )


def check_kind_fits(kind: BackupKind, engine_name: str) -> None:
    """Refuse a backup made for the other engine, before anything is touched."""
    expected = kind_for_engine(engine_name)
    if kind is not expected:
        raise BackupError(
            f"Die Datei ist eine {kind.label}, die konfigurierte Datenbank ist aber "
            f"{ENGINE_LABELS.get(engine_name, engine_name)}: sie passt nicht und wurde nicht "
            f"eingespielt. Es wurde nichts verändert. (Ein Wechsel zwischen SQLite und "
            "PostgreSQL geht nicht über Sicherung und Wiederherstellung.)"
        )


def check_target(path: Path, *, force: bool) -> None:
    """The backup file may be written: its folder exists, and it is not there yet
    (unless ``force``)."""
    if path.exists() and path.is_dir():
        raise BackupError(f"{path} ist ein Ordner; bitte einen Dateinamen angeben.")
    if path.exists() and not force:
        raise BackupError(
            f"Die Datei {path} gibt es schon; sie wird nicht überschrieben (mit --force doch)."
        )
    if not path.parent.is_dir():
        raise BackupError(f"Den Ordner {path.parent} gibt es nicht.")


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces ``path`` only when the block ends
    without an error (rename in the same folder); removed otherwise."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb") as synced:
            os.fsync(synced.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
