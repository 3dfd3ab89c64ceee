"""Importing a competency framework from a file, in two steps: a preview (what would be
created or changed, every error with its line number) and applying it (all or nothing).

Imports upsert by code (framework code, area code, competence code, level number) and
never delete anything: competences may be in use by ratings, course outcomes and role
profiles. Existing entries missing from the file are reported as warnings and kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.frameworks.files import Issue, ReadResult, read_framework_file, read_json
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.frameworks.rows import ImportRecord, check_rows
from academy.i18n import N_
from academy.imports.limits import ImportLimits


@dataclass
class FrameworkImportPreview:
    """What applying a file would do. With ``errors`` it cannot be applied."""

    filename: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    framework_code: str | None = None
    framework: ImportRecord | None = None
    levels: list[ImportRecord] = field(default_factory=list)
    areas: list[ImportRecord] = field(default_factory=list)
    competences: list[ImportRecord] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    existing_id: int | None = None
    missing_competences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.framework is not None

    @property
    def records(self) -> list[ImportRecord]:
        head = [self.framework] if self.framework is not None else []
        return head + self.levels + self.areas + self.competences

    @property
    def counts(self) -> dict[str, int]:
        """How many records are new, changed or unchanged (all types together)."""
        found = Counter(r.status for r in self.records)
        return {s: found.get(s, 0) for s in ("new", "changed", "unchanged")}

    @property
    def has_changes(self) -> bool:
        return any(r.status != "unchanged" for r in self.records)

    def summary(self) -> dict[str, Any]:
        return {
            "framework": self.framework_code,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "levels": len(self.levels),
            "areas": len(self.areas),
            "competences": len(self.competences),
            **self.counts,
        }


# ---------------------------------------------------------------------------
# Preview
# ---------------------------------------------------------------------------


def parse_framework_csv(
    data: bytes, filename: str, limits: ImportLimits | None = None
) -> FrameworkImportPreview:
    """The preview of a framework file. It reads JSON as well (by the file name's ending
    or the content), so the page and the command accept either. A file over ``limits``
    (default: the web's) raises ``academy.imports.limits.ImportRefused``."""
    return _preview(read_framework_file(data, filename, limits), filename)


def parse_framework_json(data: bytes, filename: str) -> FrameworkImportPreview:
    return _preview(read_json(data), filename)


def _preview(read: ReadResult, filename: str) -> FrameworkImportPreview:
    preview = FrameworkImportPreview(
        filename=filename,
        format=read.format,
        encoding=read.encoding,
        delimiter=read.delimiter,
        errors=list(read.errors),
        warnings=list(read.warnings),
    )
    if read.errors and not read.rows:
        return preview
    check_rows(read.rows, preview)
    kinds = {r.kind for r in read.rows}
    _compare(preview, had_levels="level" in kinds, had_competences="competence" in kinds)
    preview.errors.sort(key=lambda e: e.line or 0)
    return preview


def _load_framework(code: str) -> Framework | None:
    """The framework with its levels, areas and competences (four queries in all)."""
    return db.session.scalar(
        select(Framework)
        .where(Framework.code == code)
        .options(
            selectinload(Framework.levels),
            selectinload(Framework.areas).selectinload(CompetenceArea.competences),
        )
    )


def _changes(obj: Any, values: dict[str, Any]) -> list[str]:
    return [k for k, v in values.items() if getattr(obj, k) != v]


def _mark(rec: ImportRecord, obj: Any, extra: list[str] | None = None) -> None:
    if obj is None:
        rec.status = "new"
        return
    rec.changed_fields = _changes(obj, rec.values) + (extra or [])
    rec.status = "changed" if rec.changed_fields else "unchanged"


def _compare(preview: FrameworkImportPreview, *, had_levels: bool, had_competences: bool) -> None:
    """Check what needs the database and mark each record new, changed or unchanged."""
    fw = None
    if preview.framework_code:
        fw = _load_framework(preview.framework_code)
    levels: dict[int, FrameworkLevel] = {}
    areas: dict[str, CompetenceArea] = {}
    comps: dict[str, Competence] = {}
    if fw is not None:
        preview.existing_id = fw.id
        levels = {lv.level: lv for lv in fw.levels}
        areas = {a.code: a for a in fw.areas}
        comps = {c.code: c for a in fw.areas for c in a.competences}
    line = preview.framework.line if preview.framework else 1
    if preview.framework_code and not had_levels and not levels:
        preview.errors.append(Issue(line, N_("The framework has no levels (rows of type level).")))
    if preview.framework_code and not had_competences and not comps:
        preview.errors.append(
            Issue(line, N_("The file contains no competences (rows of type competence)."))
        )
    area_codes = {a.key for a in preview.areas} | set(areas)
    for rec in preview.competences:
        if rec.area_code not in area_codes:
            preview.errors.append(
                Issue(
                    rec.line,
                    N_(
                        "The area %(area)s of competence %(code)s is not defined in the file "
                        "(add a row of type area)."
                    ),
                    {"area": rec.area_code, "code": rec.key},
                )
            )
    used = {c.area_code for c in preview.competences} | {
        c.area.code for c in comps.values() if c.code not in {r.key for r in preview.competences}
    }
    for rec in preview.areas:
        if rec.key not in used:
            preview.warnings.append(
                Issue(rec.line, N_("The area %(code)s has no competences."), {"code": rec.key})
            )
    if preview.framework is not None:
        _mark(preview.framework, fw)
    for rec in preview.levels:
        _mark(rec, levels.get(rec.key))
    for rec in preview.areas:
        _mark(rec, areas.get(rec.key))
    for rec in preview.competences:
        comp = comps.get(rec.key)
        moved = comp is not None and comp.area.code != rec.area_code
        _mark(rec, comp, ["area_code"] if moved else None)
    in_file = {c.key for c in preview.competences}
    preview.missing_competences = [code for code in comps if code not in in_file]
    if preview.missing_competences:
        preview.warnings.append(
            Issue(
                None,
                N_(
                    "Existing competences not in the file (%(count)s) are kept unchanged: %(codes)s"
                ),
                {
                    "count": len(preview.missing_competences),
                    "codes": ", ".join(preview.missing_competences),
                },
            )
        )
    missing_levels = sorted(set(levels) - {r.key for r in preview.levels})
    if missing_levels and preview.levels:
        preview.warnings.append(
            Issue(
                None,
                N_("Existing levels are not in the file; they are kept unchanged: %(codes)s"),
                {"codes": ", ".join(str(n) for n in missing_levels)},
            )
        )


# ---------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------


def apply_framework_import(
    actor: User | None, preview: FrameworkImportPreview, now: datetime
) -> Framework:
    """Create or update the framework as the preview says — all or nothing. Refuses a
    preview with errors. Writes one audit entry if anything changed, none otherwise."""
    if not preview.ok or preview.framework is None:
        raise ValidationFailed(
            N_("Errors in the file: %(count)s; nothing was imported."),
            count=max(len(preview.errors), 1),
        )
    try:
        with db.session.begin_nested():
            fw, created, counts = _upsert_all(preview, preview.framework)
    except IntegrityError as exc:  # someone imported the same codes at the same moment
        raise Conflict(
            N_("The framework was changed by someone else at the same time. Please try again.")
        ) from exc
    if counts["new"] or counts["changed"]:
        record(
            actor,
            "framework.created" if created else "framework.updated",
            "framework",
            fw.id,
            details={
                "code": fw.code,
                "source": preview.filename,
                "new": counts["new"],
                "changed": counts["changed"],
                "unchanged": counts["unchanged"],
                "not_in_file": preview.missing_competences,
            },
            now=now,
        )
        db.session.flush()
    return fw


def _upsert_all(
    preview: FrameworkImportPreview, fw_rec: ImportRecord
) -> tuple[Framework, bool, Counter[str]]:
    """Insert or update every record (the caller holds a savepoint); count what happened."""
    counts: Counter[str] = Counter()

    def upsert(obj: Any, values: dict[str, Any], extra_change: bool = False) -> None:
        changed = _changes(obj, values)
        for key in changed:
            setattr(obj, key, values[key])
        counts["changed" if changed or extra_change else "unchanged"] += 1

    fw = _load_framework(fw_rec.key)
    created = fw is None
    if fw is None:
        fw = Framework(code=fw_rec.key, active=True, **fw_rec.values)
        db.session.add(fw)
        counts["new"] += 1
    else:
        upsert(fw, fw_rec.values)
    levels = {lv.level: lv for lv in fw.levels}
    for rec in preview.levels:
        if rec.key in levels:
            upsert(levels[rec.key], rec.values)
        else:
            fw.levels.append(FrameworkLevel(level=rec.key, **rec.values))
            counts["new"] += 1
    areas = {a.code: a for a in fw.areas}
    comps = {c.code: c for a in fw.areas for c in a.competences}
    for rec in preview.areas:
        if rec.key in areas:
            upsert(areas[rec.key], rec.values)
        else:
            areas[rec.key] = CompetenceArea(code=rec.key, **rec.values)
            fw.areas.append(areas[rec.key])
            counts["new"] += 1
    for rec in preview.competences:
        area = areas[rec.area_code or ""]
        comp = comps.get(rec.key)
        if comp is None:
            comp = Competence(code=rec.key, framework=fw, **rec.values)
            area.competences.append(comp)
            counts["new"] += 1
        else:
            moved = comp.area is not area
            if moved:
                comp.area = area
            upsert(comp, rec.values, extra_change=moved)
    db.session.flush()
    return fw, created, counts
