"""Backing up and restoring the configured database, whichever engine it is.

``make_backup`` writes a file that is complete or not there at all (temporary file,
then rename). ``restore_backup`` first checks everything it can without touching the
database — the file's kind against the engine, that the file is readable, its schema
version, that the database is empty (or ``replace`` was given) — and only then replaces
the content, in one step that either completes or leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from flask import current_app

from academy.backup import postgres, sqlite_files
from academy.backup.formats import (
    BackupError,
    BackupKind,
    atomic_file,
    check_kind_fits,
    check_target,
    detect_kind,
    kind_for_engine,
)
from academy.backup.inventory import (
    SchemaCheck,
    check_schema,
    data_tables_with_rows,
    database_revision,
    table_names,
)
from academy.demo.steps import de_int
from academy.extensions import db


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    kind: BackupKind
    size: int
    tables: int
    seconds: float


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    kind: BackupKind
    replaced: bool  #: the database held data before
    schema: SchemaCheck
    seconds: float


def _bin_dir() -> str:
    return str(current_app.config.get("PG_BIN_DIR", "") or "")


def make_backup(path: Path, *, force: bool = False) -> BackupSummary:
    """Back up the configured database into ``path`` (refused when it exists, unless
    ``force``); safe while the application runs."""
    started = perf_counter()
    engine = db.engine
    kind = kind_for_engine(engine.dialect.name)
    path = path.expanduser().absolute()
    check_target(path, force=force)
    with atomic_file(path) as temporary:
        if kind is BackupKind.SQLITE:
            tables = sqlite_files.backup_to(engine, temporary).tables
        else:
            postgres.dump(engine.url, temporary, _bin_dir())
            tables = len(postgres.archive_tables(temporary, _bin_dir()))
    return BackupSummary(
        path=path,
        kind=kind,
        size=path.stat().st_size,
        tables=tables,
        seconds=perf_counter() - started,
    )


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would do, worked out without changing anything."""

    path: Path
    kind: BackupKind
    backup_schema: SchemaCheck
    tables_with_rows: dict[str, int]  #: the database's data now (empty: nothing to lose)
    #: tables the database has and the backup has not (a newer schema; PostgreSQL only)
    leftover_tables: list[str]

    @property
    def database_is_empty(self) -> bool:
        return not self.tables_with_rows


def plan_restore(path: Path) -> RestorePlan:
    """Check the file and the database; raise a BackupError when the file does not fit."""
    path = path.expanduser().absolute()
    engine = db.engine
    kind = detect_kind(path)
    check_kind_fits(kind, engine.dialect.name)
    archived: list[str] | None = None  # SQLite: the file replaces everything
    if kind is BackupKind.SQLITE:
        sqlite_files.database_file(engine.url)
        revision = sqlite_files.inspect_backup(path).revision
    else:
        archived = postgres.archive_tables(path, _bin_dir())
        revision = postgres.archive_revision(path, _bin_dir())
    if revision is None:
        raise BackupError(
            f"{path} enthält keinen Schemastand (Tabelle alembic_version): das ist keine "
            "Sicherung der Digitalakademie. Es wurde nichts verändert."
        )
    schema = check_schema(revision)
    if not schema.known:
        raise BackupError(
            f"Die Sicherung wurde nicht eingespielt, es wurde nichts verändert. {schema.advice()}"
        )
    db.session.remove()
    with engine.connect() as conn:
        tables_with_rows = data_tables_with_rows(conn)
        present = table_names(conn)
    leftovers = sorted(set(present) - set(archived)) if archived is not None else []
    return RestorePlan(path, kind, schema, tables_with_rows, leftovers)


def restore_backup(plan: RestorePlan, *, replace: bool = False) -> RestoreSummary:
    """Restore the planned file: into an empty database, or over a database with data
    only when ``replace`` (its content is then replaced by the backup's)."""
    if not plan.database_is_empty and not replace:
        tables = sorted(plan.tables_with_rows)
        rows = sum(plan.tables_with_rows.values())
        examples = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"Die Datenbank ist nicht leer: {de_int(rows)} Zeilen in {len(tables)} Tabellen "
            f"({examples}). Eine Sicherung wird nur in eine leere Datenbank eingespielt; "
            "mit --force wird der Inhalt ersetzt. Es wurde nichts verändert."
        )
    started = perf_counter()
    engine = db.engine
    db.session.remove()
    engine.dispose()  # no pooled connection may hold the old content open
    if plan.kind is BackupKind.SQLITE:
        sqlite_files.restore_into(plan.path, sqlite_files.database_file(engine.url))
    else:
        _restore_postgres(plan)
    engine.dispose()
    with engine.connect() as conn:
        schema = check_schema(database_revision(conn))
    return RestoreSummary(
        path=plan.path,
        kind=plan.kind,
        replaced=not plan.database_is_empty,
        schema=schema,
        seconds=perf_counter() - started,
    )


def _newer_foreign_keys(plan: RestorePlan) -> set[tuple[str, str]]:
    """The database's foreign keys the backup does not have (also those of tables it
    does not have, which are dropped after the restore)."""
    archived = postgres.archive_foreign_keys(plan.path, _bin_dir())
    with db.engine.connect() as conn:
        return postgres.foreign_keys(conn) - archived


def _restore_postgres(plan: RestorePlan) -> None:
    """``pg_restore`` in one transaction. Tables the backup does not know (a database
    already migrated to a newer schema) are dropped so that the content equals the
    backup's: before the restore when they hold no rows (they could block ``--clean``),
    else only after it succeeded."""
    engine = db.engine
    if plan.database_is_empty and plan.leftover_tables:
        with engine.begin() as conn:
            postgres.drop_tables(conn, plan.leftover_tables)
    # A newer schema's foreign keys on tables the backup has (a column added later that
    # refers to another table) would keep ``--clean`` from dropping the referenced key;
    # they belong to migrations the backup has not had and come back with the upgrade.
    newer = _newer_foreign_keys(plan)
    if newer:
        with engine.begin() as conn:
            postgres.drop_foreign_keys(conn, newer)
    postgres.restore(engine.url, plan.path, _bin_dir())
    with engine.begin() as conn:
        postgres.drop_tables(conn, sorted(set(plan.leftover_tables) & set(table_names(conn))))
