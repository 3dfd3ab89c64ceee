"""Report exports: ``/berichte/bericht/<key>.<csv|xlsx|pdf>`` (``reports.export``).

The same filters as the page, streamed as an attachment ``<key>-<YYYY-MM-DD>.<ext>``.
CSV is streamed while it is written; XLSX and PDF are spooled and streamed with a
``Content-Length`` (``reports.exports.download``). The download buttons use the busy
indication of ``app.js`` (``data-busy-download``), like the certificate ZIP.

Every export writes the audit record ``report.exported`` (key, format, filters), and
every person in the exported rows (all of them; the PDF's rows) an access-log entry
(purpose = key.format), in one bulk INSERT.
"""

from __future__ import annotations

from flask import redirect, request, stream_with_context, url_for
from werkzeug.wrappers import Response

from academy.audit.log import access_purpose, german, record, record_accesses
from academy.auth.policy import requires
from academy.clock import utcnow
from academy.extensions import db
from academy.web.kit import acting_user
from reports import bp
from reports.analytics.formatting import filters_dict
from reports.analytics.pages import exported_people, report_request, today
from reports.exports.csv import csv_bytes
from reports.exports.download import attachment, spooled
from reports.policy import ACCESS_REPORT

#: German file names of the reports' downloads (``kompetenzluecken-2026-12-07.xlsx``).
FILE_STEMS = {
    "gaps": "kompetenzluecken",
    "participation": "teilnahme",
    "demand": "nachfrage",
    "trends": "entwicklung",
    "cohorts": "kohorten",
    "matrix": "kompetenzmatrix",
    "compliance": "pflichtschulungen",
}


@bp.get("/bericht/<key>.<any(csv, xlsx, pdf):fmt>", endpoint="export")
@requires("reports.view")
def export(key: str, fmt: str) -> Response:
    user, now = acting_user(), utcnow()
    report = report_request(key, user, now).report
    if report is None:  # invalid filters: the page shows the messages
        target = url_for("reports.report", key=key, **request.args.to_dict())
        return redirect(target, code=303)  # type: ignore[return-value]
    filename = f"{FILE_STEMS.get(key, 'bericht')}-{today(now).isoformat()}.{fmt}"
    details = {"key": key, "format": fmt, "filters": filters_dict(report.filters)}
    record(user, "report.exported", "report", key, details=details, now=now)
    people = exported_people(report, fmt)
    purpose = access_purpose("report.exported", report=german(report.title), format=fmt.upper())
    record_accesses(user, people, ACCESS_REPORT, purpose, now=now)
    if fmt == "csv":
        db.session.commit()
        return attachment(stream_with_context(csv_bytes(report)), fmt, filename)
    chunks, length = spooled(report, fmt)
    db.session.commit()
    del report
    return attachment(chunks, fmt, filename, length)
