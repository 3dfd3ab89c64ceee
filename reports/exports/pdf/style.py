"""Page geometry, table measures, colours and paragraph styles of the report PDF."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph,
)

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


class Styles:
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


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)
