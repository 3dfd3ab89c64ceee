"""Shared fixtures: the app on a real database (SQLite, or PostgreSQL when
``TEST_DATABASE_URL`` is set), a transaction rolled back after each test, a client,
``login_as(role)`` and factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import text

from academy import create_app
from academy.accounts.models import Role, User
from academy.auth.sessions import start_session
from academy.clock import utcnow
from academy.extensions import db as _db
from academy.translations_build import compile_catalogues
from tests import factories


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist every worker gets a PostgreSQL database of its own
    (``<name>_<worker>``, created when missing), so workers never drop each other's schema;
    databases the tests derive from it (``…_e2e``, private ones) follow. SQLite files are
    per worker anyway (temporary folders)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if not worker or not url or not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    main = make_url(url)
    name = f"{main.database}_{worker}"
    admin = create_engine(main, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    os.environ["TEST_DATABASE_URL"] = main.set(database=name).render_as_string(hide_password=False)


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def reset_postgres(app: Flask) -> None:
    with app.app_context(), _db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def migrate_database(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            reset_postgres(app)
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # The app never compiles catalogues; a checkout compiles them as `make translations` does.
    compile_catalogues()
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
            "WTF_CSRF_ENABLED": False,
            # background exports wait for the tick: no thread shares the test's connection
            "EXPORT_JOB_RUNNER": "tick",
        }
    )
    migrate_database(application)
    yield application


@pytest.fixture()
def db(app: Flask) -> Iterator[Any]:
    """The database inside a transaction that is rolled back after the test.

    Views and services may ``commit()``: inside the test that commits a SAVEPOINT only.
    """
    with app.app_context():
        engines = _db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        original = _db.session
        # Flask-SQLAlchemy picks the bind per model from ``engines``: point it at the
        # connection that holds the outer transaction.
        engines[None] = connection
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            engines[None] = engine
            transaction.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """The ``db`` fixture keeps an app context open, so requests would share ``flask.g``
    (and Flask-Login's cached user in it). Each request starts with an empty ``g``."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture()
def client(app: Flask, db: Any) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


def log_in(client: FlaskClient, account: User) -> User:
    """Give ``client`` a real server-side session for ``account`` (as a login would)."""
    token = start_session(
        account,
        now=utcnow(),
        lifetime=timedelta(hours=1),
        remote_addr="127.0.0.1",
        user_agent="pytest",
    )
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return account


@pytest.fixture()
def login_as(client: FlaskClient, db: Any) -> Callable[..., User]:
    """``login_as(Role.HR)`` creates an account with that role and logs the client in."""

    def _login(*roles: Role | str, account: User | None = None) -> User:
        if account is None:
            account = factories.user(*[Role(r) for r in roles])
        return log_in(client, account)

    return _login


@pytest.fixture()
def make() -> Any:
    """The factories module, as a fixture: ``make.employee()``, ``make.user(Role.HR)``."""
    return factories


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
