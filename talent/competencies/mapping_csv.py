"""Reading and checking a CSV file of competence mappings: decoding and shape
(``read_mapping_csv``), then every row against the database (``parse_mapping_csv``),
each problem with its line number. Applying a checked file is ``talent.competencies.mappings``.

Columns (the first line names them, in any order): ``source_framework``,
``source_code``, ``target_framework``, ``target_code`` and optionally ``relation``
(empty: equivalent). Separator ``;``, ``,`` or tab; UTF-8 (with or without BOM) or
Windows-1252, as Excel writes them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from academy.extensions import db
from academy.frameworks.files import Issue
from academy.frameworks.models import Competence, Framework
from academy.i18n import N_
from academy.imports import limits as guard
from academy.imports import textfiles
from academy.imports.limits import ImportLimits
from talent.competencies.models import CompetenceMapping

COLUMNS: tuple[str, ...] = (
    "source_framework",
    "source_code",
    "target_framework",
    "target_code",
    "relation",
)
REQUIRED_COLUMNS: tuple[str, ...] = COLUMNS[:4]

#: How the target relates to the source; the first is the default.
RELATIONS: tuple[str, ...] = ("equivalent", "broader", "narrower", "related")
RELATION_LABELS: dict[str, str] = {
    "equivalent": N_("equivalent"),
    "broader": N_("broader (the target covers more)"),
    "narrower": N_("narrower (the target covers less)"),
    "related": N_("related"),
}
#: German words accepted in the file's relation column.
RELATION_ALIASES: dict[str, str] = {
    "gleichwertig": "equivalent",
    "entspricht": "equivalent",
    "weiter": "broader",
    "umfassender": "broader",
    "enger": "narrower",
    "spezieller": "narrower",
    "verwandt": "related",
}


def normalise_relation(value: str | None) -> str | None:
    """The relation's key for a value from a form or file (empty → the default)."""
    text = (value or "").strip().lower()
    if not text:
        return RELATIONS[0]
    if text in RELATIONS:
        return text
    return RELATION_ALIASES.get(text)


def same_framework_error(source: Competence, target: Competence) -> str | None:
    """The message (``%(framework)s``) if both belong to one framework, else None."""
    if source.framework_id == target.framework_id:
        return N_(
            "Source and target belong to the same framework %(framework)s; a mapping connects "
            "two different frameworks."
        )
    return None


@dataclass
class MappingFileRow:
    line: int
    values: dict[str, str | None]


@dataclass
class MappingFile:
    encoding: str | None = None
    delimiter: str | None = None
    rows: list[MappingFileRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def _header(cell: str) -> str:
    return cell.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _error(result: MappingFile, line: int, message: str, **params: Any) -> MappingFile:
    result.errors.append(Issue(line, message, params))
    return result


def read_mapping_csv(data: bytes, limits: ImportLimits | None = None) -> MappingFile:
    """The file's rows (blank lines skipped), each with the line it starts on. A file over
    ``limits`` (default: the web's) raises ``academy.imports.limits.ImportRefused``."""
    limits = limits or guard.import_limits()
    guard.check_size(data, limits)
    result = MappingFile()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return _error(result, 1, N_("The file is empty."))
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return _error(result, line, N_("The file is not a text file (it contains binary data)."))
    try:
        text, result.encoding = textfiles.decode_text(data)
    except textfiles.UndecodableText as exc:
        return _error(result, exc.line, textfiles.UNDECODABLE_MESSAGE)
    lines = text.splitlines(keepends=True)
    offset = 0
    first = lines[0].strip().lower() if lines else ""
    if first.startswith("sep=") and len(first) == 5:  # Excel's separator hint
        result.delimiter = first[4]
        offset = 1
    while offset < len(lines) and not lines[offset].strip():
        offset += 1
    if offset >= len(lines):
        return _error(result, 1, N_("The file is empty."))
    if result.delimiter is None:
        result.delimiter = textfiles.sniff_separator(lines[offset])
    reader = csv.reader(
        io.StringIO("".join(lines[offset:]), newline=""), delimiter=result.delimiter
    )
    header_line = offset + 1
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        guard.check_csv_error(exc, header_line, limits)
        return _error(
            result, header_line, N_("The line could not be read: %(detail)s"), detail=str(exc)
        )
    guard.check_record(header_cells, header_line, limits)
    header = [_header(c) for c in header_cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return _error(
            result,
            header_line,
            N_("Required columns are missing: %(columns)s. The first line must name the columns."),
            columns=", ".join(missing),
        )
    for name in sorted({h for h in header if h and header.count(h) > 1}):
        _error(result, header_line, N_("The column %(column)s appears twice."), column=name)
    for name in header:
        if name and name not in COLUMNS:
            result.warnings.append(
                Issue(
                    header_line,
                    N_("The column %(column)s is unknown and ignored."),
                    {"column": name},
                )
            )
    index = {name: header.index(name) for name in COLUMNS if name in header}
    previous_end = reader.line_num
    while True:
        line = offset + previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            guard.check_csv_error(exc, line, limits)
            _error(result, line, N_("The line could not be read: %(detail)s"), detail=str(exc))
            break
        previous_end = reader.line_num
        guard.check_record(cells, line, limits)
        if not any(c.strip() for c in cells):
            continue
        guard.check_row_count(len(result.rows) + 1, limits)
        values = {name: _clean(cells[i]) if i < len(cells) else None for name, i in index.items()}
        result.rows.append(MappingFileRow(line, values))
    return result


# ---------------------------------------------------------------------------
# CSV import: preview
# ---------------------------------------------------------------------------


@dataclass
class MappingImportRow:
    line: int
    source: Competence
    target: Competence
    relation: str
    status: str = "new"  # new | changed (relation) | unchanged
    old_relation: str | None = None


@dataclass
class MappingImportPreview:
    """What applying a file would do. With ``errors`` it cannot be applied."""

    filename: str
    encoding: str | None = None
    delimiter: str | None = None
    rows: list[MappingImportRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.status for r in self.rows)
        return {s: found.get(s, 0) for s in ("new", "changed", "unchanged")}

    def summary(self) -> dict[str, Any]:
        return {"errors": len(self.errors), "rows": len(self.rows), **self.counts}


def _competences_by_code(
    rows: list[dict[str, str | None]],
) -> tuple[dict[str, Framework], dict[tuple[int, str], Competence]]:
    """Frameworks named in the file (by lower-case code) and their competences (by
    framework id and lower-case code): two queries for the whole file."""
    codes = {
        (row.get(col) or "").lower()
        for row in rows
        for col in ("source_framework", "target_framework")
    }
    codes.discard("")
    if not codes:
        return {}, {}
    # Few frameworks exist: match their codes here (SQL's lower() differs per engine for
    # letters like Ü).
    frameworks = {
        fw.code.lower(): fw
        for fw in db.session.scalars(select(Framework))
        if fw.code.lower() in codes
    }
    competences = {
        (c.framework_id, c.code.lower()): c
        for c in db.session.scalars(
            select(Competence).where(
                Competence.framework_id.in_([f.id for f in frameworks.values()])
            )
        )
    }
    return frameworks, competences


def parse_mapping_csv(data: bytes, filename: str) -> MappingImportPreview:
    """Check a mapping file against the database: every problem with its line number."""
    read = read_mapping_csv(data)
    preview = MappingImportPreview(
        filename=filename,
        encoding=read.encoding,
        delimiter=read.delimiter,
        errors=list(read.errors),
        warnings=list(read.warnings),
    )
    if read.errors and not read.rows:
        return preview
    frameworks, competences = _competences_by_code([r.values for r in read.rows])

    def error(line: int, message: str, **params: Any) -> None:
        preview.errors.append(Issue(line, message, params))

    def competence(line: int, values: dict[str, str | None], side: str) -> Competence | None:
        fw_code = values.get(f"{side}_framework")
        code = values.get(f"{side}_code")
        if not fw_code or not code:
            for column in (f"{side}_framework", f"{side}_code"):
                if not values.get(column):
                    error(line, N_("The column %(column)s is empty."), column=column)
            return None
        framework = frameworks.get(fw_code.lower())
        if framework is None:
            error(line, N_("The framework %(code)s does not exist."), code=fw_code)
            return None
        found = competences.get((framework.id, code.lower()))
        if found is None:
            error(
                line,
                N_("The competence %(code)s does not exist in the framework %(framework)s."),
                code=code,
                framework=framework.code,
            )
        return found

    first_line: dict[tuple[int, int], int] = {}
    checked: list[MappingImportRow] = []
    for row in read.rows:
        source = competence(row.line, row.values, "source")
        target = competence(row.line, row.values, "target")
        relation = normalise_relation(row.values.get("relation"))
        if relation is None:
            error(
                row.line,
                N_(
                    "The relation %(value)s is unknown; use equivalent, broader, narrower "
                    "or related."
                ),
                value=row.values.get("relation"),
            )
        if source is None or target is None or relation is None:
            continue
        message = same_framework_error(source, target)
        if message:
            error(row.line, message, framework=source.framework.code)
            continue
        pair = (source.id, target.id)
        if pair in first_line:
            error(
                row.line,
                N_("The mapping %(source)s → %(target)s appears twice (first in line %(first)s)."),
                source=source.code,
                target=target.code,
                first=first_line[pair],
            )
            continue
        first_line[pair] = row.line
        checked.append(MappingImportRow(row.line, source, target, relation))
    if not read.rows and not preview.errors:
        error(1, N_("The file contains no mappings."))
    compare_with_database(checked)
    preview.rows = checked
    preview.errors.sort(key=lambda e: e.line or 0)
    return preview


def compare_with_database(rows: list[MappingImportRow]) -> dict[tuple[int, int], CompetenceMapping]:
    """Mark each row new, changed (another relation) or unchanged (one query); return
    the existing mappings of the rows' sources by (source id, target id)."""
    sources = {r.source.id for r in rows}
    existing = {
        (m.source_id, m.target_id): m
        for m in (
            db.session.scalars(
                select(CompetenceMapping).where(CompetenceMapping.source_id.in_(sources))
            )
            if sources
            else []
        )
    }
    for row in rows:
        found = existing.get((row.source.id, row.target.id))
        if found is None:
            row.status = "new"
        elif found.relation != row.relation:
            row.status, row.old_relation = "changed", found.relation
        else:
            row.status = "unchanged"
    return existing
