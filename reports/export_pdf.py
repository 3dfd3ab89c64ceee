"""A report as a PDF (ReportLab platypus): A4, a title page, then per part a heading,
its description, a chart and the table, and the notes; "Seite X von Y" in the footer.

- **Orientation per part**: portrait when the table fits, landscape when it is wider;
  wider still, the columns are split into bands that each repeat the first column.
- **Long tables** are laid out page by page by :class:`LongRows`: the row heights are
  known in advance, so each page's rows are found by bisection and only one page of
  table is built at a time (a ReportLab ``Table`` re-measures all remaining rows at
  every page break, which is quadratic). The header row is repeated on every page,
  rows are zebra-striped. A part is cut off after ``MAX_ROWS`` rows with a note (the
  CSV and XLSX exports carry every row).
- **Numbers** German (``babel.numbers``, ``de_DE``), dates ``TT.MM.JJJJ``; labels in the
  reader's UI language.
- **Fonts**: Helvetica when every text fits WinAnsi (nothing embedded, small file),
  else DejaVu Sans (embedded subset), as the certificate PDF does.
- **Charts** (``reports.pdf_charts``): bar, horizontal bar or line chart with axis
  titles, German tick labels and the value printed at every bar or point.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from academy.i18n import N_
from reports.formatting import (
    NOTE_LABEL,
    column_label,
    file_value,
    filter_lines,
    generated_text,
    has_withheld,
    is_na,
    min_group_text,
    part_notes,
    scope_text,
    t,
    withheld_mask,
    withheld_text,
)
from reports.pdf import _fonts_for
from reports.pdf_charts import chart_drawing
from reports.report_model import Column, Part, Report

MARGIN = 15 * mm
PORTRAIT = A4
LANDSCAPE = landscape(A4)
PORTRAIT_W = PORTRAIT[0] - 2 * MARGIN
LANDSCAPE_W = LANDSCAPE[0] - 2 * MARGIN
FRAME_BOTTOM = MARGIN + 6 * mm  # room for the footer
PORTRAIT_H = PORTRAIT[1] - MARGIN - FRAME_BOTTOM
LANDSCAPE_H = LANDSCAPE[1] - MARGIN - FRAME_BOTTOM
#: Page height a chart leaves for the part's heading, description and chart title.
CHART_RESERVE = 120.0
FONT_SIZE = 8
ROW_H = 14.0  # one line of 8 pt text with 3 pt padding above and below
PAD = 3.0
MAX_TEXT_W = 70 * mm
MAX_NUMBER_W = 28 * mm
HEADER_LINES_TEXT = 3
HEADER_LINES_NUMERIC = 6
MIN_COL_W = 12 * mm
WIDTH_SAMPLE = 400
MAX_ROWS = 10_000
ZEBRA = (colors.white, colors.HexColor("#eef2f7"))
HEADER_FILL = colors.HexColor("#dce6f1")
GRID = colors.HexColor("#9aa5b1")
NUMERIC = frozenset({"int", "decimal", "percent", "date"})


# ---------------------------------------------------------------------------
# Fonts and styles
# ---------------------------------------------------------------------------


def _texts(report: Report) -> Iterable[str]:
    yield t(report.title)
    yield scope_text(report.scope)
    yield min_group_text(report.scope)
    for label, value in filter_lines(report.filters):
        yield label + value
    for part in report.parts:
        yield t(part.title) + t(part.description)
        yield from part_notes(part)
        for column in part.columns:
            yield column_label(column)
            if column.kind == "text":
                yield "".join(str(v) for v in part.frame[column.key].tolist() if not is_na(v))


class _Styles:
    def __init__(self, regular: str, bold: str) -> None:
        self.regular, self.bold = regular, bold
        self.title = ParagraphStyle("title", fontName=bold, fontSize=20, leading=24, spaceAfter=14)
        self.h1 = ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18, spaceAfter=6)
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5)
        self.note = ParagraphStyle("note", parent=self.body, fontSize=8.5, leading=11)
        self.cell = ParagraphStyle(
            "cell", fontName=regular, fontSize=FONT_SIZE, leading=10, alignment=TA_LEFT
        )
        self.head = ParagraphStyle("head", parent=self.cell, fontName=bold)
        self.fact = ParagraphStyle("fact", parent=self.body, fontName=bold)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


# ---------------------------------------------------------------------------
# Page numbers
# ---------------------------------------------------------------------------


def _numbered_canvas(font: str, left_text: str) -> type[Canvas]:
    """A canvas that keeps every page until the end, then writes "Page X of Y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _footer(self, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, 9 * mm, left_text)
            label = t(N_("Page %(page)s of %(pages)s"), page=self._pageNumber, pages=total)
            self.drawRightString(width - MARGIN, 9 * mm, label)
            self.restoreState()

    return NumberedCanvas


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


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


class _Grid:
    """A part's cells as texts, with natural column widths."""

    def __init__(self, report: Report, part: Part, styles: _Styles, limit: int) -> None:
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
        header = [_p(self.labels[i], styles.head) for i in band]
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
                    cell = _p(value, styles.cell)
                    height = max(height, cell.wrap(w - 2 * PAD, 1e6)[1] + 2 * PAD)
                    row.append(cell)
                else:
                    row.append(value)
            rows.append(row)
            heights.append(height)
        right = [n for n, i in enumerate(band) if self.columns[i].kind in NUMERIC]
        return LongRows(header, rows, widths, heights, header_height + 2 * PAD, right, regular)


# ---------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------


def _title_page(report: Report, styles: _Styles) -> list[Flowable]:
    facts = [
        (t(N_("Generated")), generated_text(report)),
        (t(N_("Scope")), scope_text(report.scope)),
        *filter_lines(report.filters),
    ]
    table = Table(
        [[_p(label, styles.fact), _p(value, styles.body)] for label, value in facts],
        colWidths=[45 * mm, PORTRAIT_W - 45 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Flowable] = [
        Spacer(1, 30 * mm),
        _p(t(report.title), styles.title),
        table,
        Spacer(1, 8 * mm),
        _p(min_group_text(report.scope), styles.body),
        Spacer(1, 8 * mm),
        _p(t(N_("Contents")), styles.fact),
    ]
    story += [_p(f"{n}. {t(part.title)}", styles.body) for n, part in enumerate(report.parts, 1)]
    return story


def _part(report: Report, part: Part, styles: _Styles) -> list[Flowable]:
    limit = min(len(part.frame), MAX_ROWS)
    grid = _Grid(report, part, styles, limit)
    wide = sum(grid.widths) > PORTRAIT_W
    width = LANDSCAPE_W if wide else PORTRAIT_W
    story: list[Flowable] = [
        NextPageTemplate("landscape" if wide else "portrait"),
        PageBreak(),
        _p(t(part.title), styles.h1),
    ]
    if part.description:
        story += [_p(t(part.description), styles.body), Spacer(1, 4 * mm)]
    if part.chart is not None:
        room = (LANDSCAPE_H if wide else PORTRAIT_H) - CHART_RESERVE
        drawing = chart_drawing(
            part, part.chart, min(width, 180 * mm), room, styles.regular, styles.bold
        )
        if drawing is not None:
            story += [
                KeepTogether([_p(t(part.chart.title), styles.fact), drawing]),
                Spacer(1, 4 * mm),
            ]
        elif not part.frame.empty:
            text = t(
                N_("%(n)s categories are too many for a readable chart: please see the table."),
                n=len(part.frame),
            )
            story.append(_p(text, styles.note))
    if part.frame.empty:
        story.append(_p(t(N_("No data for these filters.")), styles.body))
    else:
        bands = grid.bands(width)
        for n, band in enumerate(bands, 1):
            if len(bands) > 1:
                text = t(N_("Columns, part %(n)s of %(total)s"), n=n, total=len(bands))
                story.append(_p(text, styles.note))
            story += [grid.flowable(band), Spacer(1, 4 * mm)]
    notes = part_notes(part)
    if len(part.frame) > limit:
        notes.append(
            t(
                N_(
                    "The PDF shows the first %(n)s of %(total)s rows; the CSV and XLSX "
                    "exports hold all of them."
                ),
                n=f"{limit:,}".replace(",", "."),
                total=f"{len(part.frame):,}".replace(",", "."),
            )
        )
    story += [_p(note, styles.note) for note in notes]
    return story


def pdf_rows(part: Part) -> int:
    """How many of the part's rows the PDF holds (for the access log)."""
    return min(len(part.frame), MAX_ROWS)


def write_pdf(report: Report, fileobj: IO[bytes]) -> None:
    """Write the PDF into ``fileobj``."""
    regular, bold = _fonts_for(_texts(report))
    styles = _Styles(regular, bold)
    title = t(report.title)
    doc = BaseDocTemplate(
        fileobj,
        pagesize=PORTRAIT,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FRAME_BOTTOM,
        title=title,
        subject=min_group_text(report.scope),
        creator="Digitalakademie",
    )
    frames = {
        "portrait": Frame(MARGIN, FRAME_BOTTOM, PORTRAIT_W, PORTRAIT_H),
        "landscape": Frame(MARGIN, FRAME_BOTTOM, LANDSCAPE_W, LANDSCAPE_H),
    }
    doc.addPageTemplates(
        [
            PageTemplate(id="portrait", frames=[frames["portrait"]], pagesize=PORTRAIT),
            PageTemplate(id="landscape", frames=[frames["landscape"]], pagesize=LANDSCAPE),
        ]
    )
    story = _title_page(report, styles)
    for part in report.parts:
        story += _part(report, part, styles)
    footer = f"{title} · {generated_text(report)}"
    doc.build(story, canvasmaker=_numbered_canvas(regular, footer))
