"""End-to-end fixtures: one live server on its own database, one Chromium, a page per test.

The server is a second application (``create_app``) on a database of its own: a SQLite
file in a temporary folder, or, when ``TEST_DATABASE_URL`` is set, the same PostgreSQL
server with the database ``<name>_e2e`` (schema dropped and migrated afresh). Its data is
loaded through the real CLI commands (``flask academy init`` and ``flask academy demo``).
The browser is Debian's Chromium driven by Playwright; without it the tests FAIL (set
``E2E_ALLOW_SKIP=1`` to skip them instead, e.g. on a developer machine without Chromium).
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_ARGS = ("demo", "--employees", "300", "--seed", "1")

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# Accounts the role tests log in with
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    roles: tuple[str, ...]
    key: str = ""

    @property
    def test_id(self) -> str:
        return self.key or "+".join(self.roles or ("none",)) + ":" + self.email.split("@")[0]


#: Used only while ``academy.demo.runner`` defines no ``DEMO_ACCOUNTS``: one account per role.
FALLBACK_PASSWORD = "E2E-Passwort-2024!"
FALLBACK_ACCOUNTS = tuple(
    Account(f"e2e.{role}@example.org", FALLBACK_PASSWORD, (role,), role)
    for role in ("employee", "head", "hr", "trainer", "council", "admin")
)


def _field(entry: Any, name: str, index: int) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name)
    if hasattr(entry, name):
        return getattr(entry, name)
    if isinstance(entry, tuple | list) and len(entry) > index:
        return entry[index]
    return None


def _roles(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        value = [value]
    return tuple(str(getattr(r, "value", r)) for r in value)


def _demo_accounts_constant() -> Any:
    demo = importlib.import_module("academy.demo.runner")
    return getattr(demo, "DEMO_ACCOUNTS", None)


def demo_accounts() -> tuple[Account, ...]:
    """``academy.demo.runner.DEMO_ACCOUNTS`` (dicts, tuples or named tuples of e-mail, password,
    roles), or this module's fallback accounts while the constant does not exist yet."""
    entries = _demo_accounts_constant()
    if not entries:
        return FALLBACK_ACCOUNTS
    accounts = []
    for entry in entries:
        roles = _field(entry, "roles", 2)
        if roles is None:
            roles = _field(entry, "role", 2)
        key = entry.get("key") if isinstance(entry, Mapping) else getattr(entry, "key", None)
        accounts.append(
            Account(
                str(_field(entry, "email", 0)),
                str(_field(entry, "password", 1)),
                _roles(roles),
                str(key or ""),
            )
        )
    return tuple(accounts)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "account" in metafunc.fixturenames:
        accounts = demo_accounts()
        metafunc.parametrize("account", accounts, ids=[a.test_id for a in accounts])


# ---------------------------------------------------------------------------
# The database and the live server
# ---------------------------------------------------------------------------


def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("e2e-db") / "e2e.sqlite")
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise pytest.UsageError(f"TEST_DATABASE_URL must be PostgreSQL, not {url!r}")
    e2e = parsed.set(database=f"{parsed.database}_e2e")
    _ensure_postgres_database(parsed, e2e.database or "")
    return e2e.render_as_string(hide_password=False)


def _ensure_postgres_database(main_url: Any, name: str) -> None:
    """Create ``name`` on the test server if it is missing (scripts/test-services.sh
    creates it already; this covers a TEST_DATABASE_URL pointing elsewhere)."""
    probe = create_engine(main_url.set(database=name))
    try:
        with probe.connect():
            return
    except OperationalError:
        pass
    finally:
        probe.dispose()
    admin = create_engine(main_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    from academy.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


def _invoke(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["academy", *args])
    if result.exit_code != 0:
        import traceback

        trace = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
        pytest.fail(
            f"`flask academy {' '.join(args)}` failed with exit code {result.exit_code}:\n"
            f"{result.output}\n{trace}",
            pytrace=False,
        )


def _create_fallback_accounts(app: Flask) -> None:
    from academy.accounts.models import Role
    from academy.extensions import db
    from tests import factories

    with app.app_context():
        for account in FALLBACK_ACCOUNTS:
            factories.user(
                *[Role(r) for r in account.roles], email=account.email, password=account.password
            )
        db.session.commit()


def _load_data(app: Flask) -> None:
    from academy.cli import academy_cli

    if "init" in academy_cli.commands:
        _invoke(app, "init")
    if "demo" in academy_cli.commands:
        _invoke(app, *DEMO_ARGS)
    if not _demo_accounts_constant():
        _create_fallback_accounts(app)


@pytest.fixture(scope="session")
def e2e_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from academy import create_app
    from academy.extensions import db

    app = create_app(
        {
            # TESTING lets a server error surface as a logged traceback and a 500.
            "TESTING": True,
            "SECRET_KEY": "e2e-secret-key",
            "SQLALCHEMY_DATABASE_URI": e2e_database_url(tmp_path_factory),
            "INSTANCE_FOR_TESTS": str(tmp_path_factory.mktemp("e2e-instance")),
            # Many logins from 127.0.0.1 in one run: throttling is tested elsewhere.
            "LOGIN_MAX_FAILURES_PER_ADDRESS": 1000,
        }
    )
    _migrate(app)
    _load_data(app)
    yield app
    with app.app_context():
        db.engine.dispose()


class _QuietHandler(WSGIRequestHandler):
    """Log only server errors, not every request line."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 500:
            super().log_request(code, size)


@pytest.fixture(scope="session")
def live_server(e2e_app: Flask) -> Iterator[BaseWSGIServer]:
    server = make_server("127.0.0.1", 0, e2e_app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def base_url(live_server: BaseWSGIServer) -> str:
    return f"http://127.0.0.1:{live_server.server_port}"


# ---------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        message = (
            f"Chromium not found at {CHROMIUM}. The end-to-end tests need Debian's chromium: "
            "run `bash scripts/test-services.sh` (installs it) or `apt-get install chromium`. "
            "Set E2E_ALLOW_SKIP=1 to skip these tests instead."
        )
        if os.environ.get("E2E_ALLOW_SKIP") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def browser_problems() -> list[str]:
    """CSP violations and uncaught JavaScript errors seen by the page (filled by ``page``)."""
    return []


@pytest.fixture()
def page(browser: Browser, base_url: str, browser_problems: list[str]) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    new_page = context.new_page()

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            browser_problems.append(f"CSP violation on {new_page.url}: {message.text}")

    def on_page_error(error: Any) -> None:
        browser_problems.append(f"JavaScript error on {new_page.url}: {error}")

    new_page.on("console", on_console)
    new_page.on("pageerror", on_page_error)
    try:
        yield new_page
    finally:
        context.close()
    if browser_problems:
        pytest.fail("\n".join(browser_problems), pytrace=False)
