"""HR's pages for mappings between competences of different frameworks: the list,
adding and deleting one, and the CSV import (upload → preview → apply or discard)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import talent.competencies.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.frameworks.forms import UploadTokenForm
from academy.i18n import N_
from academy.imports.limits import ImportRefused
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav
from talent.blueprint import bp
from talent.competencies.choices import competence_from
from talent.competencies.forms import DeleteMappingForm, MappingImportForm
from talent.competencies.mapping_csv import parse_mapping_csv
from talent.competencies.mappings import (
    apply_mapping_upload,
    create_mapping,
    delete_mapping,
    discard_mapping_upload,
    mapping_upload_for,
    preview_mapping_upload,
    store_mapping_upload,
)
from talent.competencies.models import CompetenceMapping
from talent.competencies.pages.mappings import (
    mapping_form,
    refuse_file,
    render_mapping_import,
    render_mapping_preview,
    render_mappings,
    uploaded_file,
)

add_nav(NavItem("talent.mappings", N_("Competence mappings"), "mappings.manage", "hr", order=32))


@bp.route("/zuordnungen", methods=["GET", "POST"])
@requires("mappings.manage")
def mappings() -> Response | tuple[str, int]:
    if request.method == "GET":
        return render_mappings()
    form = mapping_form()
    if not form.validate_on_submit():
        return render_mappings(form, 422)
    source = competence_from(form.source.data)
    target = competence_from(form.target.data)
    if source is None or target is None:
        abort(400)
    try:
        create_mapping(acting_user(), source, target, form.relation.data, utcnow())
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
    delete_mapping(acting_user(), mapping, utcnow())
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
    if not form.validate_on_submit():
        return render_mapping_import(form, None, 422 if request.method == "POST" else 200)
    data, filename = uploaded_file(form.file.data)
    try:
        preview = parse_mapping_csv(data, filename)
    except ImportRefused as refused:  # over a limit: the message at the field, no upload
        return render_mapping_import(form, None, show_error(form, refused))
    if not preview.ok:
        refuse_file(form, preview)
        return render_mapping_import(form, preview, 422)
    upload = store_mapping_upload(acting_user(), data, filename, preview, utcnow())
    db.session.commit()
    return redirect(url_for("talent.mapping_import_preview", token=upload.token))


@bp.get("/zuordnungen/import/<token>")
@requires("mappings.manage")
def mapping_import_preview(token: str) -> str:
    upload = mapping_upload_for(acting_user(), token)
    return render_mapping_preview(
        upload, preview_mapping_upload(upload), UploadTokenForm(token=token)
    )


@bp.post("/zuordnungen/import/anwenden")
@requires("mappings.manage")
def mapping_import_apply() -> Response | tuple[str, int]:
    form = UploadTokenForm()
    if not form.validate_on_submit():
        abort(400)
    upload = mapping_upload_for(acting_user(), form.token.data or "", lock=True)
    counts, preview = apply_mapping_upload(acting_user(), upload, utcnow())
    if counts is None:
        db.session.rollback()
        return render_mapping_preview(upload, preview, form), 422
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
    upload = mapping_upload_for(acting_user(), form.token.data or "", lock=True)
    discard_mapping_upload(acting_user(), upload, utcnow())
    db.session.commit()
    flash(gettext("The import has been discarded; nothing was changed."), "info")
    return redirect(url_for("talent.mapping_import"))
