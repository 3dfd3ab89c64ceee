"""Engine set-up per database: SQLite pragmas and transaction handling."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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


_WRITE_TX = "academy.write_transaction"
_FLUSHED_TX = "academy.flushed_transaction"


@event.listens_for(Session, "after_flush")
def _remember_flush(session: Session, flush_context: Any) -> None:
    session.info[_FLUSHED_TX] = session.get_transaction()


def begin_write() -> None:
    """Make the request's transaction a write transaction that cannot fail half-way
    under concurrency. Call it at the start of every service that writes; calling it
    again in the same transaction does nothing.

    On SQLite a transaction that has read and then wants to write fails at once
    (``database is locked`` / stale snapshot) when another writer got there first; so a
    transaction that has written nothing yet is ended and a ``BEGIN IMMEDIATE`` one
    started, which waits (busy_timeout) for the write lock instead. A transaction that
    already holds changes keeps them: they are flushed, which takes the write lock.
    On PostgreSQL nothing is needed: row locks (``with_for_update``) and conditional
    updates serialise writers.
    """
    if not is_sqlite():
        return
    session = db.session()
    if not isinstance(session.get_bind(), Engine):
        return  # bound to a connection with an open outer transaction (the test fixture)
    current = session.get_transaction()
    if current is not None and session.info.get(_WRITE_TX) is current:
        return
    if (
        session.new
        or session.dirty
        or session.deleted
        or (current is not None and session.info.get(_FLUSHED_TX) is current)
    ):
        session.flush()
    else:
        session.rollback()
        token = _immediate.set(True)
        try:
            session.connection()
        finally:
            _immediate.reset(token)
    session.info[_WRITE_TX] = session.get_transaction()
