"""SQLite write transactions (``begin_write``) on a real database file, outside the
rolled-back test fixture."""

from __future__ import annotations

import sqlite3

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from academy import create_app
from academy.database import begin_write, refresh_statistics
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


# ---------------------------------------------------------------------------
# Reading requests (GET) and the planner's statistics
# ---------------------------------------------------------------------------


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(JobRole)) or 0


def test_a_reading_request_reads_beside_a_writer(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/", method="GET"):
        _count()  # the GET's transaction is open
        other = sqlite3.connect(path, timeout=0.1)
        other.execute("BEGIN IMMEDIATE")  # the write lock is free: the GET only reads
        other.rollback()
        db.session.add(JobRole(code="G", title="Beim Lesen geschrieben"))
        db.session.flush()  # its first write takes the lock
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.commit()
        other.close()
    assert _count() == 1


def test_a_reading_request_writes_after_someone_else_committed(sqlite_app):
    """The case that answered "database is locked" (a stale snapshot) before every
    transaction began IMMEDIATE: read, another connection commits, then write."""
    app, path = sqlite_app
    with app.test_request_context("/", method="GET"):
        assert _count() == 0
        other = sqlite3.connect(path, timeout=5)
        other.execute("INSERT INTO job_roles (code, title) VALUES ('X', 'Andere')")
        other.commit()
        other.close()
        begin_write()
        db.session.add(JobRole(code="Y", title="Danach"))
        db.session.commit()
    assert _count() == 2


def test_a_writing_request_takes_the_write_lock_at_once(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/", method="POST"):
        _count()
        other = sqlite3.connect(path, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.rollback()
        other.close()


def test_statistics_are_made_when_missing_and_only_then(sqlite_app):
    refresh_statistics(force=True)
    assert db.session.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar() > 0
    assert refresh_statistics() is False  # nothing changed since
