"""Inline SVG charts of the report pages: valid XML, accessible name and description,
values printed (no colour-only meaning), no style attributes (CSP)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pandas as pd
import pytest
from flask import Flask

from academy.i18n import translate
from reports.analytics.charts import MAX_CATEGORIES, svg_chart
from reports.analytics.report_model import Chart, Column, Part
from tests.reports import report_samples as samples

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def german(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own output


def _texts(root: ET.Element) -> list[str]:
    """The visible texts (without the tooltips in <title> children)."""
    return [
        (el.text or "") + "".join(child.tail or "" for child in el)
        for el in root.iter(f"{SVG}text")
    ]


@pytest.mark.parametrize("make", [samples.gaps_part, samples.demand_part, samples.trend_part])
def test_chart_is_accessible_svg(make):
    part = make()
    root = _parse(svg_chart(part, uid=f"c-{part.key}"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    titles = {
        el.get("id"): el.text for el in root.iter() if el.tag in (f"{SVG}title", f"{SVG}desc")
    }
    assert titles[title_id] == translate(part.chart.title)
    assert "Die Tabelle enthält dieselben Zahlen." in titles[desc_id]
    assert root.get("viewBox").startswith("0 0 720 ")
    for element in root.iter():
        assert "style" not in element.attrib
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(f"c-{part.key}") for i in ids)


def test_bar_values_are_printed_and_withheld_is_said():
    root = _parse(svg_chart(samples.gaps_part()))
    texts = _texts(root)
    assert "12,5\u00a0%" in texts
    assert "100,0\u00a0%" in texts
    assert "zurückgehalten" in texts  # the Kämmerei row: no bar, but a word
    labels = [t for t in texts if "Amt für Digitales" in t]
    assert labels, texts
    assert "Anteil unter Soll" in texts  # value axis title


def test_series_differ_by_pattern_and_legend():
    root = _parse(svg_chart(samples.demand_part(), uid="d"))
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 2
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("height") != "8"}
    assert {"url(#d-p0)", "url(#d-p1)"} <= fills
    texts = _texts(root)
    assert "Waitlisted now" in texts and "Expired requests" in texts  # legend
    assert "21" in texts and "8" in texts


def test_line_chart_has_markers_and_value_labels():
    root = _parse(svg_chart(samples.trend_part(), uid="q"))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert lines[0].get("stroke-dasharray") is None
    assert lines[1].get("stroke-dasharray")  # second series dashed, not only coloured
    texts = _texts(root)
    assert "1.280,3" in texts  # German grouping, rounded half up
    assert "61" in texts  # an int series without decimals
    assert "2024 Q3" in texts


def test_no_chart_without_definition_or_rows():
    part = samples.demand_part()
    part.chart = None
    assert str(svg_chart(part)) == ""
    empty = samples.gaps_part()
    empty.frame = empty.frame.iloc[0:0]
    assert str(svg_chart(empty)) == ""


def test_too_many_categories_point_to_the_table():
    n = MAX_CATEGORIES + 1
    part = Part(
        key="many",
        title="Many",
        columns=[Column("name", "Name"), Column("value", "Value", "int")],
        frame=pd.DataFrame({"name": [f"K{i}" for i in range(n)], "value": list(range(n))}),
        chart=Chart("bar", "name", ("value",), "Many bars"),
    )
    markup = str(svg_chart(part))
    assert "<svg" not in markup
    assert f"{n} Kategorien sind zu viele" in markup
    assert "Tabelle an" in markup


def test_texts_are_escaped():
    part = samples.demand_part()
    part.frame.loc[0, "course"] = "<script>alert(1)</script> & Co"
    markup = str(svg_chart(part))
    assert "<script>" not in markup
    _parse(markup)  # still valid XML
    assert "&lt;script&gt;" in markup
