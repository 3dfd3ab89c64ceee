"""Competency framework pages: the list, one framework with its level scale, areas and
competences, its CSV export, and the import (upload → preview → apply)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from academy.accounts.models import Role, User
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.forms import MAX_IMPORT_BYTES, FrameworkImportForm, UploadTokenForm
from academy.frameworks.importer import FrameworkImportPreview, parse_framework_csv
from academy.frameworks.models import CompetenceArea, Framework
from academy.frameworks.registry import (
    active_framework_summaries,
    apply_framework_upload,
    discard_framework_upload,
    framework_summaries,
    framework_to_csv,
    framework_upload_for,
    preview_upload,
    store_framework_upload,
)
from academy.i18n import N_
from academy.imports.limits import ImportRefused
from academy.imports.uploads import read_upload
from academy.web.kit import paginate, show_error
from academy.web.navigation import NavItem, Panel, add_nav, add_panel

bp = Blueprint("frameworks", __name__)

T = "academy/frameworks/"


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


def _panel_context(user: User) -> dict[str, Any]:
    return {"summaries": active_framework_summaries()}


add_nav(
    NavItem("frameworks.index", N_("Competency frameworks"), "frameworks.view", "main", order=50)
)
add_nav(
    NavItem(
        "frameworks.import_upload",
        N_("Import competency framework"),
        "frameworks.import",
        "admin",
        order=50,
    )
)
add_panel(
    Panel(
        role=Role.TRAINER,
        title=N_("Competency frameworks"),
        template=T + "_panel.html",
        context=_panel_context,
        order=50,
    )
)


def _framework_or_404(framework_id: int) -> Framework:
    framework = db.session.get(
        Framework,
        framework_id,
        options=[
            selectinload(Framework.levels),
            selectinload(Framework.areas).selectinload(CompetenceArea.competences),
        ],
    )
    if framework is None:
        abort(404)
    return framework


@bp.get("/kompetenzrahmen")
@requires("frameworks.view")
def index() -> str:
    page = paginate(select(Framework).order_by(Framework.active.desc(), Framework.code))
    return render_template(
        T + "index.html", page=page, summaries=framework_summaries(list(page.items)), lang=_lang()
    )


@bp.get("/kompetenzrahmen/<int:framework_id>")
@requires("frameworks.view")
def detail(framework_id: int) -> str:
    framework = _framework_or_404(framework_id)
    return render_template(T + "detail.html", framework=framework, lang=_lang())


@bp.get("/kompetenzrahmen/<int:framework_id>/export.csv")
@requires("frameworks.view")
def export_csv(framework_id: int) -> Response:
    framework = _framework_or_404(framework_id)
    name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in framework.code)
    return Response(
        framework_to_csv(framework),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="kompetenzrahmen-{name}.csv"'},
    )


@bp.route("/kompetenzrahmen/import", methods=["GET", "POST"])
@requires("frameworks.import")
def import_upload() -> str | Response | tuple[str, int]:
    form = FrameworkImportForm()
    preview = None
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        filename, data = read_upload(form.file.data, "upload.csv")
        try:
            preview = parse_framework_csv(data, filename)
        except ImportRefused as refused:  # over a limit: the message at the field, no upload
            show_error(form, refused)
        else:
            if preview.ok:
                upload = store_framework_upload(current_user, data, filename, preview, utcnow())
                db.session.commit()
                return redirect(url_for(".import_preview", token=upload.token))
            form.file.errors = [_errors_message(preview)]
    return render_template(
        T + "import.html", form=form, preview=preview, lang=_lang(), max_bytes=MAX_IMPORT_BYTES
    ), status


def _errors_message(preview: FrameworkImportPreview) -> str:
    return ngettext(
        "The file has %(num)s error and cannot be imported. "
        "The list below shows it with its line number.",
        "The file has %(num)s errors and cannot be imported. "
        "The list below shows each error with its line number.",
        max(len(preview.errors), 1),
    )


@bp.get("/kompetenzrahmen/import/<token>")
@requires("frameworks.import")
def import_preview(token: str) -> str:
    upload = framework_upload_for(current_user, token)
    preview = preview_upload(upload)
    return render_template(
        T + "preview.html",
        upload=upload,
        preview=preview,
        form=UploadTokenForm(token=token),
        lang=_lang(),
    )


@bp.post("/kompetenzrahmen/import/anwenden")
@requires("frameworks.import")
def import_apply() -> Response | tuple[str, int]:
    form = UploadTokenForm()
    if not form.validate_on_submit():
        abort(400)
    upload = framework_upload_for(current_user, form.token.data or "", lock=True)
    framework, preview = apply_framework_upload(current_user, upload, utcnow())
    if framework is None:
        db.session.rollback()
        return render_template(
            T + "preview.html", upload=upload, preview=preview, form=form, lang=_lang()
        ), 422
    db.session.commit()
    counts = preview.counts
    flash(
        gettext(
            "The framework has been imported: %(new)s new, %(changed)s changed, "
            "%(unchanged)s unchanged.",
            **counts,
        ),
        "success",
    )
    return redirect(url_for(".detail", framework_id=framework.id))


@bp.post("/kompetenzrahmen/import/verwerfen")
@requires("frameworks.import")
def import_discard() -> Response:
    form = UploadTokenForm()
    if not form.validate_on_submit():
        abort(400)
    upload = framework_upload_for(current_user, form.token.data or "", lock=True)
    discard_framework_upload(current_user, upload, utcnow())
    db.session.commit()
    flash(gettext("The import has been discarded; nothing was changed."), "info")
    return redirect(url_for(".import_upload"))
