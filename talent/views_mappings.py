"""HR's pages for mappings between competences of different frameworks: the list,
adding and deleting one, and the CSV import (upload → preview → apply or discard)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload
from werkzeug.wrappers import Response

import talent.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.forms_frameworks import UploadTokenForm
from academy.i18n import N_
from academy.models import Competence, Framework
from academy.navigation import NavItem, add_nav
from talent import bp
from talent.forms_profiles import (
    MAX_MAPPING_BYTES,
    DeleteMappingForm,
    MappingForm,
    MappingImportForm,
)
from talent.mapping_files import COLUMNS
from talent.mappings import (
    RELATION_LABELS,
    apply_mapping_upload,
    create_mapping,
    delete_mapping,
    discard_mapping_upload,
    mapping_upload_for,
    parse_mapping_csv,
    preview_mapping_upload,
    store_mapping_upload,
)
from talent.models import CompetenceMapping
from talent.views_profiles import (
    active_competences,
    actor,
    competence_from,
    lang,
    page_number,
    per_page,
    show_error,
)

T = "talent/"

add_nav(NavItem("talent.mappings", N_("Competence mappings"), "mappings.manage", "hr", order=32))


def render_mappings(form: MappingForm | None = None, status: int = 200) -> tuple[str, int]:
    if form is None:
        form = MappingForm(formdata=None)
    form.set_choices(active_competences(), lang())
    source = aliased(Competence)
    source_fw = aliased(Framework)
    page = db.paginate(
        select(CompetenceMapping)
        .join(source, CompetenceMapping.source_id == source.id)
        .join(source_fw, source.framework_id == source_fw.id)
        .options(
            joinedload(CompetenceMapping.source).joinedload(Competence.framework),
            joinedload(CompetenceMapping.target).joinedload(Competence.framework),
        )
        .order_by(source_fw.code, source.position, source.code, CompetenceMapping.id),
        page=page_number(),
        per_page=per_page(),
        error_out=False,
    )
    html = render_template(
        T + "mappings.html",
        form=form,
        page=page,
        import_form=MappingImportForm(formdata=None),
        relation_labels=RELATION_LABELS,
        lang=lang(),
        max_bytes=MAX_MAPPING_BYTES,
    )
    return html, status


@bp.route("/zuordnungen", methods=["GET", "POST"])
@requires("mappings.manage")
def mappings() -> Response | tuple[str, int]:
    if request.method == "GET":
        return render_mappings()
    form = MappingForm()
    form.set_choices(active_competences(), lang())
    if not form.validate_on_submit():
        return render_mappings(form, 422)
    source = competence_from(form.source.data)
    target = competence_from(form.target.data)
    if source is None or target is None:
        abort(400)
    try:
        create_mapping(actor(), source, target, form.relation.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_mappings(form, show_error(form, error))
    db.session.commit()
    flash(
        gettext("%(source)s is now mapped to %(target)s.", source=source.code, target=target.code),
        "success",
    )
    return redirect(url_for("talent.mappings"))


@bp.post("/zuordnungen/<int:mapping_id>/loeschen")
@requires("mappings.manage")
def mapping_delete(mapping_id: int) -> Response:
    mapping = db.session.get(CompetenceMapping, mapping_id)
    if mapping is None:
        abort(404)
    if not DeleteMappingForm().validate_on_submit():
        abort(400)
    source, target = mapping.source.code, mapping.target.code
    delete_mapping(actor(), mapping, utcnow())
    db.session.commit()
    flash(
        gettext(
            "The mapping %(source)s → %(target)s has been deleted.", source=source, target=target
        ),
        "success",
    )
    return redirect(url_for("talent.mappings"))


# ---------------------------------------------------------------------------
# CSV import
# ---------------------------------------------------------------------------


@bp.route("/zuordnungen/import", methods=["GET", "POST"])
@requires("mappings.manage")
def mapping_import() -> Response | tuple[str, int]:
    form = MappingImportForm()
    preview = None
    status = 200
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        # Shown only, never used as a path: drop any folder part.
        filename = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        filename = (filename or "upload.csv")[-255:]
        preview = parse_mapping_csv(data, filename)
        if preview.ok:
            upload = store_mapping_upload(actor(), data, filename, preview, utcnow())
            db.session.commit()
            return redirect(url_for("talent.mapping_import_preview", token=upload.token))
        form.file.errors = [
            gettext(
                "The file has %(count)s errors and cannot be imported. "
                "The list below shows each error with its line number.",
                count=max(len(preview.errors), 1),
            )
        ]
        status = 422
    elif request.method == "POST":
        status = 422
    html = render_template(
        T + "mapping_import.html",
        form=form,
        preview=preview,
        columns=COLUMNS,
        relation_labels=RELATION_LABELS,
        max_bytes=MAX_MAPPING_BYTES,
        lang=lang(),
    )
    return html, status


@bp.get("/zuordnungen/import/<token>")
@requires("mappings.manage")
def mapping_import_preview(token: str) -> str:
    upload = mapping_upload_for(actor(), token)
    return render_template(
        T + "mapping_preview.html",
        upload=upload,
        preview=preview_mapping_upload(upload),
        form=UploadTokenForm(token=token),
        relation_labels=RELATION_LABELS,
        lang=lang(),
    )


@bp.post("/zuordnungen/import/anwenden")
@requires("mappings.manage")
def mapping_import_apply() -> Response | tuple[str, int]:
    form = UploadTokenForm()
    if not form.validate_on_submit():
        abort(400)
    upload = mapping_upload_for(actor(), form.token.data or "", lock=True)
    counts, preview = apply_mapping_upload(actor(), upload, utcnow())
    if counts is None:
        db.session.rollback()
        html = render_template(
            T + "mapping_preview.html",
            upload=upload,
            preview=preview,
            form=form,
            relation_labels=RELATION_LABELS,
            lang=lang(),
        )
        return html, 422
    db.session.commit()
    flash(
        gettext(
            "The mappings have been imported: %(new)s new, %(changed)s changed, "
            "%(unchanged)s unchanged.",
            **counts,
        ),
        "success",
    )
    return redirect(url_for("talent.mappings"))


@bp.post("/zuordnungen/import/verwerfen")
@requires("mappings.manage")
def mapping_import_discard() -> Response:
    form = UploadTokenForm()
    if not form.validate_on_submit():
        abort(400)
    upload = mapping_upload_for(actor(), form.token.data or "", lock=True)
    discard_mapping_upload(actor(), upload, utcnow())
    db.session.commit()
    flash(gettext("The import has been discarded; nothing was changed."), "info")
    return redirect(url_for("talent.mapping_import"))
