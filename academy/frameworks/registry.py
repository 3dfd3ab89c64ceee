"""Competency frameworks, the shared vocabulary: the default frameworks (DigComp 2.2 and
Fachkompetenzen Digitalisierung, in ``academy/frameworks/seed/``), importing another
framework from a CSV or JSON file (the upload between preview and apply), the CSV export
and the read-side queries the pages share.

The import itself (checking, preview, applying) lives in ``academy.frameworks.importer``;
its entry points are re-exported here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.clock import utcnow
from academy.errors import ValidationFailed
from academy.extensions import db
from academy.frameworks.files import COLUMNS, Issue
from academy.frameworks.importer import (
    FrameworkImportPreview,
    apply_framework_import,
    parse_framework_csv,
    parse_framework_json,
)
from academy.frameworks.models import Competence, CompetenceArea, Framework, FrameworkLevel
from academy.frameworks.rows import ImportRecord
from academy.i18n import N_
from academy.imports.models import Upload
from academy.imports.uploads import mark_applied, mark_discarded, previewed_upload, store_upload
from academy.spreadsheets import csv_writer

__all__ = [
    "DEFAULT_FRAMEWORK_FILES",
    "DIGCOMP_CODE",
    "FACHKOMPETENZEN_CODE",
    "FrameworkImportPreview",
    "FrameworkSummary",
    "ImportIssue",
    "ImportRecord",
    "active_framework_summaries",
    "apply_framework_import",
    "apply_framework_upload",
    "default_framework_previews",
    "discard_framework_upload",
    "framework_summaries",
    "framework_to_csv",
    "framework_upload_for",
    "load_default_frameworks",
    "parse_framework_csv",
    "parse_framework_json",
    "preview_upload",
    "store_framework_upload",
]

ImportIssue = Issue

SEED_DIR = Path(__file__).resolve().parent / "seed"
DEFAULT_FRAMEWORK_FILES = ("digcomp-2.2.json", "fachkompetenzen-digitalisierung.json")
DIGCOMP_CODE = "DIGCOMP-2.2"
FACHKOMPETENZEN_CODE = "FK-DIGITAL"
UPLOAD_KIND = "framework"


# ---------------------------------------------------------------------------
# Default frameworks
# ---------------------------------------------------------------------------


def default_framework_previews() -> list[FrameworkImportPreview]:
    """Previews of the shipped seed files against the database as it is now."""
    previews = []
    for name in DEFAULT_FRAMEWORK_FILES:
        preview = parse_framework_json((SEED_DIR / name).read_bytes(), name)
        if not preview.ok:  # a broken seed file is a bug, not a user error
            problems = "; ".join(f"{e.line}: {e.message % e.params}" for e in preview.errors)
            raise RuntimeError(f"seed file {name} is invalid: {problems}")
        previews.append(preview)
    return previews


def load_default_frameworks(
    actor: User | None = None, now: datetime | None = None
) -> list[Framework]:
    """Create or update the default frameworks. Idempotent: a second run changes nothing
    and writes no audit entry. Flushes only; the caller commits."""
    now = now or utcnow()
    return [apply_framework_import(actor, p, now) for p in default_framework_previews()]


# ---------------------------------------------------------------------------
# Read side: frameworks with their counts (list page, start-page panel)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkSummary:
    framework: Framework
    areas: int
    competences: int
    level_min: int | None
    level_max: int | None


def framework_summaries(frameworks: list[Framework]) -> list[FrameworkSummary]:
    """Counts of areas, competences and the level range for the given frameworks, in
    three grouped queries (no query per framework)."""
    ids = [fw.id for fw in frameworks]
    if not ids:
        return []
    areas = dict(
        db.session.execute(
            select(CompetenceArea.framework_id, func.count())
            .where(CompetenceArea.framework_id.in_(ids))
            .group_by(CompetenceArea.framework_id)
        ).all()
    )
    comps = dict(
        db.session.execute(
            select(Competence.framework_id, func.count())
            .where(Competence.framework_id.in_(ids))
            .group_by(Competence.framework_id)
        ).all()
    )
    ranges = {
        fid: (lo, hi)
        for fid, lo, hi in db.session.execute(
            select(
                FrameworkLevel.framework_id,
                func.min(FrameworkLevel.level),
                func.max(FrameworkLevel.level),
            )
            .where(FrameworkLevel.framework_id.in_(ids))
            .group_by(FrameworkLevel.framework_id)
        ).all()
    }
    return [
        FrameworkSummary(
            fw, areas.get(fw.id, 0), comps.get(fw.id, 0), *ranges.get(fw.id, (None, None))
        )
        for fw in frameworks
    ]


def active_framework_summaries() -> list[FrameworkSummary]:
    frameworks = list(
        db.session.scalars(select(Framework).where(Framework.active).order_by(Framework.code))
    )
    return framework_summaries(frameworks)


# ---------------------------------------------------------------------------
# The uploaded file between preview and apply
# ---------------------------------------------------------------------------


def store_framework_upload(
    actor: User, data: bytes, filename: str, preview: FrameworkImportPreview, now: datetime
) -> Upload:
    """Keep an error-free file for applying it later (any worker can pick it up)."""
    if not preview.ok:
        raise ValidationFailed(
            N_("Errors in the file: %(count)s; nothing was imported."), count=len(preview.errors)
        )
    return store_upload(actor, UPLOAD_KIND, filename, data, now, summary=preview.summary())


def framework_upload_for(actor: User, token: str, *, lock: bool = False) -> Upload:
    """The actor's own framework upload that still waits to be applied: 404 if unknown,
    403 if someone else's, 409 if already applied or discarded. ``lock`` holds the row
    until the commit, so a double click cannot apply it twice."""
    return previewed_upload(actor, token, UPLOAD_KIND, lock=lock)


def preview_upload(upload: Upload) -> FrameworkImportPreview:
    """A fresh preview of a stored file (compared with the database as it is now)."""
    return parse_framework_csv(upload.content, upload.filename)


def apply_framework_upload(
    actor: User, upload: Upload, now: datetime
) -> tuple[Framework | None, FrameworkImportPreview]:
    """Apply a stored file. If it has errors now, nothing changes and the framework is None."""
    preview = preview_upload(upload)
    if not preview.ok:
        return None, preview
    framework = apply_framework_import(actor, preview, now)
    mark_applied(
        actor, upload, now, summary=preview.summary(), details={"framework_id": framework.id}
    )
    return framework, preview


def discard_framework_upload(actor: User, upload: Upload, now: datetime) -> None:
    mark_discarded(actor, upload, now)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def framework_to_csv(framework: Framework) -> bytes:
    """The framework in the import format: ``;``-separated UTF-8 with BOM (German Excel)."""
    out = io.StringIO(newline="")
    writer = csv_writer(out)
    writer.writerow(COLUMNS)

    def write(kind: str, **values: Any) -> None:
        values["type"] = kind
        writer.writerow(["" if values.get(c) is None else values[c] for c in COLUMNS])

    fw = framework
    write(
        "framework",
        code=fw.code,
        name_de=fw.name_de,
        name_en=fw.name_en,
        description_de=fw.description_de,
        description_en=fw.description_en,
        version=fw.version,
        publisher=fw.publisher,
        licence=fw.licence,
        source_url=fw.source_url,
    )
    for lv in fw.levels:
        write(
            "level",
            level=lv.level,
            name_de=lv.name_de,
            name_en=lv.name_en,
            band_de=lv.band_de,
            band_en=lv.band_en,
            description_de=lv.description_de,
            description_en=lv.description_en,
        )
    for area in fw.areas:
        write("area", code=area.code, name_de=area.name_de, name_en=area.name_en)
    for area in fw.areas:
        for comp in area.competences:
            write(
                "competence",
                code=comp.code,
                area_code=area.code,
                name_de=comp.name_de,
                name_en=comp.name_en,
                description_de=comp.description_de,
                description_en=comp.description_en,
                sfia_codes=comp.sfia_codes,
                esco_uri=comp.esco_uri,
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
