"""Eight clients at once against the real server: gunicorn with 2 workers on loopback,
on a database file of its own filled with the demo (a fresh database on the same server
when ``TEST_DATABASE_URL`` points at PostgreSQL). Each client logs in, fails a login,
opens pages that write the access log (a personnel record as HR, the team view as the
head) and enrols in courses — no answer may be a 500, and the server must never report
``database is locked``. The load is ``bench/concurrency.py``'s mixed scenario, bounded
in requests; nothing here is timed."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from academy.accounts.models import UserSession
from academy.audit.models import AccessLogEntry
from academy.config import normalise_database_url
from bench.concurrency import (
    LOCKED,
    NO_ANSWER,
    SCENARIOS,
    DemoFacts,
    Server,
    build_demo_database,
    gunicorn,
    run_scenario,
)
from courses.enrolment.models import Enrolment
from tests.scratch_databases import drop_scratch_database

CLIENTS = 8
STEPS_PER_CLIENT = 8  # twice: log in, fail to log in, a logged page, enrol
EMPLOYEES = 200


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of this module's own: an SQLite file, or a new PostgreSQL database."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("load") / "load.sqlite")
        return
    name = f"da_load_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(normalise_database_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_database_url(server)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        drop_scratch_database(admin, name)
        admin.dispose()


@pytest.fixture(scope="module")
def served(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, DemoFacts]]:
    facts = build_demo_database(database_url, EMPLOYEES)
    assert facts.session_ids and facts.employee_ids
    instance: Path = tmp_path_factory.mktemp("load-instance")
    with gunicorn(database_url, instance, workers=2) as server:
        yield server, facts


def _count(url: str, model: type) -> int:
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_eight_clients_at_once_get_no_server_error(served, database_url):
    server, facts = served
    sessions_before = _count(database_url, UserSession)
    accesses_before = _count(database_url, AccessLogEntry)
    enrolments_before = _count(database_url, Enrolment)

    result = run_scenario(server, facts, SCENARIOS["mixed"], CLIENTS, STEPS_PER_CLIENT)

    assert result.statuses[500] == 0, result.statuses
    assert result.statuses[NO_ANSWER] == 0, result.statuses
    assert server.stderr().count(LOCKED) == 0
    # The load did what it claims: every login and every failed login was answered as
    # such, the logged pages were logged, enrolments were made.
    rounds = STEPS_PER_CLIENT // 4
    logins = CLIENTS * rounds
    assert result.statuses[401] == logins  # the failed logins
    # (each client logged in once more before the load, with its own account)
    assert _count(database_url, UserSession) - sessions_before == logins + CLIENTS
    assert _count(database_url, AccessLogEntry) - accesses_before >= logins - CLIENTS // 2
    assert _count(database_url, Enrolment) > enrolments_before
