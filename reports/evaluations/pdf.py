"""Evaluation results as a compact PDF (ReportLab): the facts, then every table one after
the other — heading, description, its chart (bar charts of the 1–5 distributions, the
means per question or per course, the trend as lines) and the table — several to a page,
unlike the HR reports' one part per page. Fonts, charts and tables are those of the
report PDF (``reports.exports.pdf``): German numbers, values printed at every bar."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from academy.clock import to_berlin
from academy.i18n import N_
from reports.analytics.formatting import t
from reports.analytics.report_model import Part
from reports.certificates.pdf import fonts_for
from reports.evaluations.report import EvaluationReport
from reports.exports.pdf.charts import chart_drawing
from reports.exports.pdf.style import FRAME_BOTTOM, MARGIN, PORTRAIT, PORTRAIT_W, Styles, para
from reports.exports.pdf.tables import Grid

CHART_HEIGHT = 75 * mm
MAX_ROWS = 2000


def _texts(report: EvaluationReport) -> Iterable[str]:
    yield report.title
    for label, value in report.facts:
        yield label + value
    yield from report.notes
    for part in report.parts:
        yield t(part.title) + t(part.description)
        for column in part.columns:
            yield t(column.label)
            if column.kind == "text":
                yield "".join(str(v) for v in part.frame[column.key].tolist() if isinstance(v, str))


def _facts(report: EvaluationReport, styles: Styles) -> Table:
    generated = to_berlin(report.generated_at).strftime("%d.%m.%Y %H:%M")
    rows = [(t(N_("Generated")), generated), *report.facts]
    table = Table(
        [[para(label, styles.fact), para(value, styles.body)] for label, value in rows],
        colWidths=[50 * mm, PORTRAIT_W - 50 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _part(part: Part, styles: Styles) -> list[Any]:
    head: list[Any] = [para(t(part.title), styles.h1)]
    if part.description:
        head.append(para(t(part.description), styles.note))
    if part.chart is not None and not part.frame.empty:
        drawing = chart_drawing(
            part, part.chart, PORTRAIT_W, CHART_HEIGHT, styles.regular, styles.bold
        )
        if drawing is not None:
            head += [Spacer(1, 2 * mm), para(t(part.chart.title), styles.fact), drawing]
    story: list[Any] = [KeepTogether(head), Spacer(1, 3 * mm)]
    if part.frame.empty:
        story.append(para(t(N_("No answers.")), styles.body))
    else:
        grid = Grid(None, part, styles, MAX_ROWS)  # type: ignore[arg-type] - no withheld rows
        story += [grid.flowable(band) for band in grid.bands(PORTRAIT_W)]
    story.append(Spacer(1, 8 * mm))
    return story


def write_pdf(report: EvaluationReport, fileobj: IO[bytes]) -> None:
    regular, bold = fonts_for(_texts(report))
    styles = Styles(regular, bold)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(MARGIN, 9 * mm, report.title[:90])
        canvas.drawRightString(PORTRAIT[0] - MARGIN, 9 * mm, t(N_("Page %(page)s"), page=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        fileobj,
        pagesize=PORTRAIT,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FRAME_BOTTOM,
        title=report.title,
        creator="Digitalakademie",
    )
    story: list[Any] = [para(report.title, styles.title), _facts(report, styles), Spacer(1, 4 * mm)]
    story += [para(note, styles.note) for note in report.notes]
    story.append(Spacer(1, 6 * mm))
    for part in report.parts:
        story += _part(part, styles)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
