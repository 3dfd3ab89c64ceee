"""What every CSV and XLSX export writes through, so that no cell becomes a formula
("CSV injection", OWASP): a text starting with ``=``, ``+``, ``-``, ``@``, TAB or CR
could be run by Excel or LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|…``).

- CSV: such a text gets a leading apostrophe (``'=SUMME(A1)``), as OWASP recommends;
  spreadsheets show the text, nothing is run. ``csv_writer`` applies it to every cell.
- XLSX: texts are written as text cells, never as formulas, and such a text gets the
  cell's "quote prefix" (what Excel records for a typed apostrophe): ``xlsxwriter_options``
  for XlsxWriter workbooks, ``write_xlsxwriter_row`` for rows, ``quote_openpyxl_cell``
  for openpyxl.
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
