"""The organisation's mandatory training as CSV (German Excel: ``;``, UTF-8 with byte
order mark, dates ``TT.MM.JJJJ``) and XLSX (bold frozen header, real dates): one row per
person and assignment, as filtered on the page, every row (not only a page). Every cell
goes through ``academy.spreadsheets`` (no cell becomes a formula). Rows are read in
chunks and the CSV is streamed; the XLSX is written with XlsxWriter's constant memory
mode."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import xlsxwriter
from flask import Response, stream_with_context
from flask_babel import gettext
from sqlalchemy import select

from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department
from academy.spreadsheets import csv_writer, write_xlsxwriter_row, xlsxwriter_options
from courses.mandatory.compliance import person_row
from courses.mandatory.dates import FOREVER
from courses.mandatory.models import STATUS_LABELS, Status
from courses.mandatory.status import rows

COLUMNS = (
    N_("Name"),
    N_("Personnel number"),
    N_("Unit"),
    N_("Mandatory training"),
    N_("Status"),
    N_("Due on"),
    N_("Valid until"),
    N_("Enrolled"),
)
CHUNK = 1000
#: The CSV is handed on in pieces of about this many characters.
FLUSH_CHARS = 64_000


def _units() -> dict[int, str]:
    return {
        i: f"{code} {name}"
        for i, code, name in db.session.execute(
            select(Department.id, Department.code, Department.name)
        )
    }


def people_in(subquery: Any, statuses: Iterable[Status]) -> list[int]:
    """Everyone the export names (for the access log; one statement)."""
    if subquery is None:
        return []
    listed = rows(subquery, statuses).subquery()
    return list(db.session.scalars(select(listed.c.employee_id).distinct()))


def table(subquery: Any, statuses: Iterable[Status], today: date) -> Iterator[list[Any]]:
    """The rows (dates as ``date``), read in chunks of ``CHUNK``."""
    if subquery is None:
        return
    units = _units()
    yes, no = gettext("yes"), gettext("no")
    forever = gettext("for good")
    result = db.session.execute(rows(subquery, statuses).execution_options(yield_per=CHUNK))
    for raw in result:
        row = person_row(raw, today)
        state = row.state
        until: Any = state.valid_until
        if until == FOREVER:
            until = forever
        yield [
            row.sort_name,
            row.personnel_no,
            units.get(row.department_id, ""),
            row.title,
            gettext(STATUS_LABELS[state.status]),
            state.due_on,
            until,
            yes if state.enrolled else no,
        ]


def _csv_value(value: Any) -> Any:
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else value


def csv_response(data: Iterator[list[Any]], filename: str) -> Response:
    def generate() -> Iterator[str]:
        buffer = io.StringIO(newline="")
        writer = csv_writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([gettext(c) for c in COLUMNS])
        for row in data:
            writer.writerow([_csv_value(v) for v in row])
            if buffer.tell() > FLUSH_CHARS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return _download(stream_with_context(generate()), "text/csv; charset=utf-8", filename)


def xlsx_response(data: Iterator[list[Any]], filename: str) -> Response:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, xlsxwriter_options(constant_memory=True))
    sheet = workbook.add_worksheet(gettext("Mandatory training")[:31])
    bold = workbook.add_format({"bold": True})
    quote = workbook.add_format({"quote_prefix": True})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, [gettext(c) for c in COLUMNS], bold)
    sheet.freeze_panes(1, 0)
    for width, column in ((28, 0), (14, 1), (30, 2), (34, 3), (14, 4), (12, 5), (12, 6)):
        sheet.set_column(column, column, width)
    for number, row in enumerate(data, start=1):
        write_xlsxwriter_row(sheet, number, row, quote)
        for column in (5, 6):
            if isinstance(row[column], date):
                sheet.write_datetime(number, column, row[column], day)
    workbook.close()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(out.getvalue(), kind, filename)


def _download(body: Any, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
