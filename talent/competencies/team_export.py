"""The team matrix as a table for export: CSV as German Excel opens it (``;``-separated,
UTF-8 with BOM, decimal comma) and XLSX (bold header, frozen header row and name
column). Both carry the same rows as the page: one per member with current level, target
and gap per competence, then the per-competence figures — or "withheld" where fewer than
the minimum group size have a target (data protection)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from academy.frameworks.models import Competence
from academy.spreadsheets import csv_writer, quote_openpyxl_cell, safe_cell
from talent.competencies.gaps import CompetenceSummary, TeamMatrix

Value = str | int | float | None


@dataclass(frozen=True)
class ExportLabels:
    """Column and row labels in the reader's language (the view translates them)."""

    member: str
    department: str
    job_role: str
    current: str  # "%(competence)s: current level"
    target: str  # "%(competence)s: target"
    gap: str  # "%(competence)s: gap"
    with_target: str
    below_target: str
    total_gap: str
    average_gap: str
    withheld: str


@dataclass
class ExportTable:
    header: list[str]
    rows: list[list[Value]]
    #: Index of the first summary row in ``rows`` (after an empty separator row).
    summary_start: int


def average_gap(total: int | None, members: int) -> float | None:
    if total is None or not members:
        return None
    return round(total / members, 2)


def matrix_table(
    matrix: TeamMatrix, labels: ExportLabels, competence_name: Callable[[Competence], str]
) -> ExportTable:
    """Members × competences (current, target, gap) and the figures per competence."""
    header = [labels.member, labels.department, labels.job_role]
    for competence in matrix.competences:
        name = competence_name(competence)
        header += [
            labels.current % {"competence": name},
            labels.target % {"competence": name},
            labels.gap % {"competence": name},
        ]
    rows: list[list[Value]] = []
    for member in matrix.members:
        row: list[Value] = [member.sort_name, member.department_name, member.job_role_title]
        for level in matrix.row(member):
            if level.target is None:
                row += [level.current, None, None]
            else:
                row += [level.current, level.target, level.gap]
        rows.append(row)
    rows.append([])
    summary_start = len(rows)
    figures: list[tuple[str, Callable[[CompetenceSummary], Value]]] = [
        (labels.with_target, lambda s: s.members_with_target),
        (labels.below_target, lambda s: s.below_target),
        (labels.total_gap, lambda s: s.total_gap),
        (labels.average_gap, lambda s: average_gap(s.total_gap, s.members_with_target)),
    ]
    for label, value in figures:
        row = [label, None, None]
        for competence in matrix.competences:
            summary = matrix.summaries[competence.id]
            row += [None, None, labels.withheld if summary.withheld else value(summary)]
        rows.append(row)
    return ExportTable(header=header, rows=rows, summary_start=summary_start)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_decimal(value, format="0.00", locale="de_DE")
    if isinstance(value, int):
        return str(value)
    return safe_cell(value)  # no formulas from names or titles


def to_csv(table: ExportTable) -> bytes:
    """``;``-separated, CRLF, UTF-8 with BOM, decimal comma: German Excel opens it as is."""
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow([_csv_text(v) for v in table.header])
    for row in table.rows:
        writer.writerow([_csv_text(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def to_xlsx(table: ExportTable, sheet_title: str) -> bytes:
    """One sheet: bold header row, header row and name column frozen, numbers as
    numbers (the average with two decimals), texts never read as formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    bold = Font(bold=True)
    sheet.append(table.header)
    for cell in sheet[1]:
        cell.font = bold
        quote_openpyxl_cell(cell)
    for index, row in enumerate(table.rows):
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                quote_openpyxl_cell(cell)  # a name starting with "=" stays a text
            elif isinstance(cell.value, float):
                cell.number_format = "0.00"
        if index >= table.summary_start:
            sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.freeze_panes = "B2"
    _widths(sheet, table.header)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _widths(sheet: Worksheet, header: Sequence[str]) -> None:
    for column, title in enumerate(header, start=1):
        width = 28 if column <= 3 else min(max(len(title) * 0.6, 10), 30)
        sheet.column_dimensions[get_column_letter(column)].width = width
