"""The report PDF as a document: the title page, one section per part (heading,
description, chart, table bands, notes), page templates and "Page X of Y" footers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from academy.i18n import N_
from reports.analytics.formatting import (
    column_label,
    filter_lines,
    generated_text,
    is_na,
    min_group_text,
    part_notes,
    scope_text,
    t,
)
from reports.analytics.report_model import Part, Report
from reports.certificates.pdf import fonts_for
from reports.exports.pdf.charts import chart_drawing
from reports.exports.pdf.style import (
    CHART_RESERVE,
    FRAME_BOTTOM,
    LANDSCAPE,
    LANDSCAPE_H,
    LANDSCAPE_W,
    MARGIN,
    MAX_ROWS,
    PORTRAIT,
    PORTRAIT_H,
    PORTRAIT_W,
    Styles,
    para,
)
from reports.exports.pdf.tables import Grid


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


def _title_page(report: Report, styles: Styles) -> list[Flowable]:
    facts = [
        (t(N_("Generated")), generated_text(report)),
        (t(N_("Scope")), scope_text(report.scope)),
        *filter_lines(report.filters),
    ]
    table = Table(
        [[para(label, styles.fact), para(value, styles.body)] for label, value in facts],
        colWidths=[45 * mm, PORTRAIT_W - 45 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Flowable] = [
        Spacer(1, 30 * mm),
        para(t(report.title), styles.title),
        table,
        Spacer(1, 8 * mm),
        para(min_group_text(report.scope), styles.body),
        Spacer(1, 8 * mm),
        para(t(N_("Contents")), styles.fact),
    ]
    story += [para(f"{n}. {t(part.title)}", styles.body) for n, part in enumerate(report.parts, 1)]
    return story


def _part(report: Report, part: Part, styles: Styles) -> list[Flowable]:
    limit = min(len(part.frame), MAX_ROWS)
    grid = Grid(report, part, styles, limit)
    wide = sum(grid.widths) > PORTRAIT_W
    width = LANDSCAPE_W if wide else PORTRAIT_W
    story: list[Flowable] = [
        NextPageTemplate("landscape" if wide else "portrait"),
        PageBreak(),
        para(t(part.title), styles.h1),
    ]
    if part.description:
        story += [para(t(part.description), styles.body), Spacer(1, 4 * mm)]
    if part.chart is not None:
        room = (LANDSCAPE_H if wide else PORTRAIT_H) - CHART_RESERVE
        drawing = chart_drawing(
            part, part.chart, min(width, 180 * mm), room, styles.regular, styles.bold
        )
        if drawing is not None:
            story += [
                KeepTogether([para(t(part.chart.title), styles.fact), drawing]),
                Spacer(1, 4 * mm),
            ]
        elif not part.frame.empty:
            text = t(
                N_("%(n)s categories are too many for a readable chart: please see the table."),
                n=len(part.frame),
            )
            story.append(para(text, styles.note))
    if part.frame.empty:
        story.append(para(t(N_("No data for these filters.")), styles.body))
    else:
        bands = grid.bands(width)
        for n, band in enumerate(bands, 1):
            if len(bands) > 1:
                text = t(N_("Columns, part %(n)s of %(total)s"), n=n, total=len(bands))
                story.append(para(text, styles.note))
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
    story += [para(note, styles.note) for note in notes]
    return story


def pdf_rows(part: Part) -> int:
    """How many of the part's rows the PDF holds (for the access log)."""
    return min(len(part.frame), MAX_ROWS)


def write_pdf(report: Report, fileobj: IO[bytes]) -> None:
    """Write the PDF into ``fileobj``."""
    regular, bold = fonts_for(_texts(report))
    styles = Styles(regular, bold)
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
