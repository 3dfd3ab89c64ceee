"""Checking the rows of a framework file: every record type's required fields, lengths,
codes, level numbers, duplicates and links, each problem with its line number. Needs no
database; ``academy.frameworks.importer`` then checks references against the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from academy.frameworks.files import Issue, RawRow
from academy.i18n import N_

if TYPE_CHECKING:
    from academy.frameworks.importer import FrameworkImportPreview


@dataclass
class ImportRecord:
    """One checked record: ``key`` is the code (the number for levels); ``values`` the
    model fields the file sets. ``status`` is filled in by comparing with the database."""

    kind: str
    key: Any
    line: int
    values: dict[str, Any]
    area_code: str | None = None
    status: str = "new"  # new | changed | unchanged
    changed_fields: list[str] = field(default_factory=list)

    def name(self, lang: str) -> str:
        return self.values.get(f"name_{lang}") or self.values.get("name_de") or ""


# ---------------------------------------------------------------------------
# Checking rows (everything that needs no database)
# ---------------------------------------------------------------------------

#: Fields per record type with their maximum length (None: unlimited text).
FIELDS: dict[str, dict[str, int | None]] = {
    "framework": {
        "name_de": 200,
        "name_en": 200,
        "description_de": None,
        "description_en": None,
        "version": 40,
        "publisher": 200,
        "licence": 100,
        "source_url": 500,
    },
    "level": {
        "name_de": 100,
        "name_en": 100,
        "band_de": 100,
        "band_en": 100,
        "description_de": None,
        "description_en": None,
    },
    "area": {"name_de": 300, "name_en": 300},
    "competence": {
        "name_de": 300,
        "name_en": 300,
        "description_de": None,
        "description_en": None,
        "sfia_codes": 100,
        "esco_uri": 300,
    },
}
CODE_LENGTH = {"framework": 40, "area": 20, "competence": 20}
SFIA_CODE = re.compile(r"^[A-Z]{4}$")
MAX_LEVEL = 20


class _Checker:
    def __init__(self, result: FrameworkImportPreview) -> None:
        self.result = result
        self.first_line: dict[tuple[str, Any], int] = {}

    def error(self, line: int | None, message: str, **params: Any) -> None:
        self.result.errors.append(Issue(line, message, params))

    def values(self, row: RawRow) -> dict[str, Any] | None:
        """The row's known fields, checked; None if one of them is not acceptable."""
        spec = FIELDS[row.kind]
        values = {k: v for k, v in row.values.items() if k in spec}
        ok = True
        for key in ("name_de", "name_en"):
            if row.kind != "level" and not values.get(key):
                self.error(row.line, N_("The name (column %(column)s) is empty."), column=key)
                ok = False
        for key, limit in spec.items():
            value = values.get(key)
            if limit is not None and isinstance(value, str) and len(value) > limit:
                self.error(
                    row.line,
                    N_("%(column)s is too long (at most %(max)s characters)."),
                    column=key,
                    max=limit,
                )
                ok = False
        if row.kind == "competence":
            ok = self.links(row, values) and ok
        return values if ok else None

    def links(self, row: RawRow, values: dict[str, Any]) -> bool:
        ok = True
        if values.get("sfia_codes"):
            codes = [c.upper() for c in re.split(r"[\s,;/]+", values["sfia_codes"]) if c]
            for code in codes:
                if not SFIA_CODE.match(code):
                    self.error(
                        row.line,
                        N_("The SFIA code %(value)s is not valid (four letters, e.g. PRMG)."),
                        value=code,
                    )
                    ok = False
            values["sfia_codes"] = ", ".join(codes) or None
        uri = values.get("esco_uri")
        if uri and not uri.startswith(("http://", "https://")):
            self.error(
                row.line,
                N_("The ESCO link %(value)s is not a web address (http:// or https://)."),
                value=uri,
            )
            ok = False
        return ok

    def code(self, row: RawRow) -> str | None:
        code = row.values.get("code")
        code = str(code) if code is not None else None
        if not code:
            self.error(row.line, N_("The code is empty."))
            return None
        if len(code) > CODE_LENGTH[row.kind]:
            self.error(
                row.line,
                N_("The code %(code)s is too long (at most %(max)s characters)."),
                code=code,
                max=CODE_LENGTH[row.kind],
            )
            return None
        return code

    def unique(self, row: RawRow, key: Any) -> bool:
        first = self.first_line.setdefault((row.kind, key), row.line)
        if first == row.line:
            return True
        if row.kind == "level":
            message = N_("Level %(code)s appears twice (first in line %(first)s).")
        else:
            message = N_("The code %(code)s appears twice (first in line %(first)s).")
        self.error(row.line, message, code=key, first=first)
        return False

    def level_number(self, row: RawRow) -> int | None:
        raw = row.values.get("level")
        if raw is None:
            self.error(row.line, N_("The level number (column level) is empty."))
            return None
        try:
            number = int(str(raw).strip())
        except ValueError:
            self.error(row.line, N_("The level %(value)s is not a whole number."), value=raw)
            return None
        if not 0 <= number <= MAX_LEVEL:
            self.error(
                row.line,
                N_("The level %(value)s must be between 0 and %(max)s."),
                value=number,
                max=MAX_LEVEL,
            )
            return None
        return number


def check_rows(rows: list[RawRow], result: FrameworkImportPreview) -> None:
    """Turn the rows into checked records; every problem becomes an error with its line."""
    check = _Checker(result)
    framework_line: int | None = None
    for row in rows:
        if row.kind == "framework":
            if framework_line is not None:
                check.error(
                    row.line,
                    N_(
                        "A second framework row: a file describes one framework (the first is "
                        "in line %(first)s)."
                    ),
                    first=framework_line,
                )
                continue
            framework_line = row.line
            code, values = check.code(row), check.values(row)
            result.framework_code = code
            if code and values is not None:
                result.framework = ImportRecord("framework", code, row.line, values)
        elif row.kind == "level":
            number, values = check.level_number(row), check.values(row)
            if number is not None and check.unique(row, number) and values is not None:
                values["name_de"] = values.get("name_de") or f"Stufe {number}"
                values["name_en"] = values.get("name_en") or f"Level {number}"
                result.levels.append(ImportRecord("level", number, row.line, values))
        elif row.kind == "area":
            code, values = check.code(row), check.values(row)
            if code and check.unique(row, code) and values is not None:
                values["position"] = len(result.areas) + 1
                result.areas.append(ImportRecord("area", code, row.line, values))
        elif row.kind == "competence":
            code, values = check.code(row), check.values(row)
            area_code = row.values.get("area_code")
            if not area_code:
                check.error(
                    row.line,
                    N_("The competence %(code)s has no area (column area_code)."),
                    code=code or "–",
                )
            if code and check.unique(row, code) and values is not None and area_code:
                rec = ImportRecord("competence", code, row.line, values, area_code=str(area_code))
                result.competences.append(rec)
        else:
            check.error(
                row.line,
                N_("Unknown record type %(type)s: use framework, level, area or competence."),
                type=row.kind or "–",
            )
    if framework_line is None:
        check.error(1, N_("The file has no framework row (type framework)."))
    positions: dict[str, int] = {}
    for rec in result.competences:
        positions[rec.area_code or ""] = positions.get(rec.area_code or "", 0) + 1
        rec.values["position"] = positions[rec.area_code or ""]
