"""The team view as a file: CSV as German Excel opens it (``;``-separated, UTF-8 with
BOM, decimal comma) and XLSX (bold header, header row and name column frozen), both
with the figures of the page: after the header, per competence the members with a
target, below target, the total and the average gap (or "withheld" below the minimum
group size), then one row per member with current level, target and gap per
competence. Competences in the page's order (framework, area, position).

Rows are written as they are made (``XlsxStream``, the CSV writer), with a progress
callback, so that an organisation-wide file is a matter of seconds and can be made in
the background (``academy.jobs``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from babel.numbers import format_decimal

from academy.frameworks.models import Competence
from academy.spreadsheets import XlsxStream, csv_writer
from talent.competencies.gaps import CompetenceSummary
from talent.competencies.team.grid import TeamGrid

Value = str | int | float | None
Progress = Callable[[int, int], None]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
#: Progress is reported every this many member rows.
REPORT_EVERY = 2000
#: The columns of a member row that hold texts (name, department, job role).
TEXT_COLUMNS = (0, 1, 2)


@dataclass(frozen=True)
class ExportLabels:
    """Column and row labels in the reader's language (the caller translates them)."""

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


def average_gap(total: int | None, members: int) -> float | None:
    if total is None or not members:
        return None
    return round(total / members, 2)


def header(grid: TeamGrid, labels: ExportLabels, name: Callable[[Competence], str]) -> list[str]:
    columns = [labels.member, labels.department, labels.job_role]
    for competence in grid.competences:
        title = name(competence)
        columns += [
            labels.current % {"competence": title},
            labels.target % {"competence": title},
            labels.gap % {"competence": title},
        ]
    return columns


def summary_rows(grid: TeamGrid, labels: ExportLabels) -> list[list[Value]]:
    figures: list[tuple[str, Callable[[CompetenceSummary], Value]]] = [
        (labels.with_target, lambda s: s.members_with_target),
        (labels.below_target, lambda s: s.below_target),
        (labels.total_gap, lambda s: s.total_gap),
        (labels.average_gap, lambda s: average_gap(s.total_gap, s.members_with_target)),
    ]
    rows: list[list[Value]] = []
    for label, value in figures:
        row: list[Value] = [label, None, None]
        for competence in grid.competences:
            summary = grid.summaries[competence.id]
            row += [None, None, labels.withheld if summary.withheld else value(summary)]
        rows.append(row)
    return rows


def member_rows(grid: TeamGrid, progress: Progress | None = None) -> Iterator[list[Value]]:
    """One row per member: name, department, job role, then (current, target, gap)."""
    total = len(grid.members)
    for index, member in enumerate(grid.members, start=1):
        row: list[Value] = [member.sort_name, member.department_name, member.job_role_title]
        for cell in grid.row(member.id):
            row.extend(cell)
        yield row
        if progress is not None and index % REPORT_EVERY == 0:
            progress(index, total)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def _decimal(value: float) -> str:
    return format_decimal(value, format="0.00", locale="de_DE")


def to_csv(
    grid: TeamGrid,
    labels: ExportLabels,
    name: Callable[[Competence], str],
    progress: Progress | None = None,
) -> bytes:
    """``;``-separated, CRLF, UTF-8 with BOM, decimal comma: German Excel opens it as is.
    Numbers and empty cells go to the writer as they are; texts through ``safe_cell``."""
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow(header(grid, labels, name))
    for row in summary_rows(grid, labels):
        writer.writerow([_decimal(v) if isinstance(v, float) else v for v in row])
    writer.writerow([])
    for row in member_rows(grid, progress):  # three texts, then numbers or nothing
        writer.writerow_numbers(row, TEXT_COLUMNS)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def to_xlsx(
    grid: TeamGrid,
    labels: ExportLabels,
    name: Callable[[Competence], str],
    sheet_title: str,
    progress: Progress | None = None,
) -> bytes:
    """One sheet: bold header and figure labels, header rows and name column frozen,
    numbers as numbers (averages with two decimals), texts never read as formulas."""
    columns = header(grid, labels, name)
    widths = [28.0, 28.0, 28.0] + [min(max(len(t) * 0.6, 10), 30) for t in columns[3:]]
    buffer = io.BytesIO()
    figures = summary_rows(grid, labels)
    with XlsxStream(buffer, sheet_title, freeze=(1 + len(figures), 1), widths=widths) as sheet:
        sheet.header(columns)
        for row in figures:
            sheet.row(row, bold=True)
        for row in member_rows(grid, progress):
            sheet.row(row)
    return buffer.getvalue()
