"""A report as an XLSX workbook (XlsxWriter, ``constant_memory``: rows go to disk as
they are written, so a 50,000-row matrix does not sit in memory as cell objects).

- First sheet "Report": title, generation time, scope, the filters in words and the
  minimum group rule.
- One sheet per part (names ≤ 31 characters, unique, without ``[]:*?/\\``): bold header
  with a fill and a border, header row frozen (and the first column when the rows are
  people or the table is wide), an autofilter, column widths, number formats
  (``#,##0``, ``#,##0.0``, ``0.0 %`` for fractions, ``DD.MM.YYYY``) set per column, so
  every value is written as a plain native value with ``write_row``; the frame is
  converted ``CHUNK_ROWS`` rows at a time, never copied as a whole. Notes follow two
  rows below the table.
- Withheld groups keep their row with empty figures and say so in a last column "Note".
- Texts are never read as formulas, URLs or numbers (workbook options); a text that
  looks like a formula gets the quote prefix (``academy.spreadsheets``).
"""

from __future__ import annotations

import math
import re
from typing import IO, Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from academy.i18n import N_
from academy.spreadsheets import is_formula_like, write_xlsxwriter_row, xlsxwriter_options
from reports.analytics.formatting import (
    NOTE_LABEL,
    as_date,
    column_label,
    filter_lines,
    generated_text,
    has_withheld,
    min_group_text,
    part_notes,
    scope_text,
    t,
    withheld_mask,
    withheld_text,
)
from reports.analytics.report_model import Column, Part, Report

NUMBER_FORMATS = {"int": "#,##0", "decimal": "#,##0.0", "percent": "0.0 %", "date": "DD.MM.YYYY"}
SHEET_NAME_MAX = 31
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
WIDTH_SAMPLE = 200
#: Rows converted to Python values at a time (the frame is not copied as a whole).
CHUNK_ROWS = 5000
MIN_WIDTH, MAX_WIDTH = 8, 50
#: Freeze the first column too when a part has more columns than this.
WIDE = 8


class SheetNames:
    """Valid, unique sheet names (Excel compares them case-insensitively)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def __call__(self, title: str) -> str:
        base = _SHEET_UNSAFE.sub(" ", title).strip().strip("'").strip() or "Sheet"
        base = re.sub(r"\s+", " ", base)[:SHEET_NAME_MAX].strip()
        name, n = base, 1
        while name.lower() in self._used:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        self._used.add(name.lower())
        return name


def _values(series: pd.Series, kind: str) -> list[Any]:
    """A frame column as native Python values for ``write_row`` (NA → None)."""
    if kind in ("int", "decimal", "percent"):
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        values = numbers.tolist()
        if np.isnan(numbers).any():
            return [None if v != v else v for v in values]  # NaN is not equal to itself
        return values
    if kind == "date":
        return [as_date(v) for v in series.tolist()]
    values = series.astype(object).where(series.notna(), None).tolist()
    return [v if v is None or v.__class__ is str else str(v) for v in values]


def _width(label: str, values: list[Any], kind: str) -> float:
    longest = len(label) * 0.9
    for value in values[:WIDTH_SAMPLE]:
        if value is None:
            continue
        if kind == "date":
            size = 10
        elif kind == "percent":
            size = 7
        elif isinstance(value, float):
            size = len(f"{value:,.1f}")
        else:
            size = len(str(value))
        longest = max(longest, size)
    return float(min(max(math.ceil(longest) + 2, MIN_WIDTH), MAX_WIDTH))


class _Formats:
    def __init__(self, workbook: Workbook) -> None:
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.label = workbook.add_format({"bold": True})
        self.note = workbook.add_format({"italic": True})
        self.quote = workbook.add_format({"quote_prefix": True})
        self.columns = {
            kind: workbook.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()
        }


def _cover(workbook: Workbook, report: Report, names: SheetNames, formats: _Formats) -> None:
    sheet = workbook.add_worksheet(names(t(N_("Report"))))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 70)
    sheet.write_string(0, 0, t(report.title), formats.title)
    rows: list[tuple[str, str]] = [
        (t(N_("Generated")), generated_text(report)),
        (t(N_("Scope")), scope_text(report.scope)),
        *filter_lines(report.filters),
    ]
    row = 2
    for label, value in rows:
        sheet.write_string(row, 0, label, formats.label)
        sheet.write_string(row, 1, value, formats.quote if is_formula_like(value) else None)
        row += 1
    row += 1
    sheet.write_string(row, 0, min_group_text(report.scope), formats.note)
    row += 2
    sheet.write_string(row, 0, t(N_("Contents")), formats.label)
    for part in report.parts:
        row += 1
        sheet.write_string(row, 0, t(part.title))
        if part.description:
            sheet.write_string(row, 1, t(part.description))


def _chunk(part: Part, columns: list[Column], note: str | None, start: int) -> list[list[Any]]:
    """Rows ``start`` … ``start + CHUNK_ROWS`` as native values, column by column."""
    frame = part.frame.iloc[start : start + CHUNK_ROWS]
    data = [_values(frame[c.key], c.kind) for c in columns]
    if note is not None:
        mask = withheld_mask(part, start, start + CHUNK_ROWS)
        data.append([note if w else None for w in mask])
    return data


def _part_sheet(
    workbook: Workbook, report: Report, part: Part, names: SheetNames, formats: _Formats
) -> None:
    sheet: Worksheet = workbook.add_worksheet(names(t(part.title)))
    columns: list[Column] = list(part.columns)
    labels = [column_label(c) for c in columns]
    note = withheld_text(report.scope) if has_withheld(part) else None
    first = _chunk(part, columns, note, 0)
    if note is not None:
        labels.append(t(NOTE_LABEL))
        columns = [*columns, Column("_note", NOTE_LABEL, "text")]
    for index, (column, label, values) in enumerate(zip(columns, labels, first, strict=True)):
        sheet.set_column(
            index, index, _width(label, values, column.kind), formats.columns.get(column.kind)
        )
    sheet.write_row(0, 0, labels, formats.header)
    rows = len(part.frame)
    for start in range(0, rows, CHUNK_ROWS):
        data = first if start == 0 else _chunk(part, list(part.columns), note, start)
        for number, values in enumerate(zip(*data, strict=True), start=start + 1):
            write_xlsxwriter_row(sheet, number, values, formats.quote)
        del data
        first = []
    wide = part.individual or len(columns) > WIDE
    sheet.freeze_panes(1, 1 if wide else 0)
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    row = rows + 2
    texts = part_notes(part)
    if not rows:
        texts.insert(0, t(N_("No data for these filters.")))
    for text in texts:
        sheet.write_string(row, 0, text, formats.note)
        row += 1


def write_xlsx(report: Report, fileobj: IO[bytes]) -> None:
    """Write the workbook into ``fileobj`` (a binary file object that can seek)."""
    workbook = xlsxwriter.Workbook(
        fileobj,
        xlsxwriter_options(
            constant_memory=True, in_memory=False, default_date_format=NUMBER_FORMATS["date"]
        ),
    )
    workbook.set_properties({"title": t(report.title), "comments": min_group_text(report.scope)})
    formats = _Formats(workbook)
    names = SheetNames()
    _cover(workbook, report, names, formats)
    for part in report.parts:
        _part_sheet(workbook, report, part, names, formats)
    workbook.close()
