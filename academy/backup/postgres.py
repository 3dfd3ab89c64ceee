"""PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the client programs of
Debian's ``postgresql`` package). The connection comes from the SQLAlchemy URL: host,
port, user and database as arguments, the password only in the subprocess's
``PGPASSWORD`` (never on a command line, where ``ps`` would show it)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection

from academy.backup.formats import BackupError
from academy.backup.inventory import VERSION_TABLE

#: libpq settings that may come in the URL's query (``?sslmode=require``).
_QUERY_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
}


def find_program(name: str, bin_dir: str = "") -> str:
    """``pg_dump``/``pg_restore``: from ``PG_BIN_DIR`` when set, else on PATH, else the
    newest in ``/usr/lib/postgresql/*/bin`` (Debian)."""
    if bin_dir:
        candidate = Path(bin_dir) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(f"{name} gibt es nicht in PG_BIN_DIR={bin_dir}.")
    found = shutil.which(name)
    if found:
        return found
    debian = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", Path(p).parent.parent.name)],
    )
    if debian:
        return debian[-1]
    raise BackupError(
        f"Das Programm {name} wurde nicht gefunden (weder im PATH noch in "
        "/usr/lib/postgresql/*/bin). Bitte das Paket postgresql-client installieren "
        "oder PG_BIN_DIR setzen."
    )


def connection_arguments(url: URL) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for a client program; the password goes
    into the environment only."""
    arguments = ["--no-password"]
    if url.host:
        arguments.append(f"--host={url.host}")
    if url.port:
        arguments.append(f"--port={url.port}")
    if url.username:
        arguments.append(f"--username={url.username}")
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    for key, variable in _QUERY_ENVIRONMENT.items():
        value = url.query.get(key)
        if isinstance(value, tuple):
            value = value[-1]
        if value:
            environment[variable] = str(value)
    host = url.query.get("host")  # a socket folder: ?host=/var/run/postgresql
    if host and not url.host:
        arguments.append(f"--host={host if isinstance(host, str) else host[-1]}")
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - a found program, no shell
            command, env=environment, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise BackupError(f"{what}: {command[0]} kann nicht gestartet werden ({exc}).") from exc
    if done.returncode != 0:
        detail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise BackupError(f"{what} ist fehlgeschlagen (Status {done.returncode}):\n{detail}")
    return done.stdout


def dump(url: URL, target: Path, bin_dir: str = "") -> None:
    """``pg_dump --format=custom`` of the URL's database into ``target``."""
    arguments, environment = connection_arguments(url)
    command = [
        find_program("pg_dump", bin_dir),
        "--format=custom",
        f"--file={target}",
        *arguments,
        f"--dbname={url.database}",
    ]
    _run(command, environment, "Die Sicherung mit pg_dump")


_TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ")


def archive_tables(archive: Path, bin_dir: str = "") -> list[str]:
    """The tables the archive creates (``pg_restore --list``, entries like ``214; 1259
    16403 TABLE public alembic_version owner``); also checks the archive is readable."""
    command = [find_program("pg_restore", bin_dir), "--list", str(archive)]
    listing = _run(command, dict(os.environ), f"Das Lesen von {archive}")
    return sorted(m.group(2) for m in map(_TABLE_ENTRY.match, listing.splitlines()) if m)


_FK_ENTRY = re.compile(r"^\d+; \d+ \d+ FK CONSTRAINT (\S+) (\S+) (\S+) ")


def archive_foreign_keys(archive: Path, bin_dir: str = "") -> set[tuple[str, str]]:
    """The foreign keys the archive creates, as (table, constraint) — entries like
    ``3350; 2606 16500 FK CONSTRAINT public notifications fk_notifications_user_id_users``."""
    command = [find_program("pg_restore", bin_dir), "--list", str(archive)]
    listing = _run(command, dict(os.environ), f"Das Lesen von {archive}")
    return {(m.group(2), m.group(3)) for m in map(_FK_ENTRY.match, listing.splitlines()) if m}


def foreign_keys(conn: Connection) -> set[tuple[str, str]]:
    """The foreign keys of the database's current schema, as (table, constraint)."""
    rows = conn.execute(
        text(
            "SELECT c.relname, k.conname FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace"
        )
    )
    return {(str(table), str(name)) for table, name in rows}


def drop_foreign_keys(conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Drop these foreign keys in the connection's transaction."""
    quote = conn.dialect.identifier_preparer.quote
    for table, name in sorted(keys):
        conn.execute(text(f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {quote(name)}"))


def archive_revision(archive: Path, bin_dir: str = "") -> str | None:
    """The Alembic revision stored in the archive (its ``alembic_version`` data)."""
    command = [
        find_program("pg_restore", bin_dir),
        "--data-only",
        f"--table={VERSION_TABLE}",
        "--file=-",
        str(archive),
    ]
    script = _run(command, dict(os.environ), f"Das Lesen von {archive}")
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY ") and VERSION_TABLE in line:
            value = next(lines, "\\.")
            return None if value == "\\." else value.split("\t")[0]
    return None


def restore(url: URL, archive: Path, bin_dir: str = "") -> None:
    """Replace what the archive holds in the URL's database, all or nothing: the
    archive's objects are dropped if present and re-created in one transaction; owners
    and privileges of the source server are not carried over (the configured account
    owns what it restores)."""
    arguments, environment = connection_arguments(url)
    command = [
        find_program("pg_restore", bin_dir),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *arguments,
        f"--dbname={url.database}",
        str(archive),
    ]
    _run(command, environment, "Die Wiederherstellung mit pg_restore")


def drop_tables(conn: Connection, names: list[str]) -> None:
    """Drop tables (with what depends on them) in the connection's transaction."""
    for name in names:
        quoted = conn.dialect.identifier_preparer.quote(name)
        conn.execute(text(f"DROP TABLE IF EXISTS {quoted} CASCADE"))
