"""SQLite write transactions (``begin_write``) on a real database file, outside the
rolled-back test fixture."""

from __future__ import annotations

import sqlite3

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from academy import create_app
from academy.database import begin_write
from academy.extensions import db
from academy.org.models import JobRole


@pytest.fixture()
def sqlite_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/w.db",
        }
    )
    with app.app_context():
        upgrade()
        yield app, tmp_path / "w.db"
        db.session.remove()
        db.engine.dispose()


def test_begin_write_takes_the_write_lock_up_front(sqlite_app):
    _app, path = sqlite_app
    db.session.scalar(select(func.count()).select_from(JobRole))  # a read transaction
    begin_write()
    other = sqlite3.connect(path, timeout=0.1)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    db.session.add(JobRole(code="X", title="Test"))
    db.session.commit()
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
    other.close()


def test_begin_write_keeps_work_already_flushed_and_is_idempotent(sqlite_app):
    db.session.add(JobRole(code="A", title="Erste"))
    db.session.flush()
    begin_write()  # must not roll back the flushed row
    db.session.add(JobRole(code="B", title="Zweite"))
    begin_write()  # pending changes are flushed, not lost
    begin_write()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(JobRole)) == 2
