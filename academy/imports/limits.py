"""Limits for every import, checked before a file is parsed, so that no upload can hold a
worker: size, rows, columns, cell length, NUL bytes (CSV), nesting depth and numbers (JSON);
the checks of Excel workbooks are in ``academy.imports.workbooks``.

The settings (``DEFAULTS`` in ``academy.config``, each readable from the environment):

``IMPORT_MAX_BYTES``               largest file (bytes)
``IMPORT_MAX_ROWS``                most data rows
``IMPORT_MAX_COLUMNS``             most columns in a row
``IMPORT_MAX_CELL_CHARS``          longest cell (characters)
``IMPORT_MAX_XLSX_RATIO``          highest unpacked/packed ratio of a workbook (zip bombs)
``IMPORT_MAX_XLSX_UNPACKED_BYTES`` largest unpacked workbook (bytes)
``IMPORT_MAX_XLSX_PARTS``          most parts (files) in a workbook
``IMPORT_MAX_JSON_DEPTH``          deepest nesting of a JSON file
``IMPORT_CLI_FACTOR``              the command line allows this many times the bytes and rows

A file over a limit raises ``ImportRefused`` (a ``ValidationFailed`` at the field ``file``):
the page shows the message at the upload field with status 422 and stores nothing; on
the web, a file too large or too long names the command that imports it on the server.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context

from academy.config import DEFAULTS
from academy.errors import ValidationFailed
from academy.i18n import N_

MB = 1024 * 1024
#: Longest number (characters) a JSON file may hold; Python refuses ints over 4300 digits.
MAX_NUMBER_CHARS = 100

__all__ = [
    "ImportLimits",
    "ImportRefused",
    "check_csv_error",
    "check_json_depth",
    "check_record",
    "check_row_count",
    "check_size",
    "check_text",
    "check_value",
    "checked_json",
    "import_limits",
    "json_number_hooks",
]


class ImportRefused(ValidationFailed):
    """A file over an import limit (or built to exhaust the server): nothing was read,
    stored or changed. The message belongs at the upload field ``file``."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message, field="file", **params)


@dataclass(frozen=True)
class ImportLimits:
    """The limits for one import. ``command`` is the command that imports larger files on
    the server (named in the message for a file too large or too long), None on the CLI."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xlsx_ratio: int
    max_xlsx_unpacked_bytes: int
    max_xlsx_parts: int
    max_json_depth: int
    command: str | None = None


def _setting(key: str) -> int:
    config: Any = current_app.config if has_app_context() else DEFAULTS
    return int(config.get(key, DEFAULTS[key]))


def import_limits(command: str | None = None, *, cli: bool = False) -> ImportLimits:
    """The configured limits (``DEFAULTS`` outside an application). ``cli``: the command
    line's limits, ``IMPORT_CLI_FACTOR`` times the bytes and rows of the web's."""
    factor = max(_setting("IMPORT_CLI_FACTOR"), 1) if cli else 1
    limits = ImportLimits(
        max_bytes=_setting("IMPORT_MAX_BYTES") * factor,
        max_rows=_setting("IMPORT_MAX_ROWS") * factor,
        max_columns=_setting("IMPORT_MAX_COLUMNS"),
        max_cell_chars=_setting("IMPORT_MAX_CELL_CHARS"),
        max_xlsx_ratio=_setting("IMPORT_MAX_XLSX_RATIO"),
        max_xlsx_unpacked_bytes=_setting("IMPORT_MAX_XLSX_UNPACKED_BYTES") * factor,
        max_xlsx_parts=_setting("IMPORT_MAX_XLSX_PARTS"),
        max_json_depth=_setting("IMPORT_MAX_JSON_DEPTH"),
        command=None if cli else command,
    )
    if limits.max_cell_chars > csv.field_size_limit():
        csv.field_size_limit(limits.max_cell_chars)
    return limits


# The csv module's limit is global: set once, to the default cell limit (a configured larger
# limit raises it in ``import_limits``). A longer field stops the reader with csv.Error.
csv.field_size_limit(int(DEFAULTS["IMPORT_MAX_CELL_CHARS"]))


def over_limit(limits: ImportLimits, message: str, with_command: str, **params: Any) -> None:
    """Refuse a file over a limit the command line lifts (bytes, rows): on the web the
    message (``with_command``) names the command."""
    if limits.command:
        raise ImportRefused(with_command, command=limits.command, **params)
    raise ImportRefused(message, **params)


def megabytes(size: int) -> int:
    return max(1, size // MB)


def check_size(content: bytes, limits: ImportLimits) -> None:
    if len(content) > limits.max_bytes:
        over_limit(
            limits,
            N_("The file is larger than %(limit)s MB."),
            N_(
                "The file is larger than %(limit)s MB. Larger files can be imported on the "
                "server with the command %(command)s."
            ),
            limit=megabytes(limits.max_bytes),
        )


def check_row_count(count: int, limits: ImportLimits) -> None:
    """``count`` data rows read so far: refuse once it passes the limit (call per row)."""
    if count > limits.max_rows:
        over_limit(
            limits,
            N_("The file has more than %(limit)s rows."),
            N_(
                "The file has more than %(limit)s rows. Larger files can be imported on the "
                "server with the command %(command)s."
            ),
            limit=limits.max_rows,
        )


def check_text(text: str) -> None:
    """A text file holds no NUL character (binary data or a disguised file)."""
    at = text.find("\x00")
    if at >= 0:
        raise ImportRefused(
            N_(
                "The file contains binary data (a NUL byte in line %(line)s); "
                "it is not a text file."
            ),
            line=text.count("\n", 0, at) + 1,
        )


def check_value(value: str, line: int | None, limits: ImportLimits) -> None:
    if len(value) > limits.max_cell_chars:
        raise ImportRefused(
            N_("Line %(line)s has a value with more than %(limit)s characters."),
            line=line or 1,
            limit=limits.max_cell_chars,
        )


def check_record(cells: list[str], line: int, limits: ImportLimits) -> None:
    """One CSV record: at most ``max_columns`` cells of at most ``max_cell_chars``."""
    if len(cells) > limits.max_columns:
        raise ImportRefused(
            N_("Line %(line)s has more than %(limit)s columns."),
            line=line,
            limit=limits.max_columns,
        )
    for cell in cells:
        check_value(cell, line, limits)


def check_csv_error(error: csv.Error, line: int, limits: ImportLimits) -> None:
    """The csv module stopped at a field over ``csv.field_size_limit``: refuse it as too
    long a value; any other CSV error is left to the importer's own message."""
    if "field larger than field limit" in str(error):
        raise ImportRefused(
            N_("Line %(line)s has a value with more than %(limit)s characters."),
            line=line,
            limit=limits.max_cell_chars,
        )


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

#: A string (skipped) or a bracket; possessive, so an unclosed string cannot backtrack.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def check_json_depth(text: str, limits: ImportLimits) -> None:
    """Refuse nesting deeper than ``max_json_depth`` before ``json`` recurses into it."""
    depth = 0
    deepest = limits.max_json_depth
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > deepest:
                raise ImportRefused(
                    N_("The JSON file is nested more than %(limit)s levels deep."), limit=deepest
                )
        elif token in ("]", "}"):
            depth -= 1


def checked_json(text: str, limits: ImportLimits, decode: Callable[[str], Any]) -> Any:
    """``decode(text)`` after the depth check; a RecursionError that slips through (a
    decoder deeper per level than counted) is refused the same way."""
    check_json_depth(text, limits)
    try:
        return decode(text)
    except RecursionError as exc:
        raise ImportRefused(
            N_("The JSON file is nested more than %(limit)s levels deep."),
            limit=limits.max_json_depth,
        ) from exc


def _refuse_number(text: str) -> ImportRefused:
    if len(text) > MAX_NUMBER_CHARS:
        return ImportRefused(
            N_("The file contains a number with more than %(limit)s digits."),
            limit=MAX_NUMBER_CHARS,
        )
    return ImportRefused(
        N_("The file contains a number that cannot be imported: %(value)s."), value=text
    )


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _refuse_number(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _refuse_number(text)
    value = float(text)
    if not math.isfinite(value):
        raise _refuse_number(text)
    return value


def _parse_constant(name: str) -> Any:
    raise _refuse_number(name)


def json_number_hooks() -> dict[str, Callable[[str], Any]]:
    """``json.JSONDecoder`` arguments that refuse overlong numbers, ``1e999`` (infinite)
    and ``NaN``/``Infinity`` with a message instead of a ValueError or ``inf``."""
    return {"parse_int": _parse_int, "parse_float": _parse_float, "parse_constant": _parse_constant}
