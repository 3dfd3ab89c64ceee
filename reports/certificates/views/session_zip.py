"""All certificates of a session as one ZIP file (HR), streamed while it is built
(``reports.certificates.archive``); its link on the course roster is the
``session-roster-actions`` template hook (``reports.certificates.hooks``)."""

from __future__ import annotations

from flask import abort, flash, redirect, stream_with_context, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

import reports.policy  # noqa: F401 - registers the actions before @requires
from academy.auth.policy import requires
from academy.clock import to_berlin
from academy.extensions import db
from courses.sessions.models import CourseSession
from reports import bp
from reports.certificates.archive import zip_filename, zip_stream
from reports.certificates.queries import session_certificates


@bp.get("/termine/<int:session_id>/zertifikate.zip", endpoint="session_zip")
@requires("certificates.manage")
def session_zip(session_id: int) -> Response:
    session = db.session.get(CourseSession, session_id)
    if session is None:
        abort(404)
    rows = [tuple(row) for row in db.session.execute(session_certificates(session_id))]
    if not rows:
        flash(gettext("This session has no certificates yet."), "info")
        return redirect(url_for("courses.session_roster", session_id=session_id), code=303)
    filename = zip_filename(session.course.code, to_berlin(session.starts_at).date().isoformat())
    response = Response(stream_with_context(zip_stream(rows)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
