"""Reading staff files as German HR systems and Excel write them: CSV and XLSX.

This module knows file formats and cell values only; what the rows mean for the
database is decided in ``academy.org.staff_import.importer``.

CSV
    Encoding: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"),
    otherwise Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)").
    Separator: ``;``, ``,`` or tab, sniffed from the header line; an Excel hint line
    ``sep=;`` at the top is honoured. Line numbers are those of the file: the header is
    line 1, the first data row line 2.
XLSX
    The first worksheet, streamed with openpyxl in read-only mode after the archive was
    checked (``academy.imports.workbooks``). Line numbers are the
    sheet's row numbers. Date cells are dates; numbers in text columns become text
    without a decimal part (``123.0`` → ``"123"``), and a number shown with leading
    zeros (format ``00000``) keeps them (``123`` → ``"00123"``).

Completely empty rows are skipped everywhere; the first non-empty row is the header.
A file over an import limit (``academy.imports.limits``) raises ``ImportRefused``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from academy.i18n import N_
from academy.imports.limits import (
    ImportLimits,
    check_csv_error,
    check_record,
    check_row_count,
    check_size,
    check_text,
    check_value,
    import_limits,
)
from academy.imports.textfiles import (
    UNDECODABLE_MESSAGE,
    UndecodableText,
    decode_text,
    sniff_separator,
)
from academy.imports.workbooks import sheet_rows
from academy.org.staff_import.columns import ALIASES, COLUMNS, Problem, header_key


@dataclass
class Table:
    """The rows of a file below its header. ``fields`` maps a field to its column index,
    ``labels`` to the header as written in the file."""

    fields: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    header_line: int = 1


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
ALLOWED_EXTENSIONS = ("csv", "txt", "tsv", "xlsx", "xlsm")
#: The command that imports files over the web's limits (named in the message).
COMMAND = "flask academy import-staff DATEI"


def read_table(content: bytes, filename: str, limits: ImportLimits | None = None) -> Table:
    """Read a CSV or XLSX file into a ``Table``; problems with the file are in the table.
    A file over ``limits`` (default: the web's) raises ``ImportRefused``."""
    limits = limits or import_limits(COMMAND)
    check_size(content, limits)
    name = filename.lower()
    is_zip = content.startswith(b"PK\x03\x04")
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        return Table(
            problems=[
                Problem(
                    None,
                    None,
                    N_(
                        "The old Excel format (.xls) cannot be read. "
                        "Please save the file as .xlsx or CSV."
                    ),
                )
            ]
        )
    if name.endswith(XLSX_SUFFIXES) or (is_zip and not name.endswith(CSV_SUFFIXES)):
        try:
            rows = _xlsx_rows(content, limits)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
            return Table(
                problems=[
                    Problem(
                        None, None, N_("The file could not be read as an Excel workbook (.xlsx).")
                    )
                ]
            )
    elif is_zip:
        return Table(
            problems=[
                Problem(
                    None,
                    None,
                    N_("The file looks like an Excel workbook; please give it the ending .xlsx."),
                )
            ]
        )
    else:
        try:
            rows, broken_at = _csv_rows(content, limits)
        except UndecodableText as exc:
            return Table(problems=[Problem(exc.line, None, UNDECODABLE_MESSAGE)])
        if broken_at is not None:
            return Table(
                problems=[
                    Problem(
                        broken_at,
                        None,
                        N_(
                            "The CSV file is damaged here (for example an unclosed quotation mark)."
                        ),
                    )
                ]
            )
    return _table(rows)


def _table(rows: list[tuple[int, list[Any]]]) -> Table:
    table = Table()
    data = [(line, values) for line, values in rows if not _empty(values)]
    if not data:
        table.problems.append(Problem(None, None, N_("The file contains no rows.")))
        return table
    table.header_line, header = data[0]
    for index, raw in enumerate(header):
        label = clean_text(raw)
        key = header_key(label)
        if not key:
            continue
        name = ALIASES.get(key)
        if name is None:
            table.ignored_columns.append(label)
        elif name in table.fields:
            table.problems.append(
                Problem(
                    table.header_line,
                    label,
                    N_("The column %(column)s means the same as the column %(other)s."),
                    {"column": label, "other": table.labels[name]},
                )
            )
        else:
            table.fields[name] = index
            table.labels[name] = label
    for column in COLUMNS:
        if column.required and column.field not in table.fields:
            table.problems.append(
                Problem(
                    table.header_line,
                    column.label,
                    N_("The required column %(column)s is missing (accepted names: %(names)s)."),
                    {"column": column.label, "names": ", ".join(column.aliases)},
                )
            )
    table.rows = data[1:]
    return table


def _empty(values: list[Any]) -> bool:
    for value in values:
        if value is not None and (value.__class__ is not str or value.strip()):
            return False
    return True


def _csv_rows(
    content: bytes, limits: ImportLimits
) -> tuple[list[tuple[int, list[Any]]], int | None]:
    """The records with the line each starts on, and the line where the CSV breaks."""
    text, _encoding = decode_text(content)
    check_text(text)
    offset = 0
    first_line = text.split("\n", 1)[0].strip("\r")
    separator = None
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        separator = first_line[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        offset = 1
    if separator is None:
        header = next((ln for ln in text.splitlines() if ln.strip()), "")
        separator = sniff_separator(header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[tuple[int, list[Any]]] = []
    previous = 0
    try:
        for record in reader:
            line = previous + 1 + offset
            check_record(record, line, limits)
            check_row_count(len(rows), limits)  # the header and up to max_rows data rows
            rows.append((line, record))
            previous = reader.line_num
    except csv.Error as exc:
        check_csv_error(exc, previous + 1 + offset, limits)
        return rows, previous + 1 + offset
    return rows, None


def _xlsx_rows(content: bytes, limits: ImportLimits) -> list[tuple[int, list[Any]]]:
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in sheet_rows(content, limits):
        values: list[Any] = []
        for cell in cells:
            value = cell.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = _number_cell(value, getattr(cell, "number_format", None))
            elif value.__class__ is str:
                check_value(value, number, limits)
            values.append(value)
        rows.append((number, values))
    return rows


def _number_cell(value: float, number_format: str | None) -> Any:
    """Numbers shown with leading zeros (format ``00000``) keep them as text."""
    if number_format and re.fullmatch(r"0+", number_format) and float(value).is_integer():
        return str(int(value)).zfill(len(number_format))
    return value


# ---------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """A cell as text: trimmed, NFC, no-break spaces as spaces, ``123.0`` as ``123``."""
    if value.__class__ is str and value.isascii():
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text.replace("\xa0", " "))
    return text.strip()


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def parse_date(value: Any) -> date | None:
    """``31.12.2019``, ``2019-12-31`` or a date cell; empty → None; else ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(value)
    text = clean_text(value)
    if not text:
        return None
    match = _GERMAN_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError(text)


_YES = {"ja", "j", "x", "1", "yes", "y", "true", "wahr"}
_NO = {"nein", "n", "0", "no", "false", "falsch", "-"}


def parse_flag(value: Any) -> bool | None:
    """``ja``/``x``/``1`` → True, ``nein``/``0`` → False, empty → None; else ValueError."""
    if isinstance(value, bool):
        return value
    text = clean_text(value).casefold()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(text)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None
