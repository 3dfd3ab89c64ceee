"""Evaluation results as CSV (as German Excel opens it) and XLSX, written through the one
spreadsheet writer (``academy.spreadsheets``: no cell becomes a formula).

CSV: ``;``, CRLF, UTF-8 with BOM, decimal comma, percent as a number of percent in a
column whose header ends with "(%)", dates ``TT.MM.JJJJ`` (as the HR reports,
``reports.exports.csv``). First the facts, then per table its title, header, rows and
description. XLSX: a sheet "Bewertung" with the facts, then one sheet per table with
number formats, a frozen header and an autofilter. Charts are in the PDF and on the page.
"""

from __future__ import annotations

import io
from typing import IO, Any

import pandas as pd
import xlsxwriter

from academy.i18n import N_
from academy.spreadsheets import csv_writer, write_xlsxwriter_row, xlsxwriter_options
from reports.analytics.formatting import as_date, column_label, csv_column, is_na, t
from reports.analytics.report_model import Part
from reports.evaluations.report import EvaluationReport
from reports.exports.xlsx import NUMBER_FORMATS, SheetNames

BOM = "\ufeff"


def _generated(report: EvaluationReport) -> str:
    from academy.clock import to_berlin

    return to_berlin(report.generated_at).strftime("%d.%m.%Y %H:%M")


def csv_text(report: EvaluationReport) -> bytes:
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow([report.title])
    writer.writerow([t(N_("Generated")), _generated(report)])
    writer.writerows([label, value] for label, value in report.facts)
    writer.writerows([note] for note in report.notes)
    writer.writerow([])
    for part in report.parts:
        writer.writerow([t(part.title)])
        if part.description:
            writer.writerow([t(part.description)])
        writer.writerow([column_label(c, csv=True) for c in part.columns])
        columns = [csv_column(part.frame[c.key], c.kind) for c in part.columns]
        writer.writerows(zip(*columns, strict=True))
        writer.writerow([])
    return (BOM + out.getvalue()).encode("utf-8")


def _values(series: pd.Series, kind: str) -> list[Any]:
    if kind in ("int", "decimal", "percent"):
        return [None if is_na(v) else float(v) for v in series.tolist()]
    if kind == "date":
        return [as_date(v) for v in series.tolist()]
    return ["" if is_na(v) else str(v) for v in series.tolist()]


def _sheet(workbook: Any, names: SheetNames, part: Part, formats: dict[str, Any]) -> None:
    sheet = workbook.add_worksheet(names(t(part.title)))
    labels = [column_label(c) for c in part.columns]
    for index, column in enumerate(part.columns):
        width = 60 if column.kind == "text" else 14
        sheet.set_column(index, index, width, formats.get(column.kind))
    sheet.write_row(0, 0, labels, formats["header"])
    data = [_values(part.frame[c.key], c.kind) for c in part.columns]
    rows = list(zip(*data, strict=True))
    for number, values in enumerate(rows, start=1):
        write_xlsxwriter_row(sheet, number, list(values), formats["quote"])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(labels) - 1)
    if part.description:
        sheet.write_string(len(rows) + 2, 0, t(part.description), formats["note"])


def write_xlsx(report: EvaluationReport, fileobj: IO[bytes]) -> None:
    workbook = xlsxwriter.Workbook(
        fileobj,
        xlsxwriter_options(in_memory=True, default_date_format=NUMBER_FORMATS["date"]),
    )
    workbook.set_properties({"title": report.title})
    formats: dict[str, Any] = {
        k: workbook.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()
    }
    formats["header"] = workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True}
    )
    formats["quote"] = workbook.add_format({"quote_prefix": True})
    formats["note"] = workbook.add_format({"italic": True})
    bold, title = (
        workbook.add_format({"bold": True}),
        workbook.add_format({"bold": True, "font_size": 14}),
    )
    names = SheetNames()
    cover = workbook.add_worksheet(names(t(N_("Evaluation"))))
    cover.set_column(0, 0, 30)
    cover.set_column(1, 1, 70)
    cover.write_string(0, 0, report.title, title)
    facts = [(t(N_("Generated")), _generated(report)), *report.facts]
    for row, (label, value) in enumerate(facts, start=2):
        cover.write_string(row, 0, label, bold)
        write_xlsxwriter_row(cover, row, [value], formats["quote"], first_col=1)
    for offset, note in enumerate(report.notes, start=len(facts) + 3):
        cover.write_string(offset, 0, note, formats["note"])
    for part in report.parts:
        _sheet(workbook, names, part, formats)
    workbook.close()
