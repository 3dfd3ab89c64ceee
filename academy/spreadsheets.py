"""What every CSV and XLSX export writes through, so that no cell becomes a formula
("CSV injection", OWASP): a text starting with ``=``, ``+``, ``-``, ``@``, TAB or CR
could be run by Excel or LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|…``).

- CSV: such a text gets a leading apostrophe (``'=SUMME(A1)``), as OWASP recommends;
  spreadsheets show the text, nothing is run. ``csv_writer`` applies it to every cell.
- XLSX: texts are written as text cells, never as formulas, and such a text gets the
  cell's "quote prefix" (what Excel records for a typed apostrophe): ``xlsxwriter_options``
  for XlsxWriter workbooks, ``write_xlsxwriter_row`` for rows, ``quote_openpyxl_cell``
  for openpyxl; ``XlsxStream`` (below) writes large sheets row by row itself.
- Numbers stay numbers: native numbers are left alone, and so are texts that are plain
  numbers (``-1,5``, ``+3``, ``-12,5 %``), which no spreadsheet reads as a formula.

Files that the app reads back (the framework export is its import format) undo the
apostrophe with ``unescape_cell``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

#: Leading characters that make a spreadsheet read a text as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?: ?%)?")


def is_formula_like(value: object) -> bool:
    """True for a text that a spreadsheet could read as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and _PLAIN_NUMBER.fullmatch(value) is None
    )


def safe_cell(value: Any) -> Any:
    """The value for a CSV cell: a formula-like text with a leading apostrophe; anything
    else (numbers, dates, None, ordinary texts) unchanged."""
    return "'" + value if is_formula_like(value) else value


def unescape_cell(value: str) -> str:
    """A cell read back from a file this app exported: without the apostrophe that
    ``safe_cell`` added."""
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


class SafeCsvWriter:
    """``csv.writer`` with ``safe_cell`` applied to every cell (German Excel's dialect:
    ``;`` and CRLF by default)."""

    def __init__(self, out: IO[str], *, delimiter: str = ";", lineterminator: str = "\r\n"):
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def writerow_numbers(self, row: list[Any], texts: Sequence[int]) -> None:
        """A row of numbers and empty cells but for the columns ``texts`` (made safe
        here): for large sheets, where checking every number costs seconds. The caller
        guarantees the other cells are ``int``, ``float`` or ``None``."""
        for index in texts:
            row[index] = safe_cell(row[index])
        self._writer.writerow(row)


def csv_writer(out: IO[str], *, delimiter: str = ";") -> SafeCsvWriter:
    return SafeCsvWriter(out, delimiter=delimiter)


def xlsxwriter_options(**options: Any) -> dict[str, Any]:
    """Workbook options for XlsxWriter: texts stay texts (no formulas, URLs or numbers)."""
    return {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        **options,
    }


def write_xlsxwriter_row(
    sheet: Any, row: int, values: Sequence[Any], quote_format: Any, first_col: int = 0
) -> None:
    """Write one row with XlsxWriter; formula-like texts as text with the quote prefix
    (``quote_format`` = ``workbook.add_format({"quote_prefix": True})``)."""
    sheet.write_row(row, first_col, values)
    for column, value in enumerate(values, start=first_col):
        if is_formula_like(value):
            sheet.write_string(row, column, value, quote_format)


def quote_openpyxl_cell(cell: Any) -> None:
    """An openpyxl cell: a text stays a text cell; a formula-like text gets the quote
    prefix."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if is_formula_like(cell.value):
            cell.quotePrefix = True


# ---------------------------------------------------------------------------
# A streaming XLSX writer for large sheets
# ---------------------------------------------------------------------------
# XlsxWriter and openpyxl cost several microseconds per cell (tens of seconds for an
# organisation-wide matrix of 50,000 rows); ``XlsxStream`` writes the sheet's XML
# directly, row by row, into the zip file: numbers as numbers, texts as inline strings
# (a formula-like text with the quote prefix, never a formula), empty cells not at all.
# One sheet, a bold header row, frozen panes, column widths, a number format for floats.

_XLSX_STATIC = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
        '.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    ),
    # Styles: 0 normal, 1 bold, 2 quote prefix, 3 number "0.00", 4 bold + quote prefix.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="5">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'quotePrefix="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
        'xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
#: Characters XML 1.0 cannot hold (control characters but TAB, LF, CR).
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class XlsxStream:
    """``with XlsxStream(out, "Blatt") as sheet: sheet.header([...]); sheet.row([...])``.

    ``out`` is a binary file (``io.BytesIO``, an open file). Values: ``None`` (empty),
    ``int``/``float`` (numbers; floats shown with two decimals), anything else as text.
    ``freeze`` = (rows, columns) kept in view; ``widths`` per column (characters)."""

    def __init__(
        self,
        out: IO[bytes],
        title: str,
        *,
        freeze: tuple[int, int] = (1, 1),
        widths: Sequence[float] = (),
    ) -> None:
        import zipfile

        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        name = re.sub(r"[\[\]:*?/\\]", " ", _XML_INVALID.sub("", title))[:31].strip()
        self._title = name.translate(_XML_ESCAPES) or "Sheet1"
        self._freeze = freeze
        self._widths = list(widths)
        self._sheet: IO[bytes] | None = None
        self._rows = 0
        self._buffer: list[str] = []
        self._letters: list[str] = []

    def __enter__(self) -> XlsxStream:
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._write(self._sheet_start())
        return self

    def __exit__(self, *exc: object) -> None:
        self._flush()
        assert self._sheet is not None
        self._write("</sheetData></worksheet>")
        self._sheet.close()
        for name, content in _XLSX_STATIC.items():
            self._zip.writestr(name, content)
        self._zip.writestr("xl/workbook.xml", self._workbook())
        self._zip.close()

    def header(self, values: Sequence[Any]) -> None:
        self.row(values, bold=True)

    def row(self, values: Sequence[Any], *, bold: bool = False) -> None:
        self._rows += 1
        number = self._rows
        letters = self._letters
        if len(values) > len(letters):
            letters.extend(column_letter(i) for i in range(len(letters), len(values)))
        cells = "".join(
            [
                f'<c r="{letters[i]}{number}"><v>{v}</v></c>'
                if type(v) is int
                else self._cell(f"{letters[i]}{number}", v, bold)
                for i, v in enumerate(values)
                if v is not None
            ]
        )
        self._buffer.append(f'<row r="{number}">{cells}</row>')
        if len(self._buffer) >= 500:
            self._flush()

    @staticmethod
    def _cell(ref: str, value: Any, bold: bool) -> str:
        if isinstance(value, bool):
            return f'<c r="{ref}"><v>{int(value)}</v></c>'
        if isinstance(value, float):
            return f'<c r="{ref}" s="3"><v>{value!r}</v></c>'
        text = _XML_INVALID.sub("", str(value))
        style = ' s="1"' if bold else ""
        if is_formula_like(text):
            style = ' s="4"' if bold else ' s="2"'
        return (
            f'<c r="{ref}" t="inlineStr"{style}><is>'
            f'<t xml:space="preserve">{text.translate(_XML_ESCAPES)}</t></is></c>'
        )

    def _flush(self) -> None:
        if self._buffer:
            self._write("".join(self._buffer))
            self._buffer.clear()

    def _write(self, text: str) -> None:
        assert self._sheet is not None
        self._sheet.write(text.encode("utf-8"))

    def _sheet_start(self) -> str:
        rows, columns = self._freeze
        pane = ""
        if rows or columns:
            cell = f"{column_letter(columns)}{rows + 1}"
            split = (f' xSplit="{columns}"' if columns else "") + (
                f' ySplit="{rows}"' if rows else ""
            )
            active = "bottomRight" if rows and columns else ("bottomLeft" if rows else "topRight")
            pane = (
                f'<pane{split} topLeftCell="{cell}" activePane="{active}" state="frozen"/>'
                f'<selection pane="{active}" activeCell="{cell}" sqref="{cell}"/>'
            )
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(self._widths, start=1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
        )

    def _workbook(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{self._title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
