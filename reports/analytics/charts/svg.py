"""The drawing primitives of the report charts: escaped SVG elements, axis ticks, fill
patterns, markers, the legend and the accessible ``<svg>`` frame with title and
description; ``ChartData`` holds a part's categories and series."""

from __future__ import annotations

import math
import re
from typing import Any

from markupsafe import Markup, escape

from academy.i18n import N_
from reports.analytics.formatting import is_na, t, ui_value, withheld_mask
from reports.analytics.report_model import Chart, Column, Part

MAX_CATEGORIES = 40
WIDTH = 720
FONT = 12
#: Colour-blind safe colours; each series also has its own pattern.
COLOURS = ("#1f4e79", "#b45309", "#2f6b2f", "#6b2d8f", "#7f1d1d", "#374151")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3")
LABEL_CHARS = 28
UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


def attributes(**values: Any) -> str:
    out = []
    for key, value in values.items():
        if value is None:
            continue
        out.append(f'{key.rstrip("_").replace("_", "-")}="{esc(value)}"')
    return " ".join(out)


def esc(text: object) -> str:
    return str(escape(text))


def el(tag: str, body: str = "", **attrs: Any) -> str:
    inner = attributes(**attrs)
    head = f"<{tag} {inner}" if inner else f"<{tag}"
    return f"{head}>{body}</{tag}>" if body else f"{head}/>"


def num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def nice_ticks(lo: float, hi: float, kind: str) -> list[float]:
    """About five round tick values covering [lo, hi] (lo ≤ 0 ≤ hi)."""
    span = hi - lo
    if span <= 0:
        span = 1.0 if kind != "percent" else 0.1
        hi = lo + span
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if kind == "int":
        step = max(step, 1.0)
    start = math.floor(lo / step) * step
    ticks = []
    value = start
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_text(value: float, kind: str) -> str:
    from flask_babel import format_decimal, format_percent

    if kind == "percent":
        whole = abs(value * 100 - round(value * 100)) < 1e-9
        return format_percent(value, format="#,##0\u00a0%" if whole else "#,##0.0\u00a0%")
    if float(value).is_integer():
        return format_decimal(value, format="#,##0")
    return format_decimal(value, format="#,##0.0")


def pattern_defs(uid: str, count: int) -> str:
    defs = []
    for i in range(count):
        colour = COLOURS[i % len(COLOURS)]
        pid = f"{uid}-p{i}"
        style = i % 4
        shapes = [el("rect", width=8, height=8, fill=colour)]
        if style == 1:
            shapes.append(
                el("path", d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", stroke="#fff", stroke_width=1.5)
            )
        elif style == 2:
            shapes.append(el("circle", cx=4, cy=4, r=1.6, fill="#fff"))
        elif style == 3:
            shapes.append(el("path", d="M0,4 h8 M4,0 v8", stroke="#fff", stroke_width=1.2))
        defs.append(
            el(
                "pattern",
                "".join(shapes),
                id=pid,
                patternUnits="userSpaceOnUse",
                width=8,
                height=8,
            )
        )
    return el("defs", "".join(defs))


def marker(shape: str, x: float, y: float, fill: str) -> str:
    if shape == "square":
        return el("rect", x=num(x - 4), y=num(y - 4), width=8, height=8, fill=fill)
    if shape == "triangle":
        d = f"M{num(x)},{num(y - 5)} L{num(x + 5)},{num(y + 4)} L{num(x - 5)},{num(y + 4)} Z"
        return el("path", d=d, fill=fill)
    if shape == "diamond":
        corners = [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
        d = "M" + " L".join(f"{num(a)},{num(b)}" for a, b in corners) + " Z"
        return el("path", d=d, fill=fill)
    return el("circle", cx=num(x), cy=num(y), r=4, fill=fill)


class ChartData:
    """The chart's categories and series, NA as None, withheld rows marked."""

    def __init__(self, part: Part, chart: Chart) -> None:
        columns = {c.key: c for c in part.columns}
        frame = part.frame
        category = columns.get(chart.category, Column(chart.category, chart.category))
        self.category_label = t(category.label)
        self.categories = [
            "–" if is_na(v) else (ui_value(v, category.kind) if category.kind != "text" else str(v))
            for v in frame[chart.category].tolist()
        ]
        self.series: list[tuple[str, list[float | None]]] = []
        self.kinds: list[str] = []
        for key in chart.values:
            column = columns.get(key, Column(key, key, "decimal"))
            values = [None if is_na(v) else float(v) for v in frame[key].tolist()]
            self.series.append((t(column.label), values))
            self.kinds.append(column.kind)
        #: the value axis: percent when the first series is a percentage
        self.kind = self.kinds[0] if self.kinds else "decimal"
        self.withheld = withheld_mask(part)
        numbers = [v for _label, values in self.series for v in values if v is not None]
        self.lo = min([0.0, *numbers])
        self.hi = max([0.0, *numbers])

    def value_text(self, value: float | None, row: int, series: int = 0) -> str:
        if value is None:
            return t(N_("withheld")) if self.withheld[row] else "–"
        return ui_value(value, self.kinds[series])

    @property
    def value_label(self) -> str:
        return " / ".join(label for label, _values in self.series)


def legend_svg(data: ChartData, uid: str, y: float, line: bool) -> tuple[str, float]:
    if len(data.series) < 2 and not line:
        return "", y
    parts = []
    x = 10.0
    for i, (label, _values) in enumerate(data.series):
        text = shorten(label, 40)
        width = 30 + len(text) * FONT * 0.55
        if x + width > WIDTH and x > 10:
            x, y = 10.0, y + 20
        if line:
            colour = COLOURS[i % len(COLOURS)]
            parts.append(
                el(
                    "line",
                    x1=num(x),
                    y1=num(y),
                    x2=num(x + 22),
                    y2=num(y),
                    stroke=colour,
                    stroke_width=2,
                    stroke_dasharray=DASHES[i % len(DASHES)] or None,
                )
            )
            parts.append(marker(MARKERS[i % len(MARKERS)], x + 11, y, colour))
        else:
            parts.append(
                el("rect", x=num(x), y=num(y - 7), width=22, height=14, fill=f"url(#{uid}-p{i})")
            )
        parts.append(el("text", esc(text), x=num(x + 28), y=num(y + 4), font_size=FONT))
        x += width + 16
    return el("g", "".join(parts), class_="chart-legend"), y + 20


def chart_frame(uid: str, title: str, desc: str, height: float, body: str) -> Markup:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f"{attributes(viewBox=f'0 0 {WIDTH} {num(height)}')} "
        f'width="{WIDTH}" height="{num(height)}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" focusable="false" '
        f'font-family="system-ui, sans-serif" class="report-chart img-fluid">'
        f'<title id="{uid}-title">{esc(title)}</title>'
        f'<desc id="{uid}-desc">{esc(desc)}</desc>{body}</svg>'
    )
    return Markup(svg)  # noqa: S704 - every text above is escaped


def describe(kind: str, data: ChartData) -> str:
    names = {
        "bar": N_("Bar chart"),
        "hbar": N_("Horizontal bar chart"),
        "line": N_("Line chart"),
    }
    return t(
        N_(
            "%(kind)s of %(values)s by %(category)s (categories: %(n)s). "
            "The table holds the same figures."
        ),
        kind=t(names[kind]),
        values=data.value_label,
        category=data.category_label,
        n=len(data.categories),
    )
