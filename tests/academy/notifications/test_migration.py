"""Migration 0009_notices on a database of its own (a new SQLite file, or a new
PostgreSQL database beside the test database): existing notices move to the person of
their account; going back, notices of people who never had an account cannot stay."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from academy.database import _configure_sqlite
from academy.extensions import db as _db
from tests.scratch_databases import drop_scratch_database

BEFORE, AFTER = "0008_signon", "0009_notices"


@pytest.fixture()
def scratch(app: Flask, tmp_path: Path) -> Iterator[Any]:
    """The app pointed at an empty database; yields its engine."""
    with app.app_context():
        engines = _db._app_engines[app]
        original = engines[None]
    url = original.url
    admin = None
    if url.get_backend_name() == "postgresql":
        name = f"{url.database}_notices_migration_{os.getpid()}"[:63]
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(url.set(database=name))
    else:
        engine = create_engine(make_url(f"sqlite:///{tmp_path / 'migration.sqlite'}"))
        _configure_sqlite(engine)
    engines[None] = engine
    try:
        yield engine
    finally:
        engines[None] = original
        engine.dispose()
        if admin is not None:
            drop_scratch_database(admin, name)
            admin.dispose()


def _insert(conn: Any, sql: str, **values: Any) -> None:
    conn.execute(text(sql), values)


def test_notices_move_to_the_person_and_back(app, scratch):
    with app.app_context():
        upgrade(revision=BEFORE)
    with scratch.begin() as conn:
        _insert(
            conn,
            "INSERT INTO departments (id, code, name, path, active) "
            "VALUES (1, 'D1', 'Amt', '/1/', :t)",
            t=True,
        )
        for n in (1, 2):
            _insert(
                conn,
                "INSERT INTO employees (id, personnel_no, first_name, last_name, email, "
                "department_id, active, created_at, updated_at) VALUES (:n, :no, 'A', 'B', "
                ":mail, 1, :t, '2030-01-01 00:00:00', '2030-01-01 00:00:00')",
                n=n,
                no=f"P{n}",
                mail=f"p{n}@stadt.example",
                t=True,
            )
        _insert(
            conn,
            "INSERT INTO users (id, email, display_name, employee_id, active, created_at) "
            "VALUES (10, 'p1@stadt.example', 'A B', 1, :t, '2030-01-01 00:00:00'), "
            "(11, 'admin@stadt.example', 'Admin', NULL, :t, '2030-01-01 00:00:00')",
            t=True,
        )
        _insert(
            conn,
            "INSERT INTO notifications (id, user_id, kind, subject, body, created_at) VALUES "
            "(100, 10, 'k', 'S', 'B', '2030-01-01 00:00:00'), "
            "(101, 11, 'k', 'S', 'B', '2030-01-01 00:00:00')",
        )

    with app.app_context():
        upgrade(revision=AFTER)
    with scratch.connect() as conn:
        rows = conn.execute(
            text("SELECT id, employee_id, user_id FROM notifications ORDER BY id")
        ).all()
        assert [tuple(r) for r in rows] == [(100, 1, 10), (101, None, 11)]
        tables = set(inspect(conn).get_table_names())
        assert {"outbox_attachments", "account_invitations"} <= tables
    with scratch.begin() as conn:  # a notice to a person without an account
        _insert(
            conn,
            "INSERT INTO notifications (id, employee_id, kind, subject, body, created_at) "
            "VALUES (102, 2, 'k', 'S', 'B', '2030-01-01 00:00:00')",
        )

    with app.app_context():
        downgrade(revision=BEFORE)
    with scratch.connect() as conn:
        rows = conn.execute(text("SELECT id, user_id FROM notifications ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(100, 10), (101, 11)]
        assert "employee_id" not in {c["name"] for c in inspect(conn).get_columns("notifications")}
        assert "account_invitations" not in set(inspect(conn).get_table_names())
