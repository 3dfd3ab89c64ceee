"""Accessible inline SVG charts for the report pages (bar, horizontal bar, line).

- ``role="img"`` with ``<title>`` and ``<desc>`` referenced by ``aria-labelledby``; the
  page always shows the part's data table beside the chart (the text equivalent).
- No colour-only meaning: every value is printed on or next to its bar/point, series
  differ by fill pattern (solid, hatched, dotted, cross-hatched) and, in line charts,
  by marker shape and dash, and the legend shows the same swatches with the labels.
- CSP: no ``style`` attributes, only SVG presentation attributes (``fill``, ``stroke``,
  ``font-size`` …).
- Numbers in the UI locale (``reports.formatting.ui_value``). More than
  ``MAX_CATEGORIES`` categories make no readable chart: a short note points to the table.
"""

from __future__ import annotations

import math
import re
from typing import Any

from markupsafe import Markup, escape

from academy.i18n import N_
from reports.formatting import is_na, t, ui_value, withheld_mask
from reports.report_model import Chart, Column, Part

MAX_CATEGORIES = 40
WIDTH = 720
FONT = 12
#: Colour-blind safe colours; each series also has its own pattern.
COLOURS = ("#1f4e79", "#b45309", "#2f6b2f", "#6b2d8f", "#7f1d1d", "#374151")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3")
LABEL_CHARS = 28
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


def _attrs(**values: Any) -> str:
    out = []
    for key, value in values.items():
        if value is None:
            continue
        out.append(f'{key.rstrip("_").replace("_", "-")}="{_esc(value)}"')
    return " ".join(out)


def _esc(text: object) -> str:
    return str(escape(text))


def _el(tag: str, body: str = "", **attrs: Any) -> str:
    inner = _attrs(**attrs)
    head = f"<{tag} {inner}" if inner else f"<{tag}"
    return f"{head}>{body}</{tag}>" if body else f"{head}/>"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _nice_ticks(lo: float, hi: float, kind: str) -> list[float]:
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


def _tick_text(value: float, kind: str) -> str:
    from flask_babel import format_decimal, format_percent

    if kind == "percent":
        whole = abs(value * 100 - round(value * 100)) < 1e-9
        return format_percent(value, format="#,##0\u00a0%" if whole else "#,##0.0\u00a0%")
    if float(value).is_integer():
        return format_decimal(value, format="#,##0")
    return format_decimal(value, format="#,##0.0")


def _patterns(uid: str, count: int) -> str:
    defs = []
    for i in range(count):
        colour = COLOURS[i % len(COLOURS)]
        pid = f"{uid}-p{i}"
        style = i % 4
        shapes = [_el("rect", width=8, height=8, fill=colour)]
        if style == 1:
            shapes.append(
                _el("path", d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", stroke="#fff", stroke_width=1.5)
            )
        elif style == 2:
            shapes.append(_el("circle", cx=4, cy=4, r=1.6, fill="#fff"))
        elif style == 3:
            shapes.append(_el("path", d="M0,4 h8 M4,0 v8", stroke="#fff", stroke_width=1.2))
        defs.append(
            _el(
                "pattern",
                "".join(shapes),
                id=pid,
                patternUnits="userSpaceOnUse",
                width=8,
                height=8,
            )
        )
    return _el("defs", "".join(defs))


def _marker(shape: str, x: float, y: float, fill: str) -> str:
    if shape == "square":
        return _el("rect", x=_num(x - 4), y=_num(y - 4), width=8, height=8, fill=fill)
    if shape == "triangle":
        d = f"M{_num(x)},{_num(y - 5)} L{_num(x + 5)},{_num(y + 4)} L{_num(x - 5)},{_num(y + 4)} Z"
        return _el("path", d=d, fill=fill)
    if shape == "diamond":
        corners = [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
        d = "M" + " L".join(f"{_num(a)},{_num(b)}" for a, b in corners) + " Z"
        return _el("path", d=d, fill=fill)
    return _el("circle", cx=_num(x), cy=_num(y), r=4, fill=fill)


class _Data:
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


def _legend(data: _Data, uid: str, y: float, line: bool) -> tuple[str, float]:
    if len(data.series) < 2 and not line:
        return "", y
    parts = []
    x = 10.0
    for i, (label, _values) in enumerate(data.series):
        text = _short(label, 40)
        width = 30 + len(text) * FONT * 0.55
        if x + width > WIDTH and x > 10:
            x, y = 10.0, y + 20
        if line:
            colour = COLOURS[i % len(COLOURS)]
            parts.append(
                _el(
                    "line",
                    x1=_num(x),
                    y1=_num(y),
                    x2=_num(x + 22),
                    y2=_num(y),
                    stroke=colour,
                    stroke_width=2,
                    stroke_dasharray=DASHES[i % len(DASHES)] or None,
                )
            )
            parts.append(_marker(MARKERS[i % len(MARKERS)], x + 11, y, colour))
        else:
            parts.append(
                _el("rect", x=_num(x), y=_num(y - 7), width=22, height=14, fill=f"url(#{uid}-p{i})")
            )
        parts.append(_el("text", _esc(text), x=_num(x + 28), y=_num(y + 4), font_size=FONT))
        x += width + 16
    return _el("g", "".join(parts), class_="chart-legend"), y + 20


def _frame(uid: str, title: str, desc: str, height: float, body: str) -> Markup:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" {_attrs(viewBox=f"0 0 {WIDTH} {_num(height)}")} '
        f'width="{WIDTH}" height="{_num(height)}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" focusable="false" '
        f'font-family="system-ui, sans-serif" class="report-chart img-fluid">'
        f'<title id="{uid}-title">{_esc(title)}</title>'
        f'<desc id="{uid}-desc">{_esc(desc)}</desc>{body}</svg>'
    )
    return Markup(svg)  # noqa: S704 - every text above is escaped


def _description(kind: str, data: _Data) -> str:
    names = {
        "bar": N_("Bar chart"),
        "hbar": N_("Horizontal bar chart"),
        "line": N_("Line chart"),
    }
    return t(
        N_(
            "%(kind)s of %(values)s by %(category)s, %(n)s categories. "
            "The table holds the same figures."
        ),
        kind=t(names[kind]),
        values=data.value_label,
        category=data.category_label,
        n=len(data.categories),
    )


def _hbar(data: _Data, uid: str, chart: Chart) -> Markup:
    left, right, top = 210.0, 80.0, 16.0
    n_series = len(data.series)
    bar_h = 16.0
    group_h = n_series * bar_h + 10
    plot_h = group_h * len(data.categories)
    plot_w = WIDTH - left - right
    ticks = _nice_ticks(data.lo, data.hi, data.kind)
    lo, hi = ticks[0], ticks[-1]

    def sx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    body = [_patterns(uid, n_series)]
    axis_y = top + plot_h
    for tick in ticks:
        x = sx(tick)
        body.append(
            _el("line", x1=_num(x), y1=_num(top), x2=_num(x), y2=_num(axis_y), stroke="#d0d4da")
        )
        body.append(
            _el(
                "text",
                _esc(_tick_text(tick, data.kind)),
                x=_num(x),
                y=_num(axis_y + 16),
                font_size=FONT - 1,
                text_anchor="middle",
            )
        )
    zero = sx(0.0)
    for c, category in enumerate(data.categories):
        y0 = top + c * group_h + 5
        body.append(
            _el(
                "text",
                _el("title", _esc(category)) + _esc(_short(category)),
                x=_num(left - 8),
                y=_num(y0 + n_series * bar_h / 2 + 4),
                font_size=FONT,
                text_anchor="end",
            )
        )
        for s, (_label, values) in enumerate(data.series):
            value = values[c]
            y = y0 + s * bar_h
            if value is not None:
                x1, x2 = sorted((zero, sx(value)))
                body.append(
                    _el(
                        "rect",
                        x=_num(x1),
                        y=_num(y + 1),
                        width=_num(max(x2 - x1, 0.5)),
                        height=_num(bar_h - 2),
                        fill=f"url(#{uid}-p{s})",
                        stroke="#1f2937",
                        stroke_width=0.5,
                    )
                )
                end = x2
            else:
                end = zero
            body.append(
                _el(
                    "text",
                    _esc(data.value_text(value, c, s)),
                    x=_num(end + 4),
                    y=_num(y + bar_h - 4),
                    font_size=FONT - 1,
                )
            )
    body.append(
        _el("line", x1=_num(zero), y1=_num(top), x2=_num(zero), y2=_num(axis_y), stroke="#1f2937")
    )
    body.append(
        _el(
            "text",
            _esc(data.value_label),
            x=_num(left + plot_w / 2),
            y=_num(axis_y + 36),
            font_size=FONT,
            text_anchor="middle",
            font_weight="bold",
        )
    )
    body.append(
        _el(
            "text",
            _esc(data.category_label),
            x=10,
            y=_num(top - 4 if top > 14 else 12),
            font_size=FONT,
            font_weight="bold",
        )
    )
    legend, bottom = _legend(data, uid, axis_y + 60, line=False)
    body.append(legend)
    return _frame(uid, t(chart.title), _description("hbar", data), bottom + 4, "".join(body))


def _vertical(data: _Data, uid: str, chart: Chart, line: bool) -> Markup:
    left, right, top = 80.0, 20.0, 24.0
    plot_h = 240.0
    n = len(data.categories)
    plot_w_estimate = WIDTH - left - right
    longest = max((min(len(c), 22) for c in data.categories), default=0) * FONT * 0.55
    rotate = longest > plot_w_estimate / max(n, 1) * 0.95
    #: line charts print the values of odd series below their points: labels lower
    offset = 14.0 if line else 0.0
    bottom_labels = (110.0 if rotate else 36.0) + offset
    plot_w = WIDTH - left - right
    ticks = _nice_ticks(data.lo, data.hi, data.kind)
    lo, hi = ticks[0], ticks[-1]
    axis_y = top + plot_h

    def sy(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    n_series = len(data.series)
    slot = plot_w / max(n, 1)
    body = [] if line else [_patterns(uid, n_series)]
    for tick in ticks:
        y = sy(tick)
        body.append(
            _el(
                "line",
                x1=_num(left),
                y1=_num(y),
                x2=_num(left + plot_w),
                y2=_num(y),
                stroke="#d0d4da",
            )
        )
        body.append(
            _el(
                "text",
                _esc(_tick_text(tick, data.kind)),
                x=_num(left - 6),
                y=_num(y + 4),
                font_size=FONT - 1,
                text_anchor="end",
            )
        )
    zero = sy(0.0)
    for c, category in enumerate(data.categories):
        cx = left + slot * (c + 0.5)
        label = _el("title", _esc(category)) + _esc(_short(category, 22))
        if rotate:
            body.append(
                _el(
                    "text",
                    label,
                    x=_num(cx),
                    y=_num(axis_y + 12 + offset),
                    font_size=FONT - 1,
                    text_anchor="end",
                    transform=f"rotate(-40 {_num(cx)} {_num(axis_y + 12 + offset)})",
                )
            )
        else:
            body.append(
                _el(
                    "text",
                    label,
                    x=_num(cx),
                    y=_num(axis_y + 18 + offset),
                    font_size=FONT - 1,
                    text_anchor="middle",
                )
            )
    if line:
        for s, (_label, values) in enumerate(data.series):
            colour = COLOURS[s % len(COLOURS)]
            points = [
                (left + slot * (c + 0.5), sy(v)) for c, v in enumerate(values) if v is not None
            ]
            if len(points) > 1:
                body.append(
                    _el(
                        "polyline",
                        points=" ".join(f"{_num(x)},{_num(y)}" for x, y in points),
                        fill="none",
                        stroke=colour,
                        stroke_width=2,
                        stroke_dasharray=DASHES[s % len(DASHES)] or None,
                    )
                )
            for c, value in enumerate(values):
                x = left + slot * (c + 0.5)
                if value is not None:
                    body.append(_marker(MARKERS[s % len(MARKERS)], x, sy(value), colour))
                # labels of even series above their point, of odd ones below it
                y = (sy(value) if value is not None else zero) + (-9 if s % 2 == 0 else 18)
                body.append(
                    _el(
                        "text",
                        _esc(data.value_text(value, c, s)),
                        x=_num(x),
                        y=_num(y),
                        font_size=FONT - 2,
                        text_anchor="middle",
                    )
                )
    else:
        bar_w = min(slot * 0.8 / n_series, 48)
        for c in range(n):
            x0 = left + slot * (c + 0.5) - bar_w * n_series / 2
            for s, (_label, values) in enumerate(data.series):
                value = values[c]
                x = x0 + s * bar_w
                if value is not None:
                    y1, y2 = sorted((zero, sy(value)))
                    body.append(
                        _el(
                            "rect",
                            x=_num(x + 1),
                            y=_num(y1),
                            width=_num(bar_w - 2),
                            height=_num(max(y2 - y1, 0.5)),
                            fill=f"url(#{uid}-p{s})",
                            stroke="#1f2937",
                            stroke_width=0.5,
                        )
                    )
                    top_y = y1
                else:
                    top_y = zero
                body.append(
                    _el(
                        "text",
                        _esc(data.value_text(value, c, s)),
                        x=_num(x + bar_w / 2),
                        y=_num(top_y - 4),
                        font_size=FONT - 2,
                        text_anchor="middle",
                    )
                )
    body.append(
        _el(
            "line",
            x1=_num(left),
            y1=_num(zero),
            x2=_num(left + plot_w),
            y2=_num(zero),
            stroke="#1f2937",
        )
    )
    body.append(
        _el("line", x1=_num(left), y1=_num(top), x2=_num(left), y2=_num(axis_y), stroke="#1f2937")
    )
    mid = top + plot_h / 2
    body.append(
        _el(
            "text",
            _esc(_short(data.value_label, 40)),
            x=16,
            y=_num(mid),
            font_size=FONT,
            text_anchor="middle",
            font_weight="bold",
            transform=f"rotate(-90 16 {_num(mid)})",
        )
    )
    label_y = axis_y + bottom_labels + 4
    body.append(
        _el(
            "text",
            _esc(data.category_label),
            x=_num(left + plot_w / 2),
            y=_num(label_y),
            font_size=FONT,
            text_anchor="middle",
            font_weight="bold",
        )
    )
    legend, bottom = _legend(data, uid, label_y + 22, line=line)
    body.append(legend)
    kind = "line" if line else "bar"
    return _frame(uid, t(chart.title), _description(kind, data), bottom + 4, "".join(body))


def chart_id(part: Part, prefix: str = "chart") -> str:
    return _UNSAFE_ID.sub("-", f"{prefix}-{part.key}")


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
    uid = _UNSAFE_ID.sub("-", uid or chart_id(part))
    data = _Data(part, chart)
    if chart.kind == "hbar":
        return _hbar(data, uid, chart)
    return _vertical(data, uid, chart, line=chart.kind == "line")
