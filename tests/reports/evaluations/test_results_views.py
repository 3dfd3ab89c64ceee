"""The results pages and files: a released session's page with charts, CSV as German
Excel reads it (texts never formulas), XLSX, PDF with charts; the overview's filters;
the access log (HR looking at a trainer's results) and the audit record of exports."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.extensions import db
from tests import factories
from tests.conftest import log_in
from tests.courses import factories as cf
from tests.courses.evaluations.support import (
    answer_all,
    finished,
    opened,
    participants,
    standard,
)

HOSTILE = '=HYPERLINK("http://evil.example";"Klick")'
PERIOD = {"period_from": "2029-01-01", "period_to": "2031-12-31"}


@pytest.fixture()
def released(db):
    standard()
    trainer = factories.user(Role.TRAINER)
    session = finished(cf.course("Tabellenkurs", code="TAB-1"), trainer=trainer)
    people = participants(session, 6)
    round_ = opened(session)
    answer_all(round_, people[:3], rating=5, text=HOSTILE)
    answer_all(round_, people[3:], rating=3, text="Mehr Pausen")
    db.session.refresh(round_)
    assert round_.closed_on is not None  # everyone answered: closed early
    return session, trainer


def test_the_session_page_shows_charts_distribution_and_free_texts(client, released):
    session, trainer = released
    log_in(client, trainer)
    page = client.get(f"/berichte/bewertungen/termine/{session.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="part-ratings"' in html and "<svg" in html and 'role="img"' in html
    assert "Bewertungen im Überblick" in html and "Mittelwert" in html
    assert "trifft voll zu" in html and "4,0" in html  # (3 × 5 + 3 × 3) / 6
    assert "Mehr Pausen" in html and "HYPERLINK" in html
    assert "6 / 6" in html  # answers / invited
    roster = client.get(f"/kurse/termine/{session.id}/teilnehmende").get_data(as_text=True)
    assert f"/berichte/bewertungen/termine/{session.id}" in roster


def test_csv_is_german_and_neutralises_formulas(client, released):
    session, trainer = released
    log_in(client, trainer)
    response = client.get(f"/berichte/bewertungen/termine/{session.id}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="kursbewertung-TAB-1-'
    )
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text[1:]), delimiter=";") for cell in row]
    assert "'" + HOSTILE in cells and HOSTILE not in cells
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    rating = next(row for row in rows if row and row[0].startswith("1. Die Inhalte"))
    assert rating[2:4] == ["6", "4,00"]  # six answers, the mean with a decimal comma
    assert "Anteil (%)" in cells


def test_xlsx_keeps_texts_as_texts(client, released, tmp_path: Path):
    session, trainer = released
    log_in(client, trainer)
    response = client.get(f"/berichte/bewertungen/termine/{session.id}.xlsx")
    assert response.status_code == 200
    path = tmp_path / "b.xlsx"
    path.write_bytes(response.data)
    book = load_workbook(path)
    assert book.sheetnames[0] == "Bewertung"
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    hostile = [c for c in cells if c.value == HOSTILE]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)
    numbers = [c.value for c in cells if isinstance(c.value, int | float)]
    assert 4 in numbers and 6 in numbers


def test_pdf_has_the_charts_and_figures(client, released, tmp_path: Path):
    session, trainer = released
    log_in(client, trainer)
    response = client.get(f"/berichte/bewertungen/termine/{session.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    path = tmp_path / "b.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Kursbewertung: Tabellenkurs" in flat
    assert "Verteilung der Antworten" in flat and "Mittelwert je Frage" in flat
    assert "trifft voll zu" in flat and "50,0 %" in flat  # three of six answered 5
    assert "Seite 1" in flat


def test_the_overview_filters_and_refuses_bad_ones(client, released):
    log_in(client, factories.user(Role.HR))
    page = client.get("/berichte/bewertungen", query_string=PERIOD).get_data(as_text=True)
    assert 'id="part-courses"' in page and "Tabellenkurs (TAB-1)" in page
    assert 'id="part-trend"' in page and 'id="table-rounds"' in page
    bad = client.get(
        "/berichte/bewertungen",
        query_string={"period_from": "2030-05-01", "period_to": "2030-01-01"},
    )
    assert bad.status_code == 200 and 'id="part-courses"' not in bad.get_data(as_text=True)
    assert (
        client.get("/berichte/bewertungen.csv", query_string={"course": "abc"}).status_code == 409
    )
    other = client.get("/berichte/bewertungen", query_string={**PERIOD, "provider": "external"})
    assert "Tabellenkurs (TAB-1)" not in other.get_data(as_text=True).split('id="part-courses"')[-1]


def test_hr_looking_at_a_trainers_results_is_logged_about_the_trainer(client, released):
    session, trainer = released
    log_in(client, trainer)
    client.get(f"/berichte/bewertungen/termine/{session.id}")
    assert db.session.scalars(select(AccessLogEntry)).all() == []  # one's own results
    hr = factories.user(Role.HR)
    log_in(client, hr)
    client.get(f"/berichte/bewertungen/termine/{session.id}")
    client.get(f"/berichte/bewertungen/termine/{session.id}.csv")
    client.get("/berichte/bewertungen", query_string=PERIOD)
    rows = db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [r.subject_id for r in rows] == [trainer.employee_id] * 3
    assert rows[0].purpose.startswith("Kursbewertung angesehen: Tabellenkurs")
    assert rows[2].purpose == "Kursbewertungen nach Trainer/in angesehen"
    exported = db.session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.action == "evaluation_results.exported")
    )
    assert exported.actor_id == hr.id and exported.details["format"] == "CSV"


def test_the_overview_files_neutralise_formulas_in_course_titles(client, db, tmp_path: Path):
    standard()
    hostile_course = cf.course("=cmd|' /C calc'!A0", code="EVIL-1")
    session = finished(hostile_course)
    people = participants(session, 5)
    answer_all(opened(session), people)
    log_in(client, factories.user(Role.HR))
    text = client.get("/berichte/bewertungen.csv", query_string=PERIOD).data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'=cmd|' /C calc'!A0 (EVIL-1)" in cells
    assert not [c for c in cells if c.startswith("=")]
    path = tmp_path / "o.xlsx"
    path.write_bytes(client.get("/berichte/bewertungen.xlsx", query_string=PERIOD).data)
    book = load_workbook(path)
    found = [
        c
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
        if c.value == "=cmd|' /C calc'!A0 (EVIL-1)"
    ]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)


def test_the_pages_run_a_fixed_number_of_statements(client, released):
    from tests.querycount import count_queries

    session, _trainer = released
    log_in(client, factories.user(Role.HR))
    urls = [
        ("/berichte/bewertungen", PERIOD),
        (f"/berichte/bewertungen/termine/{session.id}", {}),
        ("/kurse/verwaltung/bewertungen/runden", {}),
    ]

    def counts() -> list[int]:
        found = []
        for url, args in urls:
            client.get(url, query_string=args)  # warm-up
            with count_queries(db.engine) as queries:
                assert client.get(url, query_string=args).status_code == 200
            found.append(queries.count)
        return found

    before = counts()
    for n in range(4):  # more courses, trainers, sessions and answers
        other = finished(cf.course(f"Mehrkurs {n}"), trainer=factories.user(Role.TRAINER))
        answer_all(opened(other), participants(other, 5, name=f"Mehr{n}"))
    assert counts() == before
