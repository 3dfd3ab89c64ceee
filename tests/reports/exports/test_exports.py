"""CSV, XLSX and PDF exports of hand-built reports (tests/reports/report_samples.py):
German Excel CSV, formatted workbooks, a PDF with a title page, charts, page numbers."""

from __future__ import annotations

import csv
import decimal
import io
import random
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import format_decimal
from flask import Flask
from openpyxl import load_workbook

from reports.analytics.formatting import _csv_decimal, _csv_percent, file_value, t
from reports.analytics.report_model import Chart, Column, Part
from reports.exports.csv import CHUNK_ROWS, csv_chunks
from reports.exports.pdf import document as export_pdf
from reports.exports.pdf import write_pdf
from reports.exports.xlsx import SheetNames, write_xlsx
from tests.reports import report_samples as samples


@pytest.fixture()
def english(app: Flask) -> Iterator[None]:
    """A request in English: labels in English, numbers in files still German."""
    with app.test_request_context(headers={"Cookie": "da_lang=en"}):
        yield


@pytest.fixture()
def german(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def _csv(report) -> str:
    return "".join(csv_chunks(report))


def _sections(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def _section(rows: list[list[str]], title: str) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, data rows, notes) of the part with ``title``."""
    start = rows.index([title])
    header = rows[start + 1]
    end = start + 2
    while rows[end]:
        end += 1
    notes = []
    for row in rows[end + 1 :]:
        if not row:
            break
        notes.append(row[0])
    return header, rows[start + 2 : end], notes


def test_csv_is_german_excel_csv(english):
    text = _csv(samples.aggregate_report())

    assert text.startswith("\ufeff")
    assert text.count("\ufeff") == 1
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = _sections(text)
    assert rows[0] == ["Skill gaps"]
    assert ["Generated", "14.03.2025 10:30"] in rows  # Berlin time
    assert ["Period", "01.01.2024 – 31.12.2024"] in rows

    header, data, notes = _section(rows, "Gaps by department")
    assert header == [
        "Department",
        "People with a target",
        "Share below target (%)",
        "Total gap",
        "Mean gap",
        "Note",
    ]
    assert data[0] == ["Amt für Digitales", "12", "12,5", "14", "1,17", ""]
    assert data[1] == ["Bürgeramt", "1234", "50,0", "2500", "2,25", ""]  # no thousands dot
    # withheld: the row stays, figures empty, the note says why
    assert data[2] == [
        "Kämmerei",
        "3",
        "",
        "",
        "",
        "Withheld: fewer than 5 people, or a figure from which such a group could be worked out",
    ]
    # a text Excel would run as a formula is quoted; NA is empty
    assert data[3] == ["'=Formel", "7", "100,0", "9", "", ""]
    assert notes == ["1 group withheld: fewer than 5 people"]

    header, data, _notes = _section(rows, "Unmet demand per course")
    assert "Note" not in header  # no withheld column, no note column
    assert data == [
        ["Scrum kompakt", "01.04.2025", "8", "2"],
        ["E-Akte Grundlagen", "", "0", "1"],
        ["IT-Sicherheit", "31.12.2025", "21", "0"],
    ]


def test_csv_labels_follow_the_ui_language(german):
    rows = _sections(_csv(samples.aggregate_report()))
    header, _data, _notes = _section(rows, t("Gaps by department"))
    assert header[0] == t("Department") != "Department"  # translated (German: "Bereich")
    assert header[2] == t("Share below target") + " (%)"


def test_csv_streams_in_chunks(english):
    report = samples.individual_report(count=2 * CHUNK_ROWS + 10)
    chunks = list(csv_chunks(report))

    assert chunks[0].startswith("\ufeff")
    assert all("\ufeff" not in chunk for chunk in chunks[1:])
    assert len(chunks) >= 5  # preamble, header, three row chunks, notes
    assert max(c.count("\r\n") for c in chunks) <= CHUNK_ROWS + 2
    header, data, _notes = _section(_sections("".join(chunks)), "Current level per person")
    assert len(data) == 2 * CHUNK_ROWS + 10
    assert header[:2] == ["Person", "Department"]
    assert data[0][0] == "Łukasz Weiß-1000"


def test_csv_numbers_are_what_babel_writes_for_de_de():
    """The fast CSV formatting equals babel's de_DE output (two decimals, no grouping,
    rounded half up)."""
    rng = random.Random(7)
    values = [rng.uniform(-1e6, 1e6) for _ in range(300)] + [2.25, 1.005, 0.125, 0.0, 1e-9]
    with decimal.localcontext(decimal.Context(rounding=decimal.ROUND_HALF_UP)):
        for value in values:
            expected = format_decimal(value, format="0.00", locale="de_DE")
            assert _csv_decimal(value) in (expected, expected.lstrip("-")), value
            percent = format_decimal(value * 100, format="0.0", locale="de_DE")
            assert _csv_percent(value) in (percent, percent.lstrip("-")), value


def test_file_numbers_are_german_and_round_half_up():
    assert file_value(1234567, "int") == "1.234.567"
    assert file_value(2.25, "decimal") == "2,3"
    assert file_value(0.125, "percent") == "12,5\u00a0%"
    assert file_value(None, "int") == ""
    assert file_value(float("nan"), "decimal") == ""


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def _workbook(report):
    buffer = io.BytesIO()
    write_xlsx(report, buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def test_xlsx_has_a_cover_and_one_sheet_per_part(english):
    book = _workbook(samples.aggregate_report())

    assert book.sheetnames == [
        "Report",
        "Gaps by department",
        "Unmet demand per course",
        "Trends by quarter",
    ]
    cover = book["Report"]
    assert cover["A1"].value == "Skill gaps"
    assert cover["A1"].font.b
    texts = [c.value for row in cover.iter_rows() for c in row if c.value]
    assert "Generated" in texts and "14.03.2025 10:30" in texts
    assert "Whole organisation" in texts
    assert any("fewer than 5 people are withheld" in str(v) for v in texts)


def test_xlsx_part_sheet_is_formatted(english):
    book = _workbook(samples.aggregate_report())
    sheet = book["Gaps by department"]

    header = [c.value for c in sheet[1]]
    assert header == [
        "Department",
        "People with a target",
        "Share below target",
        "Total gap",
        "Mean gap",
        "Note",
    ]
    for cell in sheet[1]:
        assert cell.font.b
        assert cell.fill.fgColor.rgb.endswith("DCE6F1")
        assert cell.border.bottom.style == "thin"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F5"
    assert sheet.column_dimensions["A"].width >= len("Amt für Digitales")

    first = sheet[2]
    assert first[0].value == "Amt für Digitales"
    assert first[1].value == 12 and first[1].number_format == "#,##0"
    assert first[2].value == pytest.approx(0.125) and first[2].number_format == "0.0 %"
    assert first[4].value == pytest.approx(1.1666666) and first[4].number_format == "#,##0.0"
    withheld = sheet[4]
    assert [c.value for c in withheld] == [
        "Kämmerei",
        3,
        None,
        None,
        None,
        "Withheld: fewer than 5 people, or a figure from which such a group could be worked out",
    ]
    formula = sheet["A5"]
    assert formula.value == "=Formel" and formula.data_type == "s"  # text, not a formula
    assert sheet["A7"].value == "1 group withheld: fewer than 5 people"
    assert sheet["A7"].font.i


def test_xlsx_dates_and_wide_parts(english):
    report = samples.aggregate_report()
    report.parts.append(samples.people_part(count=30))
    book = _workbook(report)

    demand = book["Unmet demand per course"]
    assert isinstance(demand["B2"].value, datetime)
    assert demand["B2"].value.date().isoformat() == "2025-04-01"
    assert demand["B2"].number_format.upper() == "DD.MM.YYYY"
    assert demand["B3"].value is None
    people = book["Current level per person"]
    assert people.freeze_panes == "B2"  # rows about people: the name column stays too
    assert people.max_row == 31
    assert people["A2"].value == "Łukasz Weiß-1000"


def test_sheet_names_are_valid_and_unique():
    names = SheetNames()
    assert names("Report") == "Report"
    assert names("report") == "report (2)"
    long = names("Gaps by department / job role: [all]*? of the organisation")
    assert len(long) <= 31
    assert not set(long) & set("[]:*?/\\")
    again = names("Gaps by department / job role: [all]*? of the organisation")
    assert again != long and len(again) <= 31 and again.endswith("(2)")
    assert names("''") == "Sheet"


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def _pdf(report, tmp_path: Path) -> tuple[str, int, Path]:
    path = tmp_path / "report.pdf"
    with path.open("wb") as out:
        write_pdf(report, out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    return text, pages, path


def test_pdf_title_page_tables_and_page_numbers(english, tmp_path):
    text, pages, path = _pdf(samples.aggregate_report(), tmp_path)

    assert path.read_bytes().startswith(b"%PDF-")
    title_page = text.split("\f")[0]
    assert "Skill gaps" in title_page
    assert "14.03.2025 10:30" in title_page
    assert "Whole organisation" in title_page
    assert "01.01.2024 – 31.12.2024" in title_page
    assert "fewer than 5 people are withheld" in title_page
    assert t("Page %(page)s of %(pages)s", page=1, pages=pages) in title_page
    assert pages == 4  # title page + one page per part
    # German numbers in the tables, whatever the UI language
    assert "1.234" in text and "2.500" in text
    assert "12,5 %" in text and "100,0 %" in text
    assert "01.04.2025" in text
    assert "Amt für Digitales" in text
    assert "Withheld: fewer than 5 people," in text  # the rest of the note wraps in its cell
    assert "1 group withheld: fewer than 5 people" in text
    # the charts: axis titles and values
    assert "Share below target (%)" in text
    assert "Waitlisted now" in text and "Quarter" in text


def test_pdf_footer_in_german(german, tmp_path):
    text, pages, _path = _pdf(samples.aggregate_report(), tmp_path)
    footer = t("Page %(page)s of %(pages)s", page=2, pages=pages)
    assert footer in text.split("\f")[1]


def test_pdf_long_wide_table_splits_over_landscape_pages(english, tmp_path):
    report = samples.individual_report(count=400)
    text, pages, path = _pdf(report, tmp_path)

    assert pages > 8
    # every page of the table repeats the header row
    body_pages = [p for p in text.split("\f")[1:] if p.strip()]
    assert all("Person" in page for page in body_pages)
    assert "Łukasz Weiß-1000" in text  # outside WinAnsi: DejaVu Sans is embedded
    assert "Müller, Jörg 1399" in text
    # too wide for one landscape page: column bands, each with the name column
    assert "Columns, part 1 of 2" in text and "Columns, part 2 of 2" in text
    sizes = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "841.89 x 595.276" in sizes  # landscape pages
    assert t("Page %(page)s of %(pages)s", page=pages, pages=pages) in text


def test_pdf_cuts_very_long_parts_with_a_note(english, tmp_path, monkeypatch):
    monkeypatch.setattr(export_pdf, "MAX_ROWS", 30)
    report = samples.individual_report(count=45)
    text, _pages, _path = _pdf(report, tmp_path)

    assert "Müller, Jörg 1029" in text
    assert "Müller, Jörg 1030" not in text
    assert "The PDF shows the first 30 of 45 rows" in text
    assert export_pdf.pdf_rows(report.parts[0]) == 30


def test_pdf_of_an_empty_part(english, tmp_path):
    text, pages, _path = _pdf(samples.empty_report(), tmp_path)
    assert "No data for these filters." in text
    assert pages == 2


def _bars(n: int, series: int, wide: bool) -> Part:
    """A horizontal bar chart with ``n`` categories; ``wide`` adds columns enough for a
    landscape page."""
    data: dict[str, list] = {"name": [f"Kurs Nummer {i}" for i in range(n)]}
    columns = [Column("name", "Course")]
    for s in range(series):
        data[f"v{s}"] = [i * (s + 1) for i in range(n)]
        columns.append(Column(f"v{s}", f"Value {s}", "int"))
    for extra in range(12 if wide else 0):
        data[f"x{extra}"] = [1.5] * n
        columns.append(Column(f"x{extra}", f"Extra figure {extra}", "decimal"))
    keys = tuple(f"v{s}" for s in range(series))
    return Part("bars", "Bars", columns, pd.DataFrame(data), chart=Chart("hbar", "name", keys, "B"))


@pytest.mark.parametrize(
    ("n", "series", "wide", "drawn"),
    [(40, 2, True, False), (40, 1, False, True), (30, 1, True, True), (12, 3, True, True)],
)
def test_pdf_charts_always_fit_the_page(english, tmp_path, n, series, wide, drawn):
    report = samples.aggregate_report()
    report.parts = [_bars(n, series, wide)]
    text, _pages, _path = _pdf(report, tmp_path)  # no LayoutError
    assert ("too many for a readable chart" not in text) is drawn
    assert "Kurs Nummer 39" in text or n < 40
