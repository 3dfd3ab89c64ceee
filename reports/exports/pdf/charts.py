"""The chart of a report part in the PDF export (``reportlab.graphics``): bar,
horizontal bar or line chart with axis titles, German tick labels and the value printed
at every bar or point; series differ by colour and by value labels/legend, line series
also by marker and dash. Used by ``reports.exports.pdf.document``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from reports.analytics.formatting import file_value, is_na, t
from reports.analytics.report_model import Chart, Column, Part

MIN_CATEGORY_H = 9.0  # points per category of a horizontal bar chart
MAX_CATEGORIES = 40
SERIES_COLOURS = ("#1f4e79", "#b45309", "#2f6b2f", "#6b2d8f", "#7f1d1d", "#374151")
MARKERS = ("FilledCircle", "FilledSquare", "FilledTriangle", "FilledDiamond")
DASHES: tuple[tuple[int, ...] | None, ...] = (None, (4, 2), (1, 2), (6, 2, 1, 2))


def _chart_number(kind: str) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if value is None or is_na(value):
            return ""
        if kind == "percent":
            if float(value).is_integer():
                return file_value(value, "int") + "\u00a0%"
            return file_value(float(value) / 100, "percent")
        if kind == "int" or float(value).is_integer():
            return file_value(value, "int")
        return file_value(value, "decimal")

    return fmt


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chart_drawing(
    part: Part, chart: Chart, width: float, max_height: float, font: str, bold: str
) -> Drawing | None:
    """The chart at most ``max_height`` high, its texts in ``font`` and ``bold``; None
    when there is none or it would be too dense to read (the table is there anyway)."""
    frame = part.frame
    if frame.empty or not chart.values or len(frame) > MAX_CATEGORIES:
        return None
    columns = {c.key: c for c in part.columns}
    category = columns.get(chart.category, Column(chart.category, chart.category))
    names = [
        _short(
            file_value(v, category.kind)
            if category.kind != "text"
            else ("" if is_na(v) else str(v)),
            28,
        )
        for v in frame[chart.category].tolist()
    ]
    first = columns.get(chart.values[0])
    kind = first.kind if first is not None else "decimal"
    scale = 100.0 if kind == "percent" else 1.0
    data = [
        tuple(None if is_na(v) else float(v) * scale for v in frame[key].tolist())
        for key in chart.values
    ]
    labels = [t(columns[k].label) if k in columns else k for k in chart.values]
    numbers = [v for series in data for v in series if v is not None]
    top = max([0.0, *numbers]) or 1.0
    fmt = _chart_number(kind)
    legend_h = 18.0 if len(data) > 1 else 0.0
    bar_font = 6.5
    if chart.kind == "hbar":
        per_category = min(12.0 * len(data) + 6, (max_height - 50 - legend_h) / len(names))
        if per_category < MIN_CATEGORY_H:
            return None
        bar_font = max(5.0, min(6.5, per_category / len(data) - 1))
        plot_h = max(len(names) * per_category, 60)
        height = plot_h + 50 + legend_h
        drawing = Drawing(width, height)
        plot = HorizontalBarChart()
        plot.x, plot.y = 150, 36 + legend_h
        plot.width, plot.height = width - 150 - 60, plot_h
        plot.categoryAxis.reverseDirection = 1
    else:
        longest = max((len(n) for n in names), default=0)
        rotate = longest * 4.5 > (width - 80) / max(len(names), 1)
        bottom = 80.0 if rotate else 36.0
        plot_h = 170.0
        height = plot_h + bottom + 30 + legend_h
        drawing = Drawing(width, height)
        plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
        plot.x, plot.y = 60, bottom + legend_h
        plot.width, plot.height = width - 80, plot_h
        if rotate:
            plot.categoryAxis.labels.angle = 40
            plot.categoryAxis.labels.boxAnchor = "ne"
    plot.data = data
    plot.categoryAxis.categoryNames = names
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = min([0.0, *numbers])
    plot.valueAxis.valueMax = top * 1.12
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.labelTextFormat = fmt
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = colors.HexColor("#d0d4da")
    for i in range(len(data)):
        colour = colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)])
        if chart.kind == "line":
            plot.lines[i].strokeColor = colour
            plot.lines[i].strokeWidth = 1.5
            plot.lines[i].symbol = makeMarker(MARKERS[i % len(MARKERS)], fillColor=colour)
            if DASHES[i % len(DASHES)]:
                plot.lines[i].strokeDashArray = DASHES[i % len(DASHES)]
        else:
            plot.bars[i].fillColor = colour
            plot.bars[i].strokeColor = colors.black
            plot.bars[i].strokeWidth = 0.3
    if chart.kind == "line":
        plot.lineLabelFormat = fmt
        plot.lineLabels.fontName = font
        plot.lineLabels.fontSize = bar_font
        plot.lineLabels.dy = 6
    else:
        plot.barLabelFormat = fmt
        plot.barLabels.fontName = font
        plot.barLabels.fontSize = bar_font
        plot.barLabels.nudge = 7
        if chart.kind == "hbar":
            plot.barLabels.boxAnchor = "w"
            plot.barLabels.nudge = 4
    drawing.add(plot)
    value_title = " / ".join(labels) + (" (%)" if kind == "percent" else "")
    if chart.kind == "hbar":
        drawing.add(
            String(
                plot.x + plot.width / 2,
                6 + legend_h,
                value_title,
                fontName=bold,
                fontSize=8,
                textAnchor="middle",
            )
        )
        drawing.add(
            String(0, plot.y + plot.height + 6, t(category.label), fontName=bold, fontSize=8)
        )
    else:
        drawing.add(
            String(
                plot.x + plot.width / 2,
                4 + legend_h,
                t(category.label),
                fontName=bold,
                fontSize=8,
                textAnchor="middle",
            )
        )
        axis = Group(
            String(0, 0, _short(value_title, 60), fontName=bold, fontSize=8, textAnchor="middle")
        )
        axis.translate(12, plot.y + plot.height / 2)
        axis.rotate(90)
        drawing.add(axis)
    if len(data) > 1:
        legend = Legend()
        legend.x, legend.y = plot.x, 2
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 8
        legend.fontName, legend.fontSize = font, 7.5
        legend.boxAnchor = "sw"
        legend.dx = legend.dy = 8
        legend.colorNamePairs = [
            (colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]), labels[i])
            for i in range(len(data))
        ]
        drawing.add(legend)
    if drawing.height > max_height:  # e.g. a narrow page: shrink the whole drawing
        factor = max_height / drawing.height
        drawing.scale(factor, factor)
        drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
    return drawing
