"""The staff council's access overview: aggregation per viewer, purpose and period, the
two flags, the files, the constant statement count and who may open it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from academy.accounts.models import Role
from academy.audit.log import record_accesses
from academy.audit.overview import build_overview, periods_between, unusual
from tests.querycount import count_queries

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_periods_are_berlin_weeks_and_months():
    weeks = periods_between(date(2026, 3, 4), date(2026, 3, 17), "week")
    assert [p.start for p in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert weeks[0].label == "KW 10/2026"
    months = periods_between(date(2025, 12, 31), date(2026, 1, 1), "month")
    assert [p.label for p in months] == ["12/2025", "01/2026"]


def test_unusual_volume_rule():
    assert unusual(51, [0, 0, 0]) == (True, 0.0)
    assert unusual(50, [0]) == (False, 0.0)
    assert unusual(100, [30, 40, 50]) == (False, 40.0)
    assert unusual(121, [30, 40, 50]) == (True, 40.0)


def test_scope_flags_per_viewer(db, make):
    root = make.department(name="Stadt")
    mine = make.department(name="Amt 1", parent=root)
    other = make.department(name="Amt 2")
    head = make.user(Role.HEAD, emp=make.employee(mine))
    hr = make.user(Role.HR)
    council = make.user(Role.COUNCIL)
    inside, outside = make.employee(mine), make.employee(other)
    record_accesses(head, [inside.id, outside.id], "employee.record", "Personalakte", now=MONDAY)
    record_accesses(hr, [inside.id, outside.id], "employee.record", "Personalakte", now=MONDAY)
    record_accesses(council, [outside.id], "programme_application", "Vorschlag", now=MONDAY)
    record_accesses(council, [outside.id], "employee.record", "Personalakte", now=MONDAY)
    db.session.flush()
    view = build_overview(kind="week", first=date(2026, 3, 2), last=date(2026, 3, 8))
    rows = {(r.viewer_id, r.code): r for r in view.rows}
    assert rows[head.id, "employee.record"].accesses == 2
    assert rows[head.id, "employee.record"].outside_scope == 1
    assert rows[hr.id, "employee.record"].outside_scope == 0
    assert rows[council.id, "programme_application"].outside_scope == 0  # the council's remit
    assert rows[council.id, "employee.record"].outside_scope == 1
    flagged = build_overview(
        kind="week", first=date(2026, 3, 2), last=date(2026, 3, 8), flagged_only=True
    )
    assert {(r.viewer_id, r.code) for r in flagged.rows} == {
        (head.id, "employee.record"),
        (council.id, "employee.record"),
    }
    only = build_overview(
        kind="week", first=date(2026, 3, 2), last=date(2026, 3, 8), purpose="Vorschlag"
    )
    assert [r.code for r in only.rows] == ["programme_application"]


def test_unusual_volume_against_earlier_weeks(db, make):
    hr = make.user(Role.HR)
    people = [make.employee().id for _ in range(70)]
    for weeks_back in range(1, 5):
        record_accesses(
            hr, people[:10], "report", "Bericht", now=MONDAY - timedelta(weeks=weeks_back)
        )
    record_accesses(hr, people, "report", "Bericht", now=MONDAY)
    db.session.flush()
    view = build_overview(kind="week", first=date(2026, 2, 23), last=date(2026, 3, 8))
    by_period = {r.period.start: r for r in view.rows}
    assert by_period[date(2026, 3, 2)].unusual_volume
    assert by_period[date(2026, 3, 2)].usual == 5.0  # median of 0,0,0,0,10,10,10,10
    assert not by_period[date(2026, 2, 23)].unusual_volume


def test_constant_statements_whatever_the_rows(app, db, make):
    counts = []
    for n in (2, 12):
        viewers = [make.user(Role.HEAD) for _ in range(n)]
        for viewer in viewers:
            record_accesses(
                viewer, [make.employee().id], "employee.record", f"Zweck {n}", now=MONDAY
            )
        db.session.flush()
        with count_queries(db.engine) as queries:
            build_overview(kind="month", first=date(2026, 1, 1), last=date(2026, 3, 31))
        counts.append(queries.count)
    assert counts[0] == counts[1] <= 5


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COUNCIL, 200),
        (Role.ADMIN, 200),
        (Role.HR, 403),
        (Role.HEAD, 403),
        (Role.EMPLOYEE, 403),
    ],
)
def test_only_council_and_admin_open_the_overview(client, login_as, role, status):
    login_as(role)
    assert client.get("/personalrat/zugriffe/uebersicht").status_code == status
    assert client.get("/personalrat/zugriffe/uebersicht.csv").status_code == status


def test_files_for_german_excel(client, login_as, db, make):
    viewer = make.user(Role.HR)
    viewer.display_name = '=HYPERLINK("http://x")'
    record_accesses(viewer, [make.employee().id], "report", "-Bericht", now=datetime.now(UTC))
    db.session.commit()
    login_as(Role.COUNCIL)
    body = client.get("/personalrat/zugriffe/uebersicht.csv?period=month").data
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    data = [r for r in rows if len(r) > 5 and r[5] == "'-Bericht"]
    assert data and data[0][3].startswith("'=HYPERLINK")
    xlsx = client.get("/personalrat/zugriffe/uebersicht.xlsx?period=month").data
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    values = [c.value for c in cells]
    assert any(c.value == "-Bericht" and c.quotePrefix for c in cells)
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula_like and all(c.quotePrefix and c.data_type == "s" for c in formula_like)
    assert values
