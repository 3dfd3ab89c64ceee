"""HR's staff import: upload a file, see the preview, apply it, see the result.

The uploaded bytes wait in ``Upload`` (kind ``staff``) between preview and apply, so any
worker can apply them; applying re-reads them and compares with the database again. The
stored file is emptied once it is applied or discarded (data minimisation).
"""

from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.imports.limits import ImportRefused
from academy.imports.models import Upload
from academy.imports.uploads import (
    mark_applied,
    mark_discarded,
    own_upload,
    previewed_upload,
    read_upload,
    recent_uploads,
    store_upload,
)
from academy.org.staff_import.columns import COLUMNS, template_csv
from academy.org.staff_import.forms import StaffUploadForm
from academy.org.staff_import.importer import (
    apply_staff_import,
    lock_staff_import,
    preview_staff_file,
)
from academy.org.staff_import.plan import CHANGES_SHOWN, StaffImportPreview
from academy.spreadsheets import csv_writer
from academy.web.kit import acting_user, show_error
from academy.web.navigation import NavItem, add_nav

bp = Blueprint("staff", __name__)

add_nav(NavItem("staff.upload", N_("Staff import"), "staff.import", "hr", order=20))

KIND = "staff"
#: Problems listed on the preview page; all of them are in the problem list download.
PROBLEMS_SHOWN = 500


@bp.route("/personal/import", methods=["GET", "POST"])
@requires("staff.import")
def upload() -> str | Response | tuple[str, int]:
    form = StaffUploadForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        now = utcnow()
        filename, content = read_upload(form.file.data, "import.csv")
        try:
            preview = preview_staff_file(content, filename, now=now)
        except ImportRefused as refused:  # over a limit: the message at the field, no upload
            status = show_error(form, refused)
        else:
            item = _store(form, filename, content, preview, now)
            db.session.commit()
            return redirect(url_for("staff.preview", token=item.token))
    recent = recent_uploads(acting_user(), KIND)
    return render_template(
        "academy/staff/upload.html", form=form, columns=COLUMNS, recent=recent
    ), status


def _store(
    form: StaffUploadForm,
    filename: str,
    content: bytes,
    preview: StaffImportPreview,
    now: datetime,
) -> Upload:
    """Keep the checked file until it is applied or discarded."""
    return store_upload(
        acting_user(),
        KIND,
        filename,
        content,
        now,
        summary=preview.summary(),
        options={"deactivate_missing": bool(form.deactivate_missing.data)},
    )


@bp.get("/personal/import/vorlage.csv")
@requires("staff.import")
def template_file() -> Response:
    return Response(
        template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=personal-import-vorlage.csv"},
    )


def _own_upload(token: str, *, lock: bool = False) -> Upload:
    """The current user's staff upload with this token: 404 if unknown, 403 if not theirs."""
    return own_upload(current_user, token, KIND, lock=lock)


def _preview(item: Upload) -> StaffImportPreview:
    return preview_staff_file(item.content, item.filename, now=utcnow())


@bp.get("/personal/import/<token>")
@requires("staff.import")
def preview(token: str) -> str | Response:
    item = _own_upload(token)
    if item.status == "applied":
        return redirect(url_for("staff.result", token=token))
    if item.status != "previewed":
        flash(gettext("This upload was discarded. Please upload the file again."), "warning")
        return redirect(url_for("staff.upload"))
    result = _preview(item)
    return render_template(
        "academy/staff/preview.html",
        upload=item,
        preview=result,
        deactivate_missing=bool((item.options or {}).get("deactivate_missing")),
        changes_shown=CHANGES_SHOWN,
        problems_shown=PROBLEMS_SHOWN,
    )


@bp.post("/personal/import/<token>/anwenden")
@requires("staff.import")
def apply(token: str) -> Response:
    item = previewed_upload(current_user, token, KIND, lock=True)
    now = utcnow()
    deactivate = bool((item.options or {}).get("deactivate_missing"))
    lock_staff_import()
    preview = preview_staff_file(item.content, item.filename, now=now)
    result = apply_staff_import(current_user, preview, deactivate_missing=deactivate, now=now)
    mark_applied(current_user, item, now, summary=preview.summary() | result.as_dict())
    db.session.commit()
    flash(
        gettext(
            "Staff import applied: %(new)s new, %(changed)s changed, %(deactivated)s deactivated.",
            new=result.new,
            changed=result.changed,
            deactivated=result.deactivated,
        ),
        "success",
    )
    return redirect(url_for("staff.result", token=token))


@bp.post("/personal/import/<token>/verwerfen")
@requires("staff.import")
def discard(token: str) -> Response:
    item = _own_upload(token, lock=True)
    if item.status == "previewed":
        mark_discarded(current_user, item, utcnow())
        db.session.commit()
        flash(gettext("The upload was discarded; nothing was imported."), "info")
    return redirect(url_for("staff.upload"))


@bp.get("/personal/import/<token>/ergebnis")
@requires("staff.import")
def result(token: str) -> str | Response:
    item = _own_upload(token)
    if item.status != "applied":
        return redirect(url_for("staff.preview", token=token))
    return render_template("academy/staff/result.html", upload=item, summary=item.summary or {})


@bp.get("/personal/import/<token>/probleme.csv")
@requires("staff.import")
def problems_file(token: str) -> Response:
    """Every problem of the file as CSV (German Excel: UTF-8 with BOM, ``;``)."""
    item = _own_upload(token)
    if item.status != "previewed":
        abort(404)
    problems = _preview(item).problems
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    writer.writerow([gettext("Line"), gettext("Column"), gettext("Problem")])
    for problem in problems:
        writer.writerow([problem.line, problem.column, problem.text()])
    return Response(
        out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=personal-import-probleme.csv"},
    )
