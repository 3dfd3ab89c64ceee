"""The tables of the report PDF: ``Grid`` (a part's cells, natural column widths,
bands of columns for wide tables) and ``LongRows`` (rows laid out page by page, header
row repeated, found by bisection because the row heights are known in advance)."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Table,
    TableStyle,
)

from reports.analytics.formatting import (
    NOTE_LABEL,
    column_label,
    file_value,
    has_withheld,
    withheld_mask,
    withheld_text,
)
from reports.analytics.report_model import Column, Part, Report
from reports.exports.pdf.style import (
    FONT_SIZE,
    GRID,
    HEADER_FILL,
    HEADER_LINES_NUMERIC,
    HEADER_LINES_TEXT,
    MAX_NUMBER_W,
    MAX_TEXT_W,
    MIN_COL_W,
    NUMERIC,
    PAD,
    ROW_H,
    WIDTH_SAMPLE,
    ZEBRA,
    Styles,
    para,
)


class LongRows(Flowable):
    """Rows of a table laid out page by page (header row on every page)."""

    def __init__(
        self,
        header: list[Any],
        rows: list[list[Any]],
        widths: list[float],
        heights: list[float],
        header_height: float,
        right: list[int],
        font: str,
        start: int = 0,
        cumulative: list[float] | None = None,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.heights = header, rows, widths, heights
        self.header_height, self.right, self.start = header_height, right, start
        self.font = font
        self.cumulative = cumulative or [0.0, *accumulate(heights)]
        self.hAlign = "LEFT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        rest = self.cumulative[-1] - self.cumulative[self.start]
        self.width, self.height = sum(self.widths), self.header_height + rest
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room = avail_height - self.header_height
        if self.start >= len(self.rows) or room < self.heights[self.start]:
            return []
        end = bisect_right(self.cumulative, self.cumulative[self.start] + room) - 1
        end = min(max(end, self.start + 1), len(self.rows))
        rest = LongRows(
            self.header,
            self.rows,
            self.widths,
            self.heights,
            self.header_height,
            self.right,
            self.font,
            end,
            self.cumulative,
        )
        return [self.table(self.start, end), rest]

    def table(self, start: int, end: int) -> Table:
        table = Table(
            [self.header, *self.rows[start:end]],
            colWidths=self.widths,
            rowHeights=[self.header_height, *self.heights[start:end]],
            repeatRows=1,
            hAlign="LEFT",
        )
        zebra = ZEBRA if start % 2 == 0 else ZEBRA[::-1]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), FONT_SIZE),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), list(zebra)),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, GRID),
            ("BOX", (0, 0), (-1, -1), 0.5, GRID),
            ("INNERGRID", (0, 0), (-1, -1), 0.25, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), PAD - 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ]
        commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in self.right]
        table.setStyle(TableStyle(commands))
        return table

    def draw(self) -> None:
        table = self.table(self.start, len(self.rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


class Grid:
    """A part's cells as texts, with natural column widths."""

    def __init__(self, report: Report, part: Part, styles: Styles, limit: int) -> None:
        self.styles = styles
        frame = part.frame.iloc[:limit]
        self.columns: list[Column] = list(part.columns)
        self.cells: list[list[str]] = [
            [file_value(v, c.kind) for v in frame[c.key].tolist()] for c in self.columns
        ]
        if has_withheld(part):
            note = withheld_text(report.scope)
            mask = withheld_mask(part)[:limit]
            self.cells.append([note if w else "" for w in mask])
            self.columns.append(Column("_note", NOTE_LABEL, "text"))
        self.labels = [column_label(c) for c in self.columns]
        self.widths = [self._width(i) for i in range(len(self.columns))]

    def _width(self, index: int) -> float:
        regular, bold = self.styles.regular, self.styles.bold
        label = self.labels[index]
        numeric = self.columns[index].kind in NUMERIC
        words = max((stringWidth(w, bold, FONT_SIZE) for w in label.split()), default=0)
        # a number column's header may wrap over more lines than a text column's
        lines = HEADER_LINES_NUMERIC if numeric else HEADER_LINES_TEXT
        head = max(words, stringWidth(label, bold, FONT_SIZE) / lines)
        values = self.cells[index][:WIDTH_SAMPLE]
        body = max((stringWidth(v, regular, FONT_SIZE) for v in values), default=0)
        natural = max(head, body) + 2 * PAD + 1
        return min(max(natural, MIN_COL_W), MAX_NUMBER_W if numeric else MAX_TEXT_W)

    def bands(self, width: float) -> list[list[int]]:
        """Column index groups that fit ``width``, each after the first repeating
        column 0 (the row's name)."""
        all_columns = list(range(len(self.columns)))
        if sum(self.widths) <= width or len(all_columns) < 2:
            return [all_columns]
        bands: list[list[int]] = []
        current = [0]
        used = self.widths[0]
        for i in all_columns[1:]:
            if used + self.widths[i] > width and len(current) > 1:
                bands.append(current)
                current, used = [0], self.widths[0]
            current.append(i)
            used += self.widths[i]
        bands.append(current)
        return bands

    def flowable(self, band: list[int]) -> LongRows:
        styles = self.styles
        widths = [self.widths[i] for i in band]
        header = [para(self.labels[i], styles.head) for i in band]
        header_height = max(
            p.wrap(w - 2 * PAD, 1e6)[1] for p, w in zip(header, widths, strict=True)
        )
        rows: list[list[Any]] = []
        heights: list[float] = []
        regular = styles.regular
        texts = [(i, self.columns[i].kind == "text") for i in band]
        for r in range(len(self.cells[0]) if self.cells else 0):
            row: list[Any] = []
            height = ROW_H
            for (i, is_text), w in zip(texts, widths, strict=True):
                value = self.cells[i][r]
                if is_text and value and stringWidth(value, regular, FONT_SIZE) > w - 2 * PAD:
                    cell = para(value, styles.cell)
                    height = max(height, cell.wrap(w - 2 * PAD, 1e6)[1] + 2 * PAD)
                    row.append(cell)
                else:
                    row.append(value)
            rows.append(row)
            heights.append(height)
        right = [n for n, i in enumerate(band) if self.columns[i].kind in NUMERIC]
        return LongRows(header, rows, widths, heights, header_height + 2 * PAD, right, regular)
