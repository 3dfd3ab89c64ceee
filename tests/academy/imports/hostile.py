"""Hostile import files, made in the test: each one is small on the wire and tries to
exhaust a worker (memory, time, recursion) or to smuggle something past the parser.

Also run as a script by the upload-abuse test (``python -m tests.academy.imports.hostile
KIND IMPORTER``) to measure a parse's peak memory in a fresh process."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

STAFF_HEADER = ["Personalnummer", "Vorname", "Nachname", "Organisationseinheit", "Bereich"]


def small_workbook(rows: list[list[object]] | None = None) -> bytes:
    """A valid staff workbook with a header and two rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(STAFF_HEADER)
    for row in rows or [["1", "Anna", "Muster", "10", "Amt"], ["2", "Ben", "Beispiel", "10", ""]]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite(content: bytes, change: dict[str, bytes | None], add: dict[str, bytes]) -> bytes:
    """The workbook with members replaced (``change``: name → new bytes, or None to
    transform with ``add``) and members added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = change.get(item.filename) or source.read(item.filename)
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in add.items():
            target.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet_xml(content: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


def lying_dimension_xlsx(far_row: bool = True) -> bytes:
    """Three rows of five cells, but the sheet says ``<dimension ref="A1:XFD1048576"/>``
    and (``far_row``) one more cell stands in row 1,048,576: a reader that trusts the
    dimension pads every row in between to 16,384 cells (the 4.9 KB file of issue 13)."""
    content = small_workbook()
    sheet = re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', _sheet_xml(content)
    )
    if far_row:
        sheet = sheet.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>z</t></is></c></row>'
            b"</sheetData>",
        )
    assert b"XFD1048576" in sheet
    return _rewrite(content, {"xl/worksheets/sheet1.xml": sheet}, {})


def undeclared_wide_xlsx(rows: int = 2_000) -> bytes:
    """No ``<dimension>`` at all, and every row has one cell in column XFD: a reader that
    pads each row to its last cell builds 16,384 cells per row."""
    content = small_workbook()
    sheet = re.sub(rb"<dimension [^>]*/>", b"", _sheet_xml(content))
    extra = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="XFD%d" t="inlineStr"><is><t>y</t></is></c></row>' % (n, n, n)
        for n in range(4, rows + 4)
    )
    sheet = sheet.replace(b"</sheetData>", extra + b"</sheetData>")
    return _rewrite(content, {"xl/worksheets/sheet1.xml": sheet}, {})


_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _with_shared_strings(strings: bytes, prolog: bytes = b"", sheet_prolog: bytes = b"") -> bytes:
    """The small workbook with a shared strings part ``<si><t>strings</t></si>`` that a
    cell in row 9 uses (and ``prolog`` before the part's root element)."""
    content = small_workbook()
    archive = zipfile.ZipFile(io.BytesIO(content))
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
        + _STRINGS_TYPE
        + b'"/></Types>',
    )
    sheet = _sheet_xml(content).replace(
        b"</sheetData>", b'<row r="9"><c r="A9" t="s"><v>0</v></c></row></sheetData>'
    )
    part = (
        prolog + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>' + strings + b"</t></si></sst>"
    )
    return _rewrite(
        content,
        {"[Content_Types].xml": types, "xl/worksheets/sheet1.xml": sheet_prolog + sheet},
        {"xl/sharedStrings.xml": part},
    )


def zip_bomb_xlsx(megabytes: int = 200) -> bytes:
    """A shared string of ``megabytes`` MB of one repeated letter: deflate packs it about
    1000:1, and openpyxl reads shared strings whole, even in read-only mode."""
    return _with_shared_strings(b"A" * (megabytes * 1024 * 1024))


LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%s;" % (b"" if n == 1 else b"%d" % (n - 1))) * 10)
        for n in range(1, 10)
    )
    + b"]>\n"
)


def billion_laughs_xlsx(part: str = "sheet") -> bytes:
    """An entity that expands to 10⁹ ``lol`` in the sheet (``part="sheet"``) or in the
    shared strings (``part="strings"``)."""
    if part == "sheet":
        content = small_workbook()
        sheet = _sheet_xml(content).replace(
            b"</sheetData>",
            b'<row r="9"><c r="A9" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>',
        )
        return _rewrite(content, {"xl/worksheets/sheet1.xml": LAUGHS + sheet}, {})
    return _with_shared_strings(b"&lol9;", prolog=LAUGHS)


def many_members_xlsx(members: int = 3_000) -> bytes:
    """A workbook with thousands of tiny extra parts."""
    return _rewrite(small_workbook(), {}, {f"xl/media/x{n}.bin": b"" for n in range(members)})


# ---------------------------------------------------------------------------
# Text files
# ---------------------------------------------------------------------------


def csv_long_cells(header: str, columns: int, chars: int = 10_000) -> bytes:
    """A CSV whose data row has ``chars``-character cells."""
    return (header + "\n" + ";".join(["x" * chars] * columns) + "\n").encode()


def csv_nul(header: str, row: str) -> bytes:
    return (header + "\n" + row.replace(";", ";\x00", 1) + "\n").encode()


def csv_many_rows(header: str, row: str, rows: int) -> bytes:
    return (header + "\n" + (row + "\n") * rows).encode()


def csv_many_columns(header: str, row: str, columns: int) -> bytes:
    return (header + "\n" + row + ";" * columns + "\n").encode()


def deep_json(levels: int = 100_000) -> bytes:
    """``{"code": [[[[…]]]]}`` nested ``levels`` deep."""
    return b'{"code": ' + b"[" * levels + b"]" * levels + b"}"


def long_number_json(digits: int = 10_000) -> bytes:
    """A framework whose version is a number of ``digits`` digits."""
    return b'{"code": "X", "version": ' + b"7" * digits + b', "areas": []}'


def infinite_number_json() -> bytes:
    return b'{"code": "X", "version": 1e999, "areas": []}'


# ---------------------------------------------------------------------------
# Peak memory of one parse, in a fresh process
# ---------------------------------------------------------------------------

FILES = {
    "lying-dimension": (lying_dimension_xlsx, "staff.xlsx"),
    "undeclared-wide": (undeclared_wide_xlsx, "staff.xlsx"),
    "zip-bomb": (zip_bomb_xlsx, "staff.xlsx"),
    "laughs-sheet": (lambda: billion_laughs_xlsx("sheet"), "staff.xlsx"),
    "laughs-strings": (lambda: billion_laughs_xlsx("strings"), "staff.xlsx"),
    "deep-json": (deep_json, "framework.json"),
    "long-number-json": (long_number_json, "framework.json"),
}


def _measure(kind: str, path: str) -> None:  # pragma: no cover - runs in a subprocess
    """Parse the hostile file at ``path`` (built by ``_build``) as the upload would and
    print ``outcome peak_kib``.

    The peak is the process's own high-water mark (``VmHWM`` of ``/proc/self/status``):
    ``getrusage``'s ``ru_maxrss`` keeps the peak of the process image before ``exec`` —
    the forking pytest worker's few hundred MB — so it measured the parent, not the parse."""
    filename = FILES[kind][1]
    with open(path, "rb") as fh:
        content = fh.read()
    outcome = "parsed"
    try:
        if filename.endswith(".json"):
            from academy.frameworks.files import read_framework_file

            result = read_framework_file(content, filename)
            outcome = "errors" if result.errors else "parsed"
        else:
            from academy.org.staff_import.files import read_table

            table = read_table(content, filename)
            outcome = "problems" if table.problems else f"parsed:{len(table.rows)}"
    except Exception as exc:
        outcome = type(exc).__name__
    status = Path("/proc/self/status").read_text()
    peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    print(outcome, peak)


def _build(kind: str, path: str) -> None:  # pragma: no cover - runs in a subprocess
    with open(path, "wb") as fh:
        fh.write(FILES[kind][0]())


if __name__ == "__main__":  # pragma: no cover
    {"build": _build, "measure": _measure}[sys.argv[1]](sys.argv[2], sys.argv[3])
