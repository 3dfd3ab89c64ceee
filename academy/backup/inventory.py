"""What a database holds: its tables, their row counts, whether it is empty, and
whether its schema version (Alembic) matches the code.

**Empty** means: no data rows in any table of the application's schema. The schema
itself may exist (after ``flask db upgrade``) and ``alembic_version`` may hold its one
row (that is the schema's version, not data); a database without any tables is empty too.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

VERSION_TABLE = "alembic_version"


def table_names(conn: Connection) -> list[str]:
    """The tables of the connection's default schema (SQLite's own tables excluded)."""
    return sorted(inspect(conn).get_table_names())


def quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table, ``alembic_version`` included."""
    counts = {}
    for name in table_names(conn):  # names from the database's catalogue, quoted
        statement = text(f"SELECT count(*) FROM {quoted(conn, name)}")  # noqa: S608
        counts[name] = int(conn.execute(statement).scalar_one())
    return counts


def data_tables_with_rows(conn: Connection) -> dict[str, int]:
    """The application tables that hold rows (``alembic_version`` is not data)."""
    return {
        name: count
        for name, count in row_counts(conn).items()
        if name != VERSION_TABLE and count > 0
    }


def database_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at; None without a version table or row."""
    if VERSION_TABLE not in table_names(conn):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def code_revisions() -> ScriptDirectory:
    from academy import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


@dataclass(frozen=True)
class SchemaCheck:
    """How a database's (or backup's) schema version relates to the code's head."""

    revision: str | None
    head: str
    known: bool  #: the code has this revision (else the backup is from a newer version)

    @property
    def current(self) -> bool:
        return self.revision == self.head

    def advice(self) -> str:
        """One German sentence: all is well, or what to run."""
        if self.current:
            return f"Schemastand {self.revision} – passt zum Code."
        if self.revision is None:
            return (
                "Die Datenbank hat keinen Schemastand (Tabelle alembic_version fehlt oder ist "
                f"leer); der Code erwartet {self.head}. Bitte prüfen und gegebenenfalls "
                "„flask db upgrade“ ausführen."
            )
        if not self.known:
            return (
                f"Schemastand {self.revision} ist diesem Code unbekannt (der Code kennt bis "
                f"{self.head}): die Sicherung stammt wohl aus einer neueren Version der "
                "Anwendung. Bitte diese Version installieren."
            )
        return (
            f"Die Datenbank hat den Schemastand {self.revision}, der Code erwartet "
            f"{self.head}: bitte jetzt „flask db upgrade“ ausführen."
        )


def check_schema(revision: str | None) -> SchemaCheck:
    script = code_revisions()
    head = script.get_current_head() or ""
    known = False
    if revision is not None:
        known = any(r.revision == revision for r in script.walk_revisions())
    return SchemaCheck(revision=revision, head=head, known=known)
