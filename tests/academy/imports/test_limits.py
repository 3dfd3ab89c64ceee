"""Import limits, checked before parsing: hostile workbooks, CSV and JSON files are refused
with a message (``ImportRefused``) by every importer's service path; the worst ones stay
far below a worker's memory in a fresh process."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from academy.config import DEFAULTS
from academy.frameworks.files import read_framework_file
from academy.imports.limits import ImportRefused, check_json_depth, import_limits
from academy.imports.workbooks import check_workbook, sheet_rows
from academy.org.staff_import.files import read_table
from talent.competencies.mapping_csv import read_mapping_csv
from tests.academy.imports import hostile

ROOT = Path(__file__).resolve().parents[3]
STAFF_CSV_HEADER = "Personalnummer;Vorname;Nachname;Organisationseinheit;Bereich"
STAFF_CSV_ROW = "1;Anna;Muster;10;Amt"
FRAMEWORK_CSV_HEADER = "type;code;area_code;name_de;name_en;level"
FRAMEWORK_CSV_ROW = "area;A;;Bereich;Area;"
MAPPING_CSV_HEADER = "source_framework;source_code;target_framework;target_code"
MAPPING_CSV_ROW = "A;1;B;2"


def refused(call, *args) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        call(*args)
    assert info.value.field == "file"
    assert info.value.status_code == 422
    return info.value


def small(**changes) -> object:
    return replace(import_limits("flask academy import-staff DATEI"), **changes)


def test_limits_are_settings_and_the_command_line_allows_more(app):
    for key in ("IMPORT_MAX_BYTES", "IMPORT_MAX_ROWS", "IMPORT_MAX_XLSX_RATIO"):
        assert key in DEFAULTS
    web, cli = import_limits("x"), import_limits(cli=True)
    assert web.max_rows == 100_000 and web.command == "x"
    assert cli.max_rows == web.max_rows * DEFAULTS["IMPORT_CLI_FACTOR"] and cli.command is None
    assert cli.max_columns == web.max_columns  # structure limits stay


# ---------------------------------------------------------------------------
# Excel workbooks (staff import)
# ---------------------------------------------------------------------------


def test_a_lying_dimension_is_refused_before_any_row_is_read():
    content = hostile.lying_dimension_xlsx()
    assert len(content) < 6_000
    error = refused(read_table, content, "personal.xlsx")
    assert error.params["rows"] == 1_048_576 and error.params["columns"] == 16_384


def test_without_a_dimension_the_stream_stops_at_the_column_and_row_limits():
    error = refused(read_table, hostile.undeclared_wide_xlsx(rows=3), "personal.xlsx")
    assert error.params == {"line": 4, "limit": 100}
    rows = [[str(n), "A", "B", "10", ""] for n in range(30)]
    content = hostile.small_workbook(rows)
    error = refused(lambda: list(sheet_rows(content, small(max_rows=5))))
    assert "flask academy import-staff" in error.params["command"]


def test_a_zip_bomb_is_refused_by_its_ratio_and_by_its_unpacked_size():
    bomb = hostile.zip_bomb_xlsx(megabytes=20)
    assert "ratio" in refused(check_workbook, bomb, small()).params
    error = refused(check_workbook, hostile.small_workbook(), small(max_xlsx_unpacked_bytes=1000))
    assert error.params["limit"] == 0 and error.params["command"]


def test_a_workbook_of_thousands_of_parts_is_refused():
    assert refused(read_table, hostile.many_members_xlsx(), "p.xlsx").params["limit"] == 1000


@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_entity_expansion_is_refused_and_openpyxl_parses_with_defusedxml(part):
    content = hostile.billion_laughs_xlsx(part)
    error = refused(read_table, content, "personal.xlsx")
    assert "entity" in error.message
    assert openpyxl.DEFUSEDXML is True  # the second line of defence, without our check:
    with pytest.raises(ValueError) as info:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        list(workbook.worksheets[0].iter_rows(values_only=True))
    assert isinstance(info.value.__cause__ or info.value, DefusedXmlException)


def test_a_long_cell_in_a_workbook_is_refused():
    content = hostile.small_workbook([["1", "A" * 6_000, "B", "10", ""]])
    assert refused(read_table, content, "p.xlsx").params == {"line": 2, "limit": 5_000}


def test_an_ordinary_workbook_still_reads():
    table = read_table(hostile.small_workbook(), "personal.xlsx")
    assert not table.problems and len(table.rows) == 2


def test_a_file_over_the_size_limit_is_refused_before_reading():
    content = hostile.small_workbook()
    error = refused(read_table, content, "p.xlsx", small(max_bytes=len(content) - 1))
    assert error.params["command"] == "flask academy import-staff DATEI"


# ---------------------------------------------------------------------------
# CSV (staff, framework and mapping imports)
# ---------------------------------------------------------------------------

CSV_READERS = {
    "staff": (lambda data, limits=None: read_table(data, "p.csv", limits), STAFF_CSV_HEADER),
    "framework": (lambda data, limits=None: read_framework_file(data, "f.csv", limits), None),
    "mapping": (lambda data, limits=None: read_mapping_csv(data, limits), MAPPING_CSV_HEADER),
}
HEADERS = {
    "staff": STAFF_CSV_HEADER,
    "framework": FRAMEWORK_CSV_HEADER,
    "mapping": MAPPING_CSV_HEADER,
}
ROWS = {"staff": STAFF_CSV_ROW, "framework": FRAMEWORK_CSV_ROW, "mapping": MAPPING_CSV_ROW}


@pytest.mark.parametrize("kind", list(CSV_READERS))
def test_csv_cells_of_10k_characters_are_refused(kind):
    read = CSV_READERS[kind][0]
    data = hostile.csv_long_cells(HEADERS[kind], columns=3)
    error = refused(read, data)
    assert error.params == {"line": 2, "limit": 5_000}


@pytest.mark.parametrize("kind", list(CSV_READERS))
def test_csv_rows_and_columns_over_the_limits_are_refused(kind):
    read = CSV_READERS[kind][0]
    many = hostile.csv_many_rows(HEADERS[kind], ROWS[kind], rows=60)
    assert refused(read, many, small(max_rows=50)).params["limit"] == 50
    wide = hostile.csv_many_columns(HEADERS[kind], ROWS[kind], columns=150)
    assert refused(read, wide).params == {"line": 2, "limit": 100}


def test_nul_bytes_in_a_staff_csv_are_refused():
    error = refused(read_table, hostile.csv_nul(STAFF_CSV_HEADER, STAFF_CSV_ROW), "p.csv")
    assert error.params == {"line": 2}


@pytest.mark.parametrize("kind", ["framework", "mapping"])
def test_nul_bytes_in_framework_and_mapping_csv_stay_a_line_error(kind):
    data = hostile.csv_nul(HEADERS[kind], ROWS[kind])
    assert CSV_READERS[kind][0](data).errors[0].line == 2


# ---------------------------------------------------------------------------
# JSON (framework import)
# ---------------------------------------------------------------------------


def test_json_nested_100000_levels_is_refused_without_recursion():
    error = refused(read_framework_file, hostile.deep_json(100_000), "f.json")
    assert error.params == {"limit": 32}


def test_the_depth_scan_ignores_brackets_in_strings():
    check_json_depth('{"a": "' + "[" * 1000 + '"}', small())
    with pytest.raises(ImportRefused):
        check_json_depth('{"a": ' + "[" * 40 + "]" * 40 + "}", small())


@pytest.mark.parametrize(
    "data",
    [
        hostile.long_number_json(10_000),
        b'{"code": "X", "version": 0.' + b"1" * 200 + b"}",
        hostile.infinite_number_json(),
        b'{"code": "X", "version": NaN}',
        b'{"code": "X", "version": -Infinity}',
    ],
    ids=["10000 digits", "long fraction", "1e999", "NaN", "-Infinity"],
)
def test_overlong_and_infinite_json_numbers_are_refused(data):
    error = refused(read_framework_file, data, "f.json")
    assert error.message.startswith("The file contains a number")


def test_long_json_text_and_too_many_json_records_are_refused():
    long_text = b'{"code": "X", "name_de": "' + b"x" * 6_000 + b'"}'
    assert refused(read_framework_file, long_text, "f.json").params["limit"] == 5_000
    areas = b",".join(b'{"code": "A%d"}' % n for n in range(60))
    many = b'{"code": "X", "areas": [' + areas + b"]}"
    assert refused(read_framework_file, many, "f.json", small(max_rows=50)).params["limit"] == 50


# ---------------------------------------------------------------------------
# Peak memory of the worst uploads, each parsed in a fresh process
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["lying-dimension", "zip-bomb", "deep-json"])
def test_the_worst_uploads_stay_far_below_a_workers_memory(kind, tmp_path):
    path = tmp_path / "hostile.bin"
    command = [sys.executable, "-m", "tests.academy.imports.hostile"]
    subprocess.run([*command, "build", kind, str(path)], cwd=ROOT, check=True)
    result = subprocess.run(
        [*command, "measure", kind, str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcome, peak_kib = result.stdout.split()
    assert outcome == "ImportRefused"
    assert int(peak_kib) < 300 * 1024  # 300 MB; the lying dimension took 1.7 GB before


def test_hostile_workbooks_are_what_they_claim():
    archive = zipfile.ZipFile(io.BytesIO(hostile.zip_bomb_xlsx(megabytes=20)))
    assert archive.getinfo("xl/sharedStrings.xml").file_size > 20 * 1024 * 1024
    sheet = zipfile.ZipFile(io.BytesIO(hostile.lying_dimension_xlsx())).read(
        "xl/worksheets/sheet1.xml"
    )
    assert b'<dimension ref="A1:XFD1048576"' in sheet
