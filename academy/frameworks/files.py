"""Reading competency framework files (CSV or JSON) into rows with line numbers.

Only decoding and shape live here: ``academy.frameworks.rows`` checks the rows,
``academy.frameworks.importer`` compares them with the database and applies them. The file
format is described in ``docs/framework-import.md``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import json.decoder
import json.scanner
from dataclasses import dataclass, field
from typing import Any

from academy.i18n import N_
from academy.imports import limits as guard
from academy.imports import textfiles
from academy.imports.limits import ImportLimits
from academy.spreadsheets import unescape_cell

#: Record types and the words accepted for them in the ``type`` column.
RECORD_TYPES: dict[str, str] = {
    "framework": "framework",
    "rahmen": "framework",
    "level": "level",
    "stufe": "level",
    "area": "area",
    "bereich": "area",
    "competence": "competence",
    "kompetenz": "competence",
}

#: All columns of the CSV format, in the order the export writes them.
COLUMNS: tuple[str, ...] = (
    "type",
    "code",
    "area_code",
    "name_de",
    "name_en",
    "description_de",
    "description_en",
    "level",
    "band_de",
    "band_en",
    "sfia_codes",
    "esco_uri",
    "version",
    "publisher",
    "licence",
    "source_url",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("type", "code", "area_code", "name_de", "name_en", "level")

#: Keys a JSON object may have (besides the nested lists).
JSON_KEYS: dict[str, frozenset[str]] = {
    "framework": frozenset(
        {"code", "name_de", "name_en", "description_de", "description_en", "version"}
        | {"publisher", "licence", "source_url", "levels", "areas", "competences"}
    ),
    "level": frozenset(
        {"level", "name_de", "name_en", "band_de", "band_en", "description_de", "description_en"}
    ),
    "area": frozenset({"code", "name_de", "name_en", "competences"}),
    "competence": frozenset(
        {"code", "area_code", "name_de", "name_en", "description_de", "description_en"}
        | {"sfia_codes", "esco_uri"}
    ),
}

_LINE_KEY = "__line__"
#: The command that imports files over the web's limits (named in the message).
COMMAND = "flask academy import-framework DATEI"


@dataclass
class Issue:
    """An error or warning about the file. ``message`` is an English source string
    (marked ``N_``) with ``%(name)s`` placeholders filled from ``params``."""

    line: int | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class RawRow:
    """One record as read: ``kind`` is normalised (or the original text if unknown);
    ``values`` holds only the fields the file provides (stripped; empty → None)."""

    line: int
    kind: str
    values: dict[str, Any]


@dataclass
class ReadResult:
    """A file read into rows (not yet checked)."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    rows: list[RawRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def read_framework_file(
    data: bytes, filename: str, limits: ImportLimits | None = None
) -> ReadResult:
    """Read a CSV or JSON file (chosen by the name's ending, else by the content). A file
    over ``limits`` (default: the web's) raises ``academy.imports.limits.ImportRefused``."""
    name = (filename or "").lower()
    if name.endswith(".json"):
        return read_json(data, limits)
    if name.endswith((".csv", ".txt")):
        return read_csv(data, limits)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return read_json(data, limits)
    return read_csv(data, limits)


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str | None, str | None, Issue | None]:
    """Bytes → text (see ``academy.imports.textfiles.decode_text``), refusing empty and
    binary files."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, None, Issue(1, N_("The file is empty."))
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, None, Issue(line, N_("The file is not a text file (it contains binary data)."))
    try:
        text, encoding = textfiles.decode_text(data)
    except textfiles.UndecodableText as exc:
        return None, None, Issue(exc.line, textfiles.UNDECODABLE_MESSAGE)
    return text, encoding, None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = unescape_cell(value).strip()  # without the apostrophe the export adds
    return value or None


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def _normalise_header(cell: str) -> str:
    return cell.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def read_csv(data: bytes, limits: ImportLimits | None = None) -> ReadResult:
    limits = limits or guard.import_limits(COMMAND)
    guard.check_size(data, limits)
    result = ReadResult(format="csv")
    text, result.encoding, problem = decode_text(data)
    if problem is not None or text is None:
        result.errors.append(problem or Issue(1, N_("The file is empty.")))
        return result
    lines = text.splitlines(keepends=True)
    offset = 0
    # Excel's "sep=;" hint line
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        result.delimiter = lines[0].strip()[4]
        offset = 1
    while offset < len(lines) and not lines[offset].strip():
        offset += 1
    if offset >= len(lines):
        result.errors.append(Issue(1, N_("The file is empty.")))
        return result
    if result.delimiter is None:
        result.delimiter = textfiles.sniff_separator(lines[offset])
    reader = csv.reader(
        io.StringIO("".join(lines[offset:]), newline=""), delimiter=result.delimiter
    )
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        guard.check_csv_error(exc, offset + 1, limits)
        result.errors.append(
            Issue(offset + 1, N_("The line could not be read: %(detail)s"), {"detail": str(exc)})
        )
        return result
    header_line = offset + 1
    guard.check_record(header_cells, header_line, limits)
    header = [_normalise_header(c) for c in header_cells]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            result.errors.append(
                Issue(header_line, N_("The column %(column)s appears twice."), {"column": name})
            )
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        result.errors.append(
            Issue(
                header_line,
                N_(
                    "Required columns are missing: %(columns)s. "
                    "The first line must name the columns."
                ),
                {"columns": ", ".join(missing)},
            )
        )
        return result
    for name in header:
        if name and name not in COLUMNS:
            result.warnings.append(
                Issue(
                    header_line,
                    N_("The column %(column)s is unknown and ignored."),
                    {"column": name},
                )
            )
    index = {name: i for i, name in enumerate(header) if name in COLUMNS}
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            guard.check_csv_error(exc, offset + previous_end + 1, limits)
            result.errors.append(
                Issue(
                    offset + previous_end + 1,
                    N_("The line could not be read: %(detail)s"),
                    {"detail": str(exc)},
                )
            )
            break
        line = offset + previous_end + 1
        previous_end = reader.line_num
        guard.check_record(cells, line, limits)
        if not any(c.strip() for c in cells):
            continue
        guard.check_row_count(len(result.rows) + 1, limits)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            result.warnings.append(
                Issue(
                    line,
                    N_(
                        "The line has more cells than there are columns; "
                        "the extra cells are ignored."
                    ),
                )
            )
        values = {name: _clean(cells[i]) if i < len(cells) else None for name, i in index.items()}
        kind_text = (values.pop("type") or "").lower()
        if kind_text.startswith("#"):  # a comment line
            continue
        result.rows.append(RawRow(line, RECORD_TYPES.get(kind_text, kind_text), values))
    return result


# ---------------------------------------------------------------------------
# JSON (the shape of the seed files in academy/frameworks/seed/)
# ---------------------------------------------------------------------------


class _LineDecoder(json.JSONDecoder):
    """A JSON decoder that notes each object's starting line under ``__line__``."""

    def __init__(self) -> None:
        super().__init__(**guard.json_number_hooks())  # type: ignore[arg-type]

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            text, start = s_and_end
            obj, end = json.decoder.JSONObject(s_and_end, *args)
            if isinstance(obj, dict):
                obj[_LINE_KEY] = text.count("\n", 0, start) + 1
            return obj, end

        self.parse_object = parse_object  # type: ignore[assignment]
        self.scan_once = json.scanner.py_make_scanner(self)


def _json_value(value: Any) -> tuple[Any, bool]:
    """A JSON value as a field value; the flag says whether its type was acceptable."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        return str(value) if isinstance(value, float) else value, True
    if isinstance(value, str):
        return _clean(value), True
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _clean(", ".join(v.strip() for v in value if v.strip())), True
    return None, False


class _JsonReader:
    def __init__(self, result: ReadResult, limits: ImportLimits) -> None:
        self.result = result
        self.limits = limits

    def row(self, obj: Any, kind: str, parent_line: int, **extra: Any) -> RawRow | None:
        if not isinstance(obj, dict):
            self.result.errors.append(
                Issue(
                    parent_line,
                    N_("An entry of type %(type)s must be an object {…}."),
                    {"type": kind},
                )
            )
            return None
        line = obj.get(_LINE_KEY, parent_line)
        guard.check_row_count(len(self.result.rows) + 1, self.limits)
        values: dict[str, Any] = dict(extra)
        for key, raw in obj.items():
            if key == _LINE_KEY or key in ("levels", "areas", "competences"):
                continue
            if isinstance(raw, str):
                guard.check_value(raw, line, self.limits)
            if key not in JSON_KEYS[kind]:
                self.result.warnings.append(
                    Issue(line, N_("The field %(column)s is unknown and ignored."), {"column": key})
                )
                continue
            value, ok = _json_value(raw)
            if not ok:
                self.result.errors.append(
                    Issue(
                        line, N_("The field %(column)s must be text or a number."), {"column": key}
                    )
                )
                continue
            if key == "code" and isinstance(value, int):
                value = str(value)
            values[key] = value
        return RawRow(line, kind, values)

    def children(self, obj: dict[str, Any], key: str) -> list[Any]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.result.errors.append(
                Issue(
                    obj.get(_LINE_KEY, 1),
                    N_("The field %(column)s must be a list […]."),
                    {"column": key},
                )
            )
            return []
        return value


def read_json(data: bytes, limits: ImportLimits | None = None) -> ReadResult:
    limits = limits or guard.import_limits(COMMAND)
    guard.check_size(data, limits)
    result = ReadResult(format="json")
    text, result.encoding, problem = decode_text(data)
    if problem is not None or text is None:
        result.errors.append(problem or Issue(1, N_("The file is empty.")))
        return result
    try:
        document = guard.checked_json(text, limits, _LineDecoder().decode)
    except json.JSONDecodeError as exc:
        result.errors.append(
            Issue(exc.lineno, N_("The file is not valid JSON: %(detail)s"), {"detail": exc.msg})
        )
        return result
    reader = _JsonReader(result, limits)
    top = reader.row(document, "framework", 1)
    if top is None:
        return result
    result.rows.append(top)
    for level in reader.children(document, "levels"):
        row = reader.row(level, "level", top.line)
        if row is not None:
            result.rows.append(row)
    for area in reader.children(document, "areas"):
        row = reader.row(area, "area", top.line)
        if row is None:
            continue
        result.rows.append(row)
        for competence in reader.children(area, "competences"):
            child = reader.row(competence, "competence", row.line, area_code=row.values.get("code"))
            if child is not None:
                result.rows.append(child)
    for competence in reader.children(document, "competences"):
        row = reader.row(competence, "competence", top.line)
        if row is not None:
            result.rows.append(row)
    return result
