"""Reading Excel workbooks (.xlsx) so that no file can hold a worker.

Before openpyxl sees the file, ``check_workbook`` looks at the ZIP archive: the number of
parts, the unpacked size and its ratio to the file's size (zip bombs), a DOCTYPE or
ENTITY declaration at the top of any XML part (entity expansion, "billion laughs"; openpyxl
also parses with defusedxml), and the first worksheet's declared ``<dimension ref=…>``
read from its first bytes. ``sheet_rows`` then streams the first worksheet in read-only
mode, ignoring the declared dimension (openpyxl would pad every row to it), and stops at
the row and column limits.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl.utils.cell import range_boundaries

from academy.i18n import N_
from academy.imports.limits import MB, ImportLimits, ImportRefused, check_size, over_limit

#: Rows above the header a sheet may have (titles, notes) besides the data rows.
HEADER_ROWS = 100
#: Bytes read from the start of each XML part (prolog, DOCTYPE, the sheet's dimension).
HEAD_BYTES = 64 * 1024
#: Parts smaller than this may be packed as densely as they like.
SMALL_PART = MB

_ROOT = re.compile(rb"<[A-Za-z_]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"')
_SHEET_ID = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\s(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def check_workbook(content: bytes, limits: ImportLimits) -> None:
    """Refuse a workbook whose archive or declared size is absurd (see the module)."""
    check_size(content, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # no workbook at all: openpyxl fails at once and the importer says so
    with archive:
        parts = archive.infolist()
        _check_archive(parts, len(content), limits)
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")):
                _check_prolog(_head(archive, part.filename))
        sheet = _first_sheet(archive)
        if sheet is not None:
            _check_dimension(_head(archive, sheet), limits)


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of a part (empty if the part is damaged: openpyxl fails on it too,
    and the importer says the file cannot be read)."""
    try:
        with archive.open(name) as part:
            return part.read(HEAD_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError):
        return b""


def _check_archive(parts: list[zipfile.ZipInfo], size: int, limits: ImportLimits) -> None:
    if len(parts) > limits.max_xlsx_parts:
        raise ImportRefused(
            N_("The workbook consists of %(count)s parts; at most %(limit)s are accepted."),
            count=len(parts),
            limit=limits.max_xlsx_parts,
        )
    unpacked = sum(part.file_size for part in parts)
    ratio = limits.max_xlsx_ratio
    dense = unpacked > ratio * max(size, 1) or any(
        part.file_size > SMALL_PART and part.file_size > ratio * max(part.compress_size, 1)
        for part in parts
    )
    if dense:
        raise ImportRefused(
            N_(
                "The workbook unpacks to more than %(ratio)s times its size; such files "
                "(zip bombs) are refused. Please save it again in Excel or as CSV."
            ),
            ratio=ratio,
        )
    if unpacked > limits.max_xlsx_unpacked_bytes:
        over_limit(
            limits,
            N_("The workbook unpacks to more than %(limit)s MB."),
            N_(
                "The workbook unpacks to more than %(limit)s MB. Larger files can be "
                "imported on the server with the command %(command)s."
            ),
            limit=limits.max_xlsx_unpacked_bytes // MB,
        )


def _check_prolog(head: bytes) -> None:
    """No DOCTYPE (and so no entity declarations) before the root element of a part."""
    root = _ROOT.search(head)
    prolog = head[: root.start()] if root else head
    if (
        b"<!DOCTYPE" in prolog
        or b"<!ENTITY" in prolog
        or (root is None and len(head) >= HEAD_BYTES)
    ):
        raise ImportRefused(
            N_(
                "The workbook contains XML entity declarations (DOCTYPE), which Excel never "
                "writes; it is refused."
            )
        )


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first worksheet (None if the workbook does not say)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    match = _SHEET_ID.search(_head(archive, "xl/workbook.xml"))
    if match is None:
        return None
    for tag in _RELATIONSHIP.findall(_head(archive, "xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get(b"Id") == match.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            path = posixpath.normpath(path)
            return path if path in names else None
    return None


def _check_dimension(head: bytes, limits: ImportLimits) -> None:
    match = _DIMENSION.search(head)
    if match is None:
        return
    min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode().upper())
    max_col = max_col or min_col or 1
    max_row = max_row or min_row or 1
    if max_row > limits.max_rows + HEADER_ROWS or max_col > limits.max_columns:
        raise ImportRefused(
            N_(
                "The worksheet says it has %(rows)s rows and %(columns)s columns; at most "
                "%(max_rows)s rows and %(max_columns)s columns can be imported. Please delete "
                "empty rows and columns below and beside the data, or save the sheet as CSV."
            ),
            rows=max_row,
            columns=max_col,
            max_rows=limits.max_rows,
            max_columns=limits.max_columns,
        )


def sheet_rows(content: bytes, limits: ImportLimits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number, cells)`` of the first worksheet, streamed in read-only mode; each
    row is as wide as its last cell. Refuses the file (``ImportRefused``) at the first row
    past the row limit or wider than the column limit; the workbook is closed in any case.
    Files that openpyxl cannot read raise its own errors (``ValueError``, ``KeyError`` …)."""
    from openpyxl import load_workbook

    check_workbook(content, limits)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # never pad rows to what the file declares
        last, filled = limits.max_rows + HEADER_ROWS, 0
        for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
            filled += 1 if cells else 0  # the header and the data rows
            if number > last or filled > limits.max_rows + 1:
                over_limit(
                    limits,
                    N_("The worksheet has more than %(limit)s rows."),
                    N_(
                        "The worksheet has more than %(limit)s rows. Larger files can be "
                        "imported on the server with the command %(command)s."
                    ),
                    limit=limits.max_rows,
                )
            if len(cells) > limits.max_columns:
                raise ImportRefused(
                    N_("Row %(line)s of the worksheet has more than %(limit)s columns."),
                    line=number,
                    limit=limits.max_columns,
                )
            yield number, cells
    finally:
        workbook.close()
