"""Databases of their own for the backup tests: each a fresh SQLite file, or (with
``TEST_DATABASE_URL``) a new database on the same PostgreSQL server, dropped at the end.
Backup and restore commit for real, so the shared rolled-back test database is no use."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from academy import create_app
from academy.config import normalise_database_url
from academy.demo.runner import run_demo
from academy.extensions import db
from tests.scratch_databases import drop_scratch_database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEMO_EMPLOYEES = 150
#: Tables whose every row is compared after a round trip.
KEY_TABLES = (
    "departments",
    "employees",
    "users",
    "role_assignments",
    "courses",
    "course_sessions",
    "enrolments",
    "certificates",
    "alembic_version",
)


class Databases:
    """Makes apps on new databases and removes them all at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server = os.environ.get("TEST_DATABASE_URL")
        self.apps: list[Flask] = []
        self.names: list[str] = []

    @property
    def engine_name(self) -> str:
        return "postgresql" if self.server else "sqlite"

    def _admin(self) -> Any:
        assert self.server
        return create_engine(normalise_database_url(self.server), isolation_level="AUTOCOMMIT")

    def new_app(self, *, migrate: str | None = "head") -> Flask:
        """An app on a new database: migrated to ``migrate``, or without tables (None)."""
        if self.server:
            name = f"da_backup_{os.getpid()}_{secrets.token_hex(4)}"
            admin = self._admin()
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            self.names.append(name)
            url = (
                create_engine(normalise_database_url(self.server))
                .url.set(database=name)
                .render_as_string(hide_password=False)
            )
        else:
            url = f"sqlite:///{self.folder / secrets.token_hex(4)}.sqlite"
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "test-secret-key", "SQLALCHEMY_DATABASE_URI": url}
        )
        self.apps.append(app)
        if migrate:
            with app.app_context():
                upgrade(revision=migrate)
                db.engine.dispose()
        return app

    def close(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if self.server and self.names:
            admin = self._admin()
            for name in self.names:
                drop_scratch_database(admin, name)
            admin.dispose()


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("backup-databases"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="module")
def demo_app(databases: Databases) -> Flask:
    """A migrated database with the demo city (small staff), committed."""
    app = databases.new_app()
    with app.app_context():
        run_demo(seed=7, employee_count=DEMO_EMPLOYEES, now=NOW, echo=lambda _: None)
        db.session.commit()
        db.session.remove()
    return app


def invoke(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=["academy", *args], input=input)


@pytest.fixture(scope="module")
def demo_backup(demo_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "demo.backup"
    result = invoke(demo_app, "backup", str(path))
    assert result.exit_code == 0, result.output
    return path


def _digest(rows: list[Any]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def fingerprint(app: Flask) -> dict[str, Any]:
    """Row counts of every table, a checksum of the seat counters and one over all rows
    of the key tables."""
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            counts = {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }
            result: dict[str, Any] = {"counts": counts}
            if "course_sessions" in tables:
                seats = conn.execute(
                    text(
                        "SELECT s.id, s.capacity, s.confirmed_count, s.min_participants,"
                        " count(e.id) FILTER (WHERE e.state = 'confirmed'),"
                        " count(e.id) FILTER (WHERE e.state = 'waitlisted'),"
                        " count(e.id) FILTER (WHERE e.state = 'attended')"
                        " FROM course_sessions s LEFT JOIN enrolments e ON e.session_id = s.id"
                        " GROUP BY s.id, s.capacity, s.confirmed_count, s.min_participants"
                    )
                ).all()
                result["seats"] = _digest(sorted(tuple(r) for r in seats))
                result["seats_taken"] = sum(r[2] for r in seats)
            for table in KEY_TABLES:
                if table in tables:
                    rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                    result[table] = _digest(sorted(tuple(map(repr, r)) for r in rows))
        db.engine.dispose()
    return result
