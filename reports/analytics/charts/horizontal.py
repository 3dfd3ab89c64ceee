"""The horizontal bar chart (``Chart.kind == "hbar"``): one bar per category and series,
values printed beside the bars."""

from __future__ import annotations

from markupsafe import Markup

from reports.analytics.charts.svg import (
    FONT,
    WIDTH,
    ChartData,
    chart_frame,
    describe,
    el,
    esc,
    legend_svg,
    nice_ticks,
    num,
    pattern_defs,
    shorten,
    tick_text,
)
from reports.analytics.formatting import t
from reports.analytics.report_model import Chart


def horizontal_bars(data: ChartData, uid: str, chart: Chart) -> Markup:
    left, right, top = 210.0, 80.0, 16.0
    n_series = len(data.series)
    bar_h = 16.0
    group_h = n_series * bar_h + 10
    plot_h = group_h * len(data.categories)
    plot_w = WIDTH - left - right
    ticks = nice_ticks(data.lo, data.hi, data.kind)
    lo, hi = ticks[0], ticks[-1]

    def sx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    body = [pattern_defs(uid, n_series)]
    axis_y = top + plot_h
    for tick in ticks:
        x = sx(tick)
        body.append(el("line", x1=num(x), y1=num(top), x2=num(x), y2=num(axis_y), stroke="#d0d4da"))
        body.append(
            el(
                "text",
                esc(tick_text(tick, data.kind)),
                x=num(x),
                y=num(axis_y + 16),
                font_size=FONT - 1,
                text_anchor="middle",
            )
        )
    zero = sx(0.0)
    for c, category in enumerate(data.categories):
        y0 = top + c * group_h + 5
        body.append(
            el(
                "text",
                el("title", esc(category)) + esc(shorten(category)),
                x=num(left - 8),
                y=num(y0 + n_series * bar_h / 2 + 4),
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
                    el(
                        "rect",
                        x=num(x1),
                        y=num(y + 1),
                        width=num(max(x2 - x1, 0.5)),
                        height=num(bar_h - 2),
                        fill=f"url(#{uid}-p{s})",
                        stroke="#1f2937",
                        stroke_width=0.5,
                    )
                )
                end = x2
            else:
                end = zero
            body.append(
                el(
                    "text",
                    esc(data.value_text(value, c, s)),
                    x=num(end + 4),
                    y=num(y + bar_h - 4),
                    font_size=FONT - 1,
                )
            )
    body.append(
        el("line", x1=num(zero), y1=num(top), x2=num(zero), y2=num(axis_y), stroke="#1f2937")
    )
    body.append(
        el(
            "text",
            esc(data.value_label),
            x=num(left + plot_w / 2),
            y=num(axis_y + 36),
            font_size=FONT,
            text_anchor="middle",
            font_weight="bold",
        )
    )
    body.append(
        el(
            "text",
            esc(data.category_label),
            x=10,
            y=num(top - 4 if top > 14 else 12),
            font_size=FONT,
            font_weight="bold",
        )
    )
    legend, bottom = legend_svg(data, uid, axis_y + 60, line=False)
    body.append(legend)
    return chart_frame(uid, t(chart.title), describe("hbar", data), bottom + 4, "".join(body))
