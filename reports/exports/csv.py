"""A report as CSV that German Excel opens as it is.

- ``;`` as separator, CRLF line ends, UTF-8 with a byte order mark (first chunk), so
  Excel detects the encoding and umlauts survive.
- Numbers with a decimal comma and no thousands separator (``1234``, ``2,25``): Excel
  with German settings reads them as numbers.
- **Percentages are written as numbers of percent** (``12,5``) in a column whose header
  ends with ``(%)``: a value "12,5 %" would be text in some Excel versions, while a plain
  number can be summed, sorted and charted.
- Dates ``TT.MM.JJJJ``; NA (not available) is an empty field.
- Withheld groups (fewer than the minimum group size): the row stays with empty figures
  and the extra last column "Note" says "Withheld: fewer than 5 people, or a figure
  from which such a group could be worked out"; the column is
  there for every part whose table can hold withheld rows.
- Texts that Excel would read as a formula (``=``, ``+``, ``-``, ``@``, TAB, CR) get a
  leading apostrophe: every cell goes through ``academy.spreadsheets.csv_writer``.

Layout: a short preamble (report title, generated, scope, filters, the minimum group
rule), then per part a title line, the header, the rows, a blank line, the notes and a
blank line. Rows are formatted column-wise in chunks of ``CHUNK_ROWS`` rows, and each
chunk is yielded as soon as it is written: the file is never held as a whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from academy.i18n import N_
from academy.spreadsheets import csv_writer
from reports.analytics.formatting import (
    NOTE_LABEL,
    column_label,
    csv_column,
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
from reports.analytics.report_model import Part, Report

BOM = "\ufeff"
CHUNK_ROWS = 1000


class _Buffer:
    """A ``csv.writer`` target whose contents are taken out chunk by chunk."""

    def __init__(self) -> None:
        self._io = io.StringIO(newline="")
        self.writer = csv_writer(self._io)

    def take(self) -> str:
        text = self._io.getvalue()
        self._io.seek(0)
        self._io.truncate(0)
        return text


def _preamble(report: Report, out: _Buffer) -> None:
    w = out.writer
    w.writerow([t(report.title)])
    w.writerow([t(N_("Generated")), generated_text(report)])
    w.writerow([t(N_("Scope")), scope_text(report.scope)])
    for label, value in filter_lines(report.filters):
        w.writerow([label, value])
    w.writerow([min_group_text(report.scope)])
    w.writerow([])


def _part_rows(part: Part, note: str, out: _Buffer) -> Iterator[str]:
    frame = part.frame
    with_note = has_withheld(part)
    for start in range(0, len(frame), CHUNK_ROWS):
        end = start + CHUNK_ROWS
        chunk = frame.iloc[start:end]
        columns = [csv_column(chunk[c.key], c.kind) for c in part.columns]
        if with_note:
            columns.append([note if w else "" for w in withheld_mask(part, start, end)])
        out.writer.writerows(zip(*columns, strict=True))
        yield out.take()


def csv_chunks(report: Report) -> Iterator[str]:
    """The CSV text in pieces (the first starts with the BOM); encode each as UTF-8."""
    out = _Buffer()
    _preamble(report, out)
    yield BOM + out.take()
    note = withheld_text(report.scope)
    for part in report.parts:
        header = [column_label(c, csv=True) for c in part.columns]
        if has_withheld(part):
            header.append(t(NOTE_LABEL))
        out.writer.writerow([t(part.title)])
        out.writer.writerow(header)
        yield out.take()
        yield from _part_rows(part, note, out)
        out.writer.writerow([])
        for text in part_notes(part):
            out.writer.writerow([text])
        if part.notes:
            out.writer.writerow([])
        yield out.take()


def csv_bytes(report: Report) -> Iterator[bytes]:
    """The chunks encoded as UTF-8 (what the response streams)."""
    for chunk in csv_chunks(report):
        if chunk:
            yield chunk.encode("utf-8")
