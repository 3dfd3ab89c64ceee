"""A request's page (the employee, their heads, HR) and its files: adding one, opening
one (as a download only), removing one."""

from __future__ import annotations

import io

from flask import flash, redirect, send_file
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.web.kit import acting_user, flash_error, show_error
from courses import bp
from courses.external import policy  # noqa: F401 - registers the actions before @requires
from courses.external.attachments import add, discard, path_of, remove
from courses.external.forms import FileForm
from courses.external.pages import (
    back_to,
    external_for_course,
    load_attachment,
    load_request,
    render_request,
    uploaded_message,
)


@bp.get("/extern/<int:request_id>")
@requires("catalogue.view")
def external_request(request_id: int) -> tuple[str, int]:
    found = load_request(request_id)
    html = render_request(acting_user(), found, utcnow())
    db.session.commit()  # the access log
    return html


@bp.get("/extern/kurs/<int:course_id>")
@requires("catalogue.view")
def external_course(course_id: int) -> Response:
    """Where "my learning" links an external course to: its request."""
    return redirect(back_to(external_for_course(course_id)))


@bp.post("/extern/<int:request_id>/dateien")
@requires("catalogue.view")
def external_file_add(request_id: int) -> Response | tuple[str, int]:
    found, user, now = load_request(request_id), acting_user(), utcnow()
    form = FileForm()
    upload = form.file.data
    try:
        if not form.validate_on_submit():
            return render_request(user, found, now, 422, upload=form)
        stream = upload.stream if upload is not None else io.BytesIO()
        attachment = add(
            user, found, form.kind.data, getattr(upload, "filename", None), stream, now
        )
    except DomainError as error:
        db.session.rollback()
        found = load_request(request_id)
        return render_request(user, found, now, show_error(form, error), upload=form)
    message = uploaded_message(found, attachment, user)
    db.session.commit()
    flash(message, "success")
    return redirect(back_to(found))


@bp.get("/extern/<int:request_id>/dateien/<int:attachment_id>")
@requires("catalogue.view")
def external_file(request_id: int, attachment_id: int) -> Response | tuple[str, int]:
    found = load_request(request_id)
    attachment = load_attachment(found, attachment_id)
    try:
        path = path_of(attachment)
    except DomainError as error:
        return render_request(acting_user(), found, utcnow(), flash_error(error))
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/extern/<int:request_id>/dateien/<int:attachment_id>/entfernen")
@requires("catalogue.view")
def external_file_remove(request_id: int, attachment_id: int) -> Response | tuple[str, int]:
    found = load_request(request_id)
    attachment = load_attachment(found, attachment_id)
    name = attachment.filename
    try:
        stored = remove(acting_user(), attachment, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_request(acting_user(), load_request(request_id), utcnow(), flash_error(error))
    db.session.commit()
    discard([stored])
    flash(gettext("The file “%(name)s” has been removed.", name=name), "success")
    return redirect(back_to(found))
