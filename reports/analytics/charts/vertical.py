"""The vertical charts: bars (``"bar"``) and lines (``"line"``) over the categories,
values printed on the bars or next to the points."""

from __future__ import annotations

from markupsafe import Markup

from reports.analytics.charts.svg import (
    COLOURS,
    DASHES,
    FONT,
    MARKERS,
    WIDTH,
    ChartData,
    chart_frame,
    describe,
    el,
    esc,
    legend_svg,
    marker,
    nice_ticks,
    num,
    pattern_defs,
    shorten,
    tick_text,
)
from reports.analytics.formatting import t
from reports.analytics.report_model import Chart


def vertical_chart(data: ChartData, uid: str, chart: Chart, line: bool) -> Markup:
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
    ticks = nice_ticks(data.lo, data.hi, data.kind)
    lo, hi = ticks[0], ticks[-1]
    axis_y = top + plot_h

    def sy(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    n_series = len(data.series)
    slot = plot_w / max(n, 1)
    body = [] if line else [pattern_defs(uid, n_series)]
    for tick in ticks:
        y = sy(tick)
        body.append(
            el(
                "line",
                x1=num(left),
                y1=num(y),
                x2=num(left + plot_w),
                y2=num(y),
                stroke="#d0d4da",
            )
        )
        body.append(
            el(
                "text",
                esc(tick_text(tick, data.kind)),
                x=num(left - 6),
                y=num(y + 4),
                font_size=FONT - 1,
                text_anchor="end",
            )
        )
    zero = sy(0.0)
    for c, category in enumerate(data.categories):
        cx = left + slot * (c + 0.5)
        label = el("title", esc(category)) + esc(shorten(category, 22))
        if rotate:
            body.append(
                el(
                    "text",
                    label,
                    x=num(cx),
                    y=num(axis_y + 12 + offset),
                    font_size=FONT - 1,
                    text_anchor="end",
                    transform=f"rotate(-40 {num(cx)} {num(axis_y + 12 + offset)})",
                )
            )
        else:
            body.append(
                el(
                    "text",
                    label,
                    x=num(cx),
                    y=num(axis_y + 18 + offset),
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
                    el(
                        "polyline",
                        points=" ".join(f"{num(x)},{num(y)}" for x, y in points),
                        fill="none",
                        stroke=colour,
                        stroke_width=2,
                        stroke_dasharray=DASHES[s % len(DASHES)] or None,
                    )
                )
            for c, value in enumerate(values):
                x = left + slot * (c + 0.5)
                if value is not None:
                    body.append(marker(MARKERS[s % len(MARKERS)], x, sy(value), colour))
                # labels of even series above their point, of odd ones below it
                y = (sy(value) if value is not None else zero) + (-9 if s % 2 == 0 else 18)
                body.append(
                    el(
                        "text",
                        esc(data.value_text(value, c, s)),
                        x=num(x),
                        y=num(y),
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
                        el(
                            "rect",
                            x=num(x + 1),
                            y=num(y1),
                            width=num(bar_w - 2),
                            height=num(max(y2 - y1, 0.5)),
                            fill=f"url(#{uid}-p{s})",
                            stroke="#1f2937",
                            stroke_width=0.5,
                        )
                    )
                    top_y = y1
                else:
                    top_y = zero
                body.append(
                    el(
                        "text",
                        esc(data.value_text(value, c, s)),
                        x=num(x + bar_w / 2),
                        y=num(top_y - 4),
                        font_size=FONT - 2,
                        text_anchor="middle",
                    )
                )
    body.append(
        el(
            "line",
            x1=num(left),
            y1=num(zero),
            x2=num(left + plot_w),
            y2=num(zero),
            stroke="#1f2937",
        )
    )
    body.append(
        el("line", x1=num(left), y1=num(top), x2=num(left), y2=num(axis_y), stroke="#1f2937")
    )
    mid = top + plot_h / 2
    body.append(
        el(
            "text",
            esc(shorten(data.value_label, 40)),
            x=16,
            y=num(mid),
            font_size=FONT,
            text_anchor="middle",
            font_weight="bold",
            transform=f"rotate(-90 16 {num(mid)})",
        )
    )
    label_y = axis_y + bottom_labels + 4
    body.append(
        el(
            "text",
            esc(data.category_label),
            x=num(left + plot_w / 2),
            y=num(label_y),
            font_size=FONT,
            text_anchor="middle",
            font_weight="bold",
        )
    )
    legend, bottom = legend_svg(data, uid, label_y + 22, line=line)
    body.append(legend)
    kind = "line" if line else "bar"
    return chart_frame(uid, t(chart.title), describe(kind, data), bottom + 4, "".join(body))
