"""The competence mapping pages' building blocks: the list with the form to add one,
the CSV import page (with a checked file's errors) and the preview of a stored file."""

from __future__ import annotations

from flask import render_template
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload
from werkzeug.datastructures import FileStorage

from academy.frameworks.forms import UploadTokenForm
from academy.frameworks.models import Competence, Framework
from academy.imports.models import Upload
from academy.web.kit import language, paginate
from talent.competencies.choices import active_competences
from talent.competencies.forms import MAX_MAPPING_BYTES, MappingForm, MappingImportForm
from talent.competencies.mapping_csv import COLUMNS, RELATION_LABELS, MappingImportPreview
from talent.competencies.models import CompetenceMapping


def mapping_form() -> MappingForm:
    """The submitted mapping form with its choices."""
    form = MappingForm()
    form.set_choices(active_competences(), language())
    return form


def render_mappings(form: MappingForm | None = None, status: int = 200) -> tuple[str, int]:
    if form is None:
        form = MappingForm(formdata=None)
    form.set_choices(active_competences(), language())
    source = aliased(Competence)
    source_fw = aliased(Framework)
    page = paginate(
        select(CompetenceMapping)
        .join(source, CompetenceMapping.source_id == source.id)
        .join(source_fw, source.framework_id == source_fw.id)
        .options(
            joinedload(CompetenceMapping.source).joinedload(Competence.framework),
            joinedload(CompetenceMapping.target).joinedload(Competence.framework),
        )
        .order_by(source_fw.code, source.position, source.code, CompetenceMapping.id)
    )
    html = render_template(
        "talent/competencies/mappings.html",
        form=form,
        page=page,
        import_form=MappingImportForm(formdata=None),
        relation_labels=RELATION_LABELS,
        lang=language(),
        max_bytes=MAX_MAPPING_BYTES,
    )
    return html, status


def uploaded_file(storage: FileStorage) -> tuple[bytes, str]:
    """The uploaded file's content and its name (shown only, never used as a path: any
    folder part dropped)."""
    filename = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return storage.read(), (filename or "upload.csv")[-255:]


def refuse_file(form: MappingImportForm, preview: MappingImportPreview) -> None:
    """The message at the file field for a file with errors (listed below the form)."""
    form.file.errors = [
        ngettext(
            "The file has %(num)s error and cannot be imported. "
            "The list below shows it with its line number.",
            "The file has %(num)s errors and cannot be imported. "
            "The list below shows each error with its line number.",
            max(len(preview.errors), 1),
        )
    ]


def render_mapping_import(
    form: MappingImportForm, preview: MappingImportPreview | None, status: int
) -> tuple[str, int]:
    html = render_template(
        "talent/competencies/mapping_import.html",
        form=form,
        preview=preview,
        columns=COLUMNS,
        relation_labels=RELATION_LABELS,
        max_bytes=MAX_MAPPING_BYTES,
        lang=language(),
    )
    return html, status


def render_mapping_preview(
    upload: Upload, preview: MappingImportPreview, form: UploadTokenForm
) -> str:
    return render_template(
        "talent/competencies/mapping_preview.html",
        upload=upload,
        preview=preview,
        form=form,
        relation_labels=RELATION_LABELS,
        lang=language(),
    )
