"""Mappings between competences of two different frameworks (e.g. DigComp 2.2 → 3.0):
adding and deleting one, and importing many from a CSV file in two steps — a preview
with every error and its line number (``talent.competencies.mapping_csv``), then applying it, all
or nothing. The file waits between the two steps as an ``academy.models.Upload`` of
kind ``mapping`` (any worker can apply it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import talent.competencies.policy  # noqa: F401 - registers mappings.manage
from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.imports.models import Upload
from academy.imports.uploads import mark_applied, mark_discarded, previewed_upload, store_upload
from talent.competencies.mapping_csv import (
    RELATION_LABELS,
    RELATIONS,
    MappingImportPreview,
    MappingImportRow,
    compare_with_database,
    normalise_relation,
    parse_mapping_csv,
    same_framework_error,
)
from talent.competencies.models import CompetenceMapping

__all__ = [
    "RELATIONS",
    "RELATION_LABELS",
    "UPLOAD_KIND",
    "MappingImportPreview",
    "MappingImportRow",
    "apply_mapping_import",
    "apply_mapping_upload",
    "create_mapping",
    "delete_mapping",
    "discard_mapping_upload",
    "mapping_upload_for",
    "normalise_relation",
    "parse_mapping_csv",
    "preview_mapping_upload",
    "store_mapping_upload",
]

UPLOAD_KIND = "mapping"


def _require(actor: User) -> None:
    if not can(actor, "mappings.manage"):
        raise PermissionDenied(N_("Only HR development or an administrator can manage mappings."))


# ---------------------------------------------------------------------------
# One mapping
# ---------------------------------------------------------------------------


def create_mapping(
    actor: User, source: Competence, target: Competence, relation: str | None, now: datetime
) -> CompetenceMapping:
    """Map ``source`` to ``target`` (competences of two different frameworks, each pair
    once)."""
    _require(actor)
    key = normalise_relation(relation)
    if key is None:
        raise ValidationFailed(N_("Please choose a relation from the list."), field="relation")
    message = same_framework_error(source, target)
    if message:
        raise ValidationFailed(message, field="target", framework=source.framework.code)
    exists = db.session.scalar(
        select(CompetenceMapping.id).where(
            CompetenceMapping.source_id == source.id, CompetenceMapping.target_id == target.id
        )
    )
    if exists is not None:
        raise Conflict(
            N_("%(source)s is already mapped to %(target)s."),
            field="target",
            source=source.code,
            target=target.code,
        )
    mapping = CompetenceMapping(
        source_id=source.id,
        target_id=target.id,
        relation=key,
        created_at=now,
        created_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(mapping)
            db.session.flush()
    except IntegrityError as exc:  # the same pair added at the same moment
        raise Conflict(
            N_("%(source)s is already mapped to %(target)s."),
            field="target",
            source=source.code,
            target=target.code,
        ) from exc
    record(
        actor,
        "competence_mapping.created",
        "competence_mapping",
        mapping.id,
        to_state=key,
        details={"source": _label(source), "target": _label(target)},
        now=now,
    )
    db.session.flush()
    return mapping


def delete_mapping(actor: User, mapping: CompetenceMapping, now: datetime) -> None:
    _require(actor)
    record(
        actor,
        "competence_mapping.deleted",
        "competence_mapping",
        mapping.id,
        from_state=mapping.relation,
        details={"source": _label(mapping.source), "target": _label(mapping.target)},
        now=now,
    )
    db.session.delete(mapping)
    db.session.flush()


def _label(competence: Competence) -> str:
    return f"{competence.framework.code} {competence.code}"


# ---------------------------------------------------------------------------
# CSV import: apply, and the stored file between preview and apply
# ---------------------------------------------------------------------------


def apply_mapping_import(
    actor: User, preview: MappingImportPreview, now: datetime
) -> dict[str, int]:
    """Create or update every mapping of the preview — all or nothing."""
    _require(actor)
    if not preview.ok:
        raise ValidationFailed(
            N_("Errors in the file: %(count)s; nothing was imported."),
            count=max(len(preview.errors), 1),
        )
    # the database may have changed since the preview
    existing = compare_with_database(preview.rows)
    try:
        with db.session.begin_nested():
            for row in preview.rows:
                if row.status == "new":
                    db.session.add(
                        CompetenceMapping(
                            source_id=row.source.id,
                            target_id=row.target.id,
                            relation=row.relation,
                            created_at=now,
                            created_by_id=actor.id,
                        )
                    )
                elif row.status == "changed":
                    existing[(row.source.id, row.target.id)].relation = row.relation
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("The mappings were changed by someone else at the same time. Please try again.")
        ) from exc
    counts = preview.counts
    if counts["new"] or counts["changed"]:
        record(
            actor,
            "competence_mappings.imported",
            "competence_mapping",
            None,
            details={"source": preview.filename, **counts},
            now=now,
        )
        db.session.flush()
    return counts


def store_mapping_upload(
    actor: User, data: bytes, filename: str, preview: MappingImportPreview, now: datetime
) -> Upload:
    """Keep an error-free file until it is applied or discarded."""
    _require(actor)
    if not preview.ok:
        raise ValidationFailed(
            N_("Errors in the file: %(count)s; nothing was imported."),
            count=max(len(preview.errors), 1),
        )
    return store_upload(actor, UPLOAD_KIND, filename, data, now, summary=preview.summary())


def mapping_upload_for(actor: User, token: str, *, lock: bool = False) -> Upload:
    """The actor's own mapping file waiting to be applied: 404 if unknown, 403 if
    someone else's, 409 if applied or discarded. ``lock`` holds the row until the
    commit, so a double click cannot apply it twice."""
    return previewed_upload(actor, token, UPLOAD_KIND, lock=lock)


def preview_mapping_upload(upload: Upload) -> MappingImportPreview:
    """A fresh preview of the stored file (against the database as it is now)."""
    return parse_mapping_csv(upload.content, upload.filename)


def apply_mapping_upload(
    actor: User, upload: Upload, now: datetime
) -> tuple[dict[str, int] | None, MappingImportPreview]:
    """Apply a stored file. If it has errors now, nothing changes and counts are None."""
    preview = preview_mapping_upload(upload)
    if not preview.ok:
        return None, preview
    counts = apply_mapping_import(actor, preview, now)
    mark_applied(actor, upload, now, summary=preview.summary(), details=counts)
    return counts, preview


def discard_mapping_upload(actor: User, upload: Upload, now: datetime) -> None:
    mark_discarded(actor, upload, now)
