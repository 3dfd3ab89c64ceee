"""The Art. 15 export as a readable German PDF (ReportLab): a title page with the person
and the contents, then per section a heading and its records — a table with one row per
record when a section has few fields, else one small label/value table per record —
and "Seite X von Y" in every footer. Self-contained: ``academy`` does not use the
report writer of the ``reports`` package.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cache
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from academy.clock import to_berlin

DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
#: Sections with at most this many fields are one table (a row per record).
MAX_COLUMNS = 5
#: Rows per table flowable: a long list is several tables (cheap page breaks).
CHUNK = 150
HEADER_FILL = colors.HexColor("#dce6f1")
ZEBRA = (colors.white, colors.HexColor("#eef2f7"))
GRID = colors.HexColor("#9aa5b1")


def text_of(value: Any) -> str:
    """A value as German text: dates TT.MM.JJJJ, times in Berlin, ja/nein, – for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return to_berlin(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@cache
def _dejavu() -> tuple[str, str] | None:
    regular = os.path.join(DEJAVU_DIR, "DejaVuSans.ttf")
    bold = os.path.join(DEJAVU_DIR, "DejaVuSans-Bold.ttf")
    if not (os.path.exists(regular) and os.path.exists(bold)):
        return None
    pdfmetrics.registerFont(TTFont("DejaVuSans", regular))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", bold))
    return "DejaVuSans", "DejaVuSans-Bold"


def _fonts(texts: Iterable[str]) -> tuple[str, str]:
    """Helvetica when WinAnsi covers every character, else DejaVu Sans (embedded)."""
    try:
        "".join(texts).encode("cp1252")
    except UnicodeEncodeError:
        fonts = _dejavu()
        if fonts:
            return fonts
    return "Helvetica", "Helvetica-Bold"


class _Styles:
    def __init__(self, regular: str, bold: str) -> None:
        self.title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=10)
        self.h1 = ParagraphStyle("h1", fontName=bold, fontSize=13, leading=17, spaceAfter=4)
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5)
        self.note = ParagraphStyle("note", parent=self.body, fontSize=8.5, leading=11)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=bold)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _numbered_canvas(font: str, footer: str) -> type[Canvas]:
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
                self.saveState()
                self.setFont(font, 8)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawString(MARGIN, 10 * mm, footer)
                self.drawRightString(
                    A4[0] - MARGIN, 10 * mm, f"Seite {self._pageNumber} von {total}"
                )
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _fields(records: list[dict[str, Any]]) -> list[str]:
    """Every field label of the records, in the order they first appear."""
    return list(dict.fromkeys(key for record in records for key in record))


def _table(rows: list[list[Paragraph]], widths: list[float], header: bool) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), list(ZEBRA)))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), HEADER_FILL))
    table.setStyle(TableStyle(style))
    return table


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _records(records: list[dict[str, Any]], styles: _Styles) -> list[Flowable]:
    fields = _fields(records)
    if len(fields) <= MAX_COLUMNS:
        widths = [WIDTH / len(fields)] * len(fields)
        head = [_p(f, styles.head) for f in fields]
        return [
            _table(
                [head, *[[_p(text_of(r.get(f)), styles.cell) for f in fields] for r in chunk]],
                widths,
                header=True,
            )
            for chunk in _chunks(records, CHUNK)
        ]
    story: list[Flowable] = []
    for n, record in enumerate(records, 1):
        rows = [[_p(f, styles.head), _p(text_of(record.get(f)), styles.cell)] for f in fields]
        story.append(
            KeepTogether(
                [
                    _p(f"Eintrag {n} von {len(records)}", styles.note),
                    _table(rows, [55 * mm, WIDTH - 55 * mm], header=False),
                    Spacer(1, 3 * mm),
                ]
            )
        )
    return story


def _texts(data: dict[str, Any]) -> Iterator[str]:
    yield from data["abschnitte"].values()
    yield from (text_of(v) for v in data["person"].values())
    for key in data["abschnitte"]:
        for record in data[key]:
            yield from record
            yield from (text_of(v) for v in record.values())


def write_pdf(
    data: dict[str, Any], fileobj: IO[bytes], descriptions: dict[str, str] | None = None
) -> None:
    """Write the export ``data`` (``academy.privacy.export.build_export``) as a PDF;
    ``descriptions`` gives a sentence under a section's heading."""
    regular, bold = _fonts(_texts(data))
    styles = _Styles(regular, bold)
    title = "Auskunft nach Art. 15 DSGVO"
    person = data["person"]
    generated = text_of(data["generated_at"])
    doc = SimpleDocTemplate(
        fileobj,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{title} – {person['Name']}",
        creator="Digitalakademie",
    )
    facts = [[_p(k, styles.head), _p(text_of(v), styles.cell)] for k, v in person.items()]
    facts.append([_p("Erstellt am", styles.head), _p(generated, styles.cell)])
    facts.append([_p("Format", styles.head), _p(data["schema"], styles.cell)])
    story: list[Flowable] = [
        _p(title, styles.title),
        _p(
            "Alle Daten, die die Digitalakademie über die unten genannte Person speichert, "
            "nach Abschnitten. Dieselben Daten gibt es maschinenlesbar als JSON-Datei.",
            styles.body,
        ),
        Spacer(1, 5 * mm),
        _table(facts, [55 * mm, WIDTH - 55 * mm], header=False),
        Spacer(1, 6 * mm),
        _p("Inhalt", styles.h1),
    ]
    for n, (key, section_title) in enumerate(data["abschnitte"].items(), 1):
        story.append(_p(f"{n}. {section_title} ({len(data[key])})", styles.body))
    descriptions = descriptions or {}
    for n, (key, section_title) in enumerate(data["abschnitte"].items(), 1):
        story.append(PageBreak() if n == 1 else Spacer(1, 8 * mm))
        head: list[Flowable] = [_p(f"{n}. {section_title}", styles.h1)]
        if descriptions.get(key):
            head.append(_p(descriptions[key], styles.note))
        head.append(Spacer(1, 2 * mm))
        body = _records(data[key], styles) if data[key] else [_p("Keine Einträge.", styles.body)]
        # the heading never stands alone at the foot of a page
        story += [KeepTogether(head + body[:1]), *body[1:]]
    footer = f"{title} · {person['Name']} · {generated}"
    doc.build(story, canvasmaker=_numbered_canvas(regular, footer))
