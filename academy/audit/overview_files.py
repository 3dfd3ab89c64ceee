"""The council's access overview as files for its meetings: CSV for German Excel
(UTF-8 with byte order mark, ``;``, CRLF) and XLSX (XlsxWriter). Texts that a
spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) get a leading
apostrophe in both."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta

import xlsxwriter
from flask_babel import gettext

from academy.audit.overview import VOLUME_FACTOR, VOLUME_MINIMUM, Overview, OverviewRow
from academy.i18n import N_
from academy.spreadsheets import csv_writer, write_xlsxwriter_row, xlsxwriter_options

HEADERS = (
    N_("Period"),
    N_("From"),
    N_("To"),
    N_("Viewed by"),
    N_("E-mail"),
    N_("Purpose"),
    N_("Accesses"),
    N_("People"),
    N_("Outside the viewer's scope"),
    N_("Accesses of the viewer in the period"),
    N_("Usual (median of earlier periods)"),
    N_("Flags"),
)


def flags_text(row: OverviewRow) -> str:
    flags = []
    if row.outside_scope:
        flags.append(gettext("outside the viewer's scope"))
    if row.unusual_volume:
        flags.append(gettext("unusual volume"))
    return ", ".join(flags)


def cells(row: OverviewRow) -> list[object]:
    return [
        row.period.label,
        row.period.start.strftime("%d.%m.%Y"),
        (row.period.end - timedelta(days=1)).strftime("%d.%m.%Y"),
        row.viewer_name or gettext("deleted account"),
        row.viewer_email,
        row.purpose,
        row.accesses,
        row.people,
        row.outside_scope,
        row.viewer_total,
        row.usual,
        flags_text(row),
    ]


def rule_text() -> str:
    return gettext(
        "Unusual volume: more than %(minimum)s accesses in a period and more than "
        "%(factor)s times the median of the viewer's previous periods.",
        minimum=VOLUME_MINIMUM,
        factor=VOLUME_FACTOR,
    )


def overview_csv(overview: Overview, filters: Sequence[str]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow([gettext("Access log overview for the staff council")])
    for line in filters:
        writer.writerow([line])
    writer.writerow([rule_text()])
    writer.writerow([])
    writer.writerow([gettext(h) for h in HEADERS])
    for row in overview.rows:
        values = cells(row)
        values[10] = f"{row.usual:.1f}".replace(".", ",")
        writer.writerow(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def overview_xlsx(overview: Overview, filters: Sequence[str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, xlsxwriter_options(in_memory=True))
    quote = book.add_format({"quote_prefix": True})
    sheet = book.add_worksheet(gettext("Accesses")[:31])
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1})
    sheet.write_string(0, 0, gettext("Access log overview for the staff council"), bold)
    line = 1
    for text in [*filters, rule_text()]:
        write_xlsxwriter_row(sheet, line, [str(text)], quote)
        line += 1
    top = line + 1
    sheet.write_row(top, 0, [gettext(h) for h in HEADERS], header)
    for n, row in enumerate(overview.rows, start=top + 1):
        write_xlsxwriter_row(sheet, n, cells(row), quote)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + max(len(overview.rows), 1), len(HEADERS) - 1)
    sheet.set_column(0, 2, 12)
    sheet.set_column(3, 5, 32)
    sheet.set_column(6, 11, 14)
    book.close()
    return buffer.getvalue()
