"""Accessible inline SVG charts for the report pages (bar, horizontal bar, line).

``svg_chart(part)`` draws a part's chart: ``horizontal`` the horizontal bars, ``vertical``
the bars and lines over categories, ``svg`` the drawing primitives both share.

- ``role="img"`` with ``<title>`` and ``<desc>`` referenced by ``aria-labelledby``; the
  page always shows the part's data table beside the chart (the text equivalent).
- No colour-only meaning: every value is printed on or next to its bar/point, series
  differ by fill pattern (solid, hatched, dotted, cross-hatched) and, in line charts,
  by marker shape and dash, and the legend shows the same swatches with the labels.
- CSP: no ``style`` attributes, only SVG presentation attributes (``fill``, ``stroke``,
  ``font-size`` …).
- Numbers in the UI locale (``reports.analytics.formatting.ui_value``). More than
  ``MAX_CATEGORIES`` categories make no readable chart: a short note points to the table.
"""

from __future__ import annotations

from markupsafe import Markup

from academy.i18n import N_
from reports.analytics.charts.horizontal import horizontal_bars
from reports.analytics.charts.svg import MAX_CATEGORIES, UNSAFE_ID, ChartData
from reports.analytics.charts.vertical import vertical_chart
from reports.analytics.formatting import t
from reports.analytics.report_model import Part

__all__ = ["MAX_CATEGORIES", "chart_id", "svg_chart", "too_many_categories"]


def chart_id(part: Part, prefix: str = "chart") -> str:
    return UNSAFE_ID.sub("-", f"{prefix}-{part.key}")


def too_many_categories(part: Part) -> bool:
    return len(part.frame) > MAX_CATEGORIES


def svg_chart(part: Part, uid: str | None = None) -> Markup:
    """The part's chart as inline SVG (empty when it has none or no rows; a note when it
    has more than ``MAX_CATEGORIES`` categories)."""
    chart = part.chart
    if chart is None or part.frame.empty or not chart.values:
        return Markup("")
    if too_many_categories(part):
        note = t(
            N_("%(n)s categories are too many for a readable chart: please see the table."),
            n=len(part.frame),
        )
        return Markup('<p class="chart-note">%s</p>') % note
    uid = UNSAFE_ID.sub("-", uid or chart_id(part))
    data = ChartData(part, chart)
    if chart.kind == "hbar":
        return horizontal_bars(data, uid, chart)
    return vertical_chart(data, uid, chart, line=chart.kind == "line")
