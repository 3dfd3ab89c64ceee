"""The statements every request runs use their indexes: no full scan of a table that
grows with the staff and their history (notifications, sessions, accounts, roles).

On SQLite (the embedded engine, where a scan costs most), each SELECT the common pages
run is explained with its own parameters (``EXPLAIN QUERY PLAN``); a ``SCAN`` of one of
the tables below fails. The test database has no statistics (``ANALYZE``), so SQLite
plans as for large tables — as it would for a city's database, whose statistics say the
same.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from academy.accounts.models import Role
from academy.clock import utcnow
from academy.extensions import db as _db
from academy.notifications.notices import notify
from tests import factories

#: Tables that grow with the organisation and are read on every request.
GROWING = (
    "notifications",
    "user_sessions",
    "users",
    "role_assignments",
    "enrolments",
    "employees",
    "audit_log",
    "access_log",
)
PAGES = {
    Role.EMPLOYEE: ("/", "/benachrichtigungen", "/konto", "/kurse", "/kurse/meine"),
    Role.HEAD: ("/", "/kurse/genehmigungen", "/talente/team", "/talente/meine-kompetenzen"),
    Role.HR: ("/", "/kurse/verwaltung", "/talente/programme", "/berichte/"),
}


@pytest.fixture()
def statements(app: Any, db: Any) -> Any:
    seen: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", remember)
    yield seen
    event.remove(engine, "before_cursor_execute", remember)


def scans_of(statements: list[tuple[str, Any]]) -> list[str]:
    raw = _db.session.connection().connection.driver_connection
    scans = []
    for sql, parameters in statements:
        for *_, detail in raw.execute("EXPLAIN QUERY PLAN " + sql, parameters):
            words = detail.split()
            if words[:1] == ["SCAN"] and words[1] in GROWING:
                scans.append(f"{detail}\n  in: {' '.join(sql.split())[:300]}")
    return scans


@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r.value)
def test_common_pages_scan_no_growing_table(client, login_as, statements, role):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
    account = login_as(role)
    other = factories.user(Role.EMPLOYEE)
    if role == Role.HEAD:
        unit = factories.department(head=account.employee)
        for person in (other.employee, factories.employee(unit)):
            person.department = unit
    now = utcnow()
    for to in (account, account.employee, other, other.employee):
        notify(to, "test", "Subject", "Body", params={}, link=None, now=now, email=False)
    _db.session.commit()
    statements.clear()
    for path in PAGES[role]:
        assert client.get(path).status_code == 200, path
    assert statements
    scans = scans_of(statements)
    assert not scans, "\n".join(scans)


def test_a_team_page_is_ordered_and_cut_in_the_index(client, login_as, statements):
    """The team view's page of members (``ORDER BY name_key, id LIMIT …`` over a subtree)
    is sought in ``ix_employees_team_names`` alone; only the page's rows are read. Before,
    every row of the subtree was read and sorted (13,000 members: 13.5 ms on SQLite)."""
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
    account = login_as(Role.HEAD)
    unit = factories.department(head=account.employee)
    child = factories.department(parent=unit)
    for department in (unit, child, unit):
        factories.employee(department)
    _db.session.commit()
    statements.clear()
    assert client.get("/talente/team").status_code == 200
    raw = _db.session.connection().connection.driver_connection
    pages = [(sql, p) for sql, p in statements if "ORDER BY employees.name_key" in sql]
    assert pages, "the member page's statement was not run"
    for sql, parameters in pages:
        plan = [row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
        assert any("COVERING INDEX ix_employees_team_names" in step for step in plan), plan
        assert not any(step.startswith("SCAN employees") for step in plan), plan
