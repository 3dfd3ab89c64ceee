"""One writer for every CSV/XLSX export (academy.spreadsheets): formula-like texts
neutralised (apostrophe in CSV, quote prefix in XLSX), numbers stay numbers; no module
writes a spreadsheet around it; every export route is listed with the test proving it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from academy.frameworks.files import COLUMNS
from academy.frameworks.models import Competence, Framework
from academy.frameworks.registry import (
    FACHKOMPETENZEN_CODE,
    framework_to_csv,
    load_default_frameworks,
    parse_framework_csv,
)
from academy.spreadsheets import (
    csv_writer,
    quote_openpyxl_cell,
    safe_cell,
    unescape_cell,
    write_xlsxwriter_row,
    xlsxwriter_options,
)

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://x";"y")', "+1+2", "-2+3", "@SUMME(A1)", "\tTab", "\rCR"]
HARMLESS = ["Müller", "", "a=b", "12", "-1,5", "+3", "-12,5 %", "2026-01-02"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_texts_get_an_apostrophe(value):
    assert safe_cell(value) == "'" + value
    assert unescape_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", [*HARMLESS, 7, -3, 2.5, None])
def test_other_values_are_unchanged(value):
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert unescape_cell(value) == value


def test_csv_writer_quotes_every_cell():
    out = io.StringIO(newline="")
    csv_writer(out).writerows([HOSTILE, [1, -2, 3.5, "-4"]])
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0] == ["'" + v for v in HOSTILE]
    assert rows[1] == ["1", "-2", "3.5", "-4"]


def test_xlsxwriter_rows_keep_texts_texts_and_numbers_numbers(tmp_path):
    path = tmp_path / "t.xlsx"
    workbook = xlsxwriter.Workbook(str(path), xlsxwriter_options(constant_memory=True))
    sheet = workbook.add_worksheet()
    quote = workbook.add_format({"quote_prefix": True})
    write_xlsxwriter_row(sheet, 0, [*HOSTILE, -5, 2.5, "Müller"], quote)
    workbook.close()
    cells = next(load_workbook(path).active.iter_rows(values_only=False))
    for cell, value in zip(cells, HOSTILE, strict=False):
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == value.replace("\r", "_x000D_")  # how XLSX stores a CR
    assert [c.value for c in cells[len(HOSTILE) :]] == [-5, 2.5, "Müller"]
    assert cells[len(HOSTILE)].data_type == "n" and not cells[-1].quotePrefix


def test_openpyxl_cells_are_quoted(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append([*HOSTILE, 4, "Text"])
    for cell in sheet[1]:
        quote_openpyxl_cell(cell)
    book.save(tmp_path / "o.xlsx")
    cells = next(load_workbook(tmp_path / "o.xlsx").active.iter_rows())
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[: len(HOSTILE)])
    assert cells[-2].value == 4 and cells[-2].data_type == "n"
    assert not cells[-1].quotePrefix


# --- the framework export (wrote formulas unescaped before) ------------------------


def test_framework_export_neutralises_and_round_trips(db):
    load_default_frameworks()
    fw = db.session.scalar(select(Framework).where(Framework.code == FACHKOMPETENZEN_CODE))
    fw.name_de = '=HYPERLINK("http://evil.example";"Klick")'
    competence = db.session.scalars(select(Competence).where(Competence.framework == fw)).first()
    competence.name_de, competence.name_en = "+Budget", "@Budget"
    competence.description_de = "-2+3"
    db.session.flush()
    data = framework_to_csv(fw)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert "'" + fw.name_de in cells and "'+Budget" in cells and "'@Budget" in cells
    assert "'-2+3" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[0] == list(COLUMNS)
    preview = parse_framework_csv(data, "fw.csv")
    assert preview.ok and preview.counts["changed"] == 0, preview.errors


# --- one writer: the source and the URL map --------------------------------------

PACKAGES = ("academy", "courses", "talent", "reports", "api")
DIRECT = re.compile(r"csv\.(writer|DictWriter)\(|xlsxwriter\.Workbook\(|\bWorkbook\(\)")


def test_no_export_writes_around_the_one_writer():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "academy/spreadsheets.py" or "/migrations/" in rel:
                continue
            text = path.read_text(encoding="utf-8")
            for match in DIRECT.finditer(text):
                line = text[: match.start()].count("\n") + 1
                window = text[match.start() : match.start() + 400]
                if match.group(0).startswith("xlsxwriter") and "xlsxwriter_options(" in window:
                    continue
                if match.group(0) == "Workbook()" and "quote_openpyxl_cell" in text:
                    continue
                offenders.append(f"{rel}:{line}")
    assert not offenders, f"spreadsheet written without academy.spreadsheets: {offenders}"


#: Every route that answers a CSV or XLSX file, and the test that proves its cells safe.
EXPORT_ROUTES = {
    "staff.template_file": "header only (fixed column names)",
    "staff.problems_file": "tests/academy/org/staff_import/test_staff_import.py",
    "frameworks.export_csv": "test_framework_export_neutralises_and_round_trips",
    "talent.team_csv": "tests/talent/competencies/test_team_views.py",
    "talent.team_xlsx": "tests/talent/competencies/test_team_views.py",
    "reports.export": "tests/reports/exports/test_exports.py",
    "access_overview.overview_file": "tests/academy/audit/test_overview.py",
    "courses.budget_bookings_csv": "tests/courses/budgets/test_views.py",
    "courses.budget_cost_centres_csv": "tests/courses/budgets/test_views.py",
    "courses.mandatory_overview_csv": "tests/courses/mandatory/test_views.py",
    "courses.mandatory_overview_xlsx": "tests/courses/mandatory/test_views.py",
    "reports.evaluations_export": "tests/reports/evaluations/test_results_views.py",
    "reports.evaluation_session_export": "tests/reports/evaluations/test_results_views.py",
}


def test_every_export_route_is_covered(app):
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if re.search(r"\.(csv|xlsx)\b|csv, xlsx", rule.rule)
    }
    assert found <= set(EXPORT_ROUTES), (
        f"new CSV/XLSX export routes: {sorted(found - set(EXPORT_ROUTES))} — write them with "
        "academy.spreadsheets and add them here with the test that proves their cells safe"
    )
