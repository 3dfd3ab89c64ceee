"""Engine set-up per database: SQLite pragmas and transaction handling.

SQLite (the embedded default) holds under concurrent requests because every transaction
is started the same way:

- WAL journal (``journal_mode=WAL``, ``synchronous=NORMAL``): readers never wait for the
  writer, and the writer never waits for readers.
- A busy timeout (``SQLITE_BUSY_TIMEOUT_MS``, default 30 s): a connection that wants the
  write lock while another holds it waits for it instead of failing.
- ``BEGIN IMMEDIATE`` for EVERY transaction, reads included: a transaction takes the
  write lock when it starts, so it waits (busy timeout) at its first statement. A
  transaction started with a plain (deferred) ``BEGIN`` that has read and then writes —
  a login, a failed login, the access log written while serving a GET page — cannot
  wait: SQLite answers ``database is locked`` at once (the busy handler is not called
  when a read transaction upgrades, and its snapshot may already be stale). Which
  requests will write is not known when their first statement runs (most pages write
  the access log after reading), so no transaction starts deferred.
  What this costs: two transactions of the same database never run at the same time, so
  gunicorn's workers serialise on the database part of each request
  (``bench/concurrency.py`` prints the figures); a read outside the application (the
  ``sqlite3`` shell, an online backup) still reads alongside thanks to WAL.

pysqlite's own transaction handling is switched off (``isolation_level = None``) so that
SQLAlchemy emits the ``BEGIN`` (and SAVEPOINTs work). Nothing of this applies to
PostgreSQL, where row locks and conditional updates serialise writers.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from academy.extensions import db

#: Used when the configuration does not say (``SQLITE_BUSY_TIMEOUT_MS``).
DEFAULT_BUSY_TIMEOUT_MS = 30_000


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
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS)
            _configure_sqlite(engine, timeout)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def begin_write() -> None:
    """Start the request's transaction if it has not started yet. Services that write call
    it first; calling it again in the same transaction does nothing.

    On SQLite every transaction already starts with ``BEGIN IMMEDIATE`` (see the module's
    docstring), so the write lock is held from the first statement on and nothing that
    was read has to be thrown away. On PostgreSQL nothing is needed: row locks
    (``with_for_update``) and conditional updates serialise writers.
    """
    if is_sqlite():
        db.session.connection()
