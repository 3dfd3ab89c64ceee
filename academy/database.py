"""Engine set-up per database: SQLite pragmas and transaction handling.

SQLite (the embedded default) holds under concurrent requests because every transaction
is started the same way:

- WAL journal (``journal_mode=WAL``, ``synchronous=NORMAL``): readers never wait for the
  writer, and the writer never waits for readers.
- A busy timeout (``SQLITE_BUSY_TIMEOUT_MS``, default 30 s): a connection that wants the
  write lock while another holds it waits for it instead of failing.
- A transaction that may write starts with ``BEGIN IMMEDIATE``: it takes the write lock
  when it starts, so it waits (busy timeout) at its first statement. A transaction
  started with a plain (deferred) ``BEGIN`` that has read and then writes cannot wait:
  SQLite answers ``database is locked`` at once (the busy handler is not called when a
  read transaction upgrades, and its snapshot may already be stale).
- Requests with a safe method (GET, HEAD, OPTIONS) read: their transaction starts
  deferred (``BEGIN``), so the workers read side by side (WAL) instead of waiting for
  each other for the whole request. When such a request writes after all (the access
  log of a page, a notice marked as read), its read transaction is ended and a
  ``BEGIN IMMEDIATE`` one started before the first writing statement — at
  ``begin_write()``, at a SAVEPOINT, or at the first INSERT/UPDATE/DELETE — so the write
  waits for the lock like any other and never meets ``database is locked``. What it
  read before stays as read (as under PostgreSQL's READ COMMITTED, where each statement
  sees the latest committed data). Every other transaction (POST requests, commands,
  the tick) starts with ``BEGIN IMMEDIATE``.
  ``bench/concurrency.py`` and ``tests/academy/test_concurrency.py`` load the server
  with writes and reads at once; a read outside the application (the ``sqlite3``
  shell, an online backup) reads alongside thanks to WAL.

pysqlite's own transaction handling is switched off (``isolation_level = None``) so that
SQLAlchemy emits the ``BEGIN`` (and SAVEPOINTs work). Nothing of this applies to
PostgreSQL, where row locks and conditional updates serialise writers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from academy.extensions import db

#: Used when the configuration does not say (``SQLITE_BUSY_TIMEOUT_MS``).
DEFAULT_BUSY_TIMEOUT_MS = 30_000
#: Request methods whose transactions start deferred (reading) on SQLite.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``Connection.info`` key: the connection's transaction started deferred and has not
#: written yet.
_READING = "academy_sqlite_reading"
#: Set by ``reading_transactions``: work outside a request that mostly reads.
_READING_WORK: ContextVar[bool] = ContextVar("academy_reading_work", default=False)
_WRITING_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
    timeout = max(0, int(busy_timeout_ms))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, issue BEGIN (see _on_begin).
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only; searches must find "Übersicht" for "übersicht".
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={timeout}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.info.pop(_READING, None)
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        if _READING_WORK.get() or (has_request_context() and request.method in READING_METHODS):
            connection.exec_driver_sql("BEGIN")
            connection.info[_READING] = True
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "savepoint")
    def _on_savepoint(connection: Connection, name: str | None) -> None:
        if connection.info.get(_READING):
            _start_writing(connection)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Connection, cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get(_READING) and _WRITING_STATEMENT.match(statement):
            _start_writing(connection)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Connection) -> None:
        connection.info.pop(_READING, None)


def _start_writing(connection: Connection) -> None:
    """End the deferred (reading) transaction of ``connection`` and start a
    ``BEGIN IMMEDIATE`` one in its place: it waits for the write lock (busy timeout)."""
    connection.info.pop(_READING, None)
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("COMMIT")  # nothing written yet: only the read snapshot ends
    raw.execute("BEGIN IMMEDIATE")


def init_database(app: Flask) -> None:
    from academy.scheduler import register_tick_step

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS)
            _configure_sqlite(engine, timeout)
    register_tick_step("database_statistics", statistics_tick, order=95)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def begin_write() -> None:
    """Start the request's transaction if it has not started yet. Services that write call
    it first; calling it again in the same transaction does nothing.

    On SQLite a transaction that may write starts with ``BEGIN IMMEDIATE`` (see the
    module's docstring), so the write lock is held from the first statement on and
    nothing that was read has to be thrown away; the deferred transaction of a reading
    request is exchanged for such a one here. On PostgreSQL nothing is needed: row locks
    (``with_for_update``) and conditional updates serialise writers.
    """
    if is_sqlite():
        connection = db.session.connection()
        if connection.info.get(_READING):
            _start_writing(connection)


@contextmanager
def reading_transactions() -> Iterator[None]:
    """Work outside a request that reads for long and writes little (an export made in
    the background): on SQLite its transactions start deferred, like a GET request's,
    and turn into write transactions at their first write (see the module's docstring),
    instead of holding the write lock while they read."""
    token = _READING_WORK.set(True)
    try:
        yield
    finally:
        _READING_WORK.reset(token)


# ---------------------------------------------------------------------------
# Planner statistics (SQLite)
# ---------------------------------------------------------------------------
# Without statistics SQLite's planner guesses, and guesses badly for the team pages:
# "active = 1 AND department_id IN (…)" walks the index on ``active`` through the whole
# staff. ``ANALYZE`` (with a sampling limit: a fraction of a second for 50,000 people)
# records how selective each index is. It runs after a large load (demo, migration)
# and from the tick whenever a table has grown or shrunk by a fifth since the last
# run. PostgreSQL keeps its statistics itself (autovacuum).

#: Rows per index that ``ANALYZE`` samples (``PRAGMA analysis_limit``).
ANALYSIS_LIMIT = 1000
#: A table whose row count moved this much since the last ``ANALYZE`` triggers one.
STALE_SHARE = 0.2
#: The tables whose statistics matter most (the largest ones).
WATCHED_TABLES = ("employees", "enrolments", "ratings", "access_log")


def refresh_statistics(force: bool = False) -> bool:
    """Run ``ANALYZE`` on SQLite when the statistics are missing or stale (or
    ``force``); True when it ran. Commits."""
    if not is_sqlite():
        return False
    connection = db.session.connection()
    if not force and not _statistics_stale(connection):
        return False
    connection.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
    connection.exec_driver_sql("ANALYZE")
    db.session.commit()
    return True


def _statistics_stale(connection: Connection) -> bool:
    known = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first()
    if known is None:
        return True
    recorded = dict(
        connection.exec_driver_sql(
            "SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl"
        ).all()
    )
    tables = {
        row[0]
        for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
    }
    for table in WATCHED_TABLES:
        if table not in tables:
            continue
        rows = connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar() or 0  # noqa: S608
        before = recorded.get(table) or 0
        if abs(rows - before) > STALE_SHARE * max(before, 1000):
            return True
    return False


def statistics_tick(now: Any) -> str:
    """Tick step: refresh the planner statistics when they are stale (SQLite)."""
    return "Statistik aktualisiert" if refresh_statistics() else "Statistik aktuell"
