"""Engine set-up per database: SQLite pragmas and transaction handling."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from academy.extensions import db

_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, issue BEGIN, so that SAVEPOINTs work
        # and a write transaction can take the lock up front (BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only; searches must find "Übersicht" for "übersicht".
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def init_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def begin_write() -> None:
    """Start the request's write transaction so that it cannot fail half-way under
    concurrency.

    On SQLite a transaction that has read and then wants to write fails at once
    (``database is locked`` / stale snapshot) when another writer got there first; so
    the current read transaction is ended and a ``BEGIN IMMEDIATE`` one started, which
    waits (busy_timeout) for the write lock instead. Call it before the first read of a
    service that writes, with nothing unsaved in the session. On PostgreSQL nothing is
    needed: row locks (``with_for_update``) and conditional updates serialise writers.
    """
    if not is_sqlite():
        return
    session = db.session
    if not isinstance(session.get_bind(), Engine):
        return  # bound to a connection with an open outer transaction (the test fixture)
    session.rollback()
    token = _immediate.set(True)
    try:
        session.connection()
    finally:
        _immediate.reset(token)
