"""The results of course evaluations: the overview (/berichte/bewertungen: HR everything,
trainers their sessions, the staff council aggregates), one session's results
(/berichte/bewertungen/termine/<session>: its trainer and HR) and both as CSV, XLSX and
PDF. Only released rounds are shown (``courses.evaluations.results``)."""

from __future__ import annotations

import io

from flask import render_template
from werkzeug.wrappers import Response

import courses.evaluations.policy  # noqa: F401 - registers the evaluation actions
from academy.audit.log import access_purpose, record, record_accesses
from academy.auth.policy import requires
from academy.clock import to_berlin, utcnow
from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from courses.evaluations.results import RELEASED
from reports import bp
from reports.evaluations import ACCESS_EVALUATION
from reports.evaluations.files import csv_text, write_xlsx
from reports.evaluations.pages import (
    Reader,
    filter_form,
    overview_page,
    overview_report,
    session_for,
    session_page,
    session_report,
    trainer_employee,
    trainers_shown,
)
from reports.evaluations.pdf import write_pdf
from reports.evaluations.report import EvaluationReport
from reports.exports.download import attachment

NAME = N_("Course evaluations")
add_nav(NavItem("reports.evaluations", NAME, "evaluations.results_hr", "hr", order=41))
add_nav(NavItem("reports.evaluations", NAME, "evaluations.results_council", "council", order=41))
add_nav(NavItem("reports.evaluations", NAME, "evaluations.results_trainer", "main", order=41))


def _file(report: EvaluationReport, fmt: str) -> Response:
    if fmt == "csv":
        content = csv_text(report)
    else:
        buffer = io.BytesIO()
        (write_xlsx if fmt == "xlsx" else write_pdf)(report, buffer)
        content = buffer.getvalue()
    day = to_berlin(report.generated_at).date().isoformat()
    return attachment(content, fmt, f"{report.key}-{day}.{fmt}", len(content))


@bp.get("/bewertungen", endpoint="evaluations")
@requires("evaluations.results")
def evaluations() -> str:
    reader, now = Reader.of(acting_user()), utcnow()
    context, people = overview_page(reader, now)
    html = render_template("reports/evaluations/index.html", **context)
    if people:
        purpose = access_purpose("evaluations.trainers_viewed")
        record_accesses(reader.user, people, ACCESS_EVALUATION, purpose, now=now)
        db.session.commit()
    return html


@bp.get("/bewertungen.<any(csv, xlsx, pdf):fmt>", endpoint="evaluations_export")
@requires("evaluations.results")
def evaluations_export(fmt: str) -> Response:
    reader, now = Reader.of(acting_user()), utcnow()
    form = filter_form(reader, now)
    if not form.validate():
        raise Conflict(N_("Please correct the filters on the page first."))
    report = overview_report(reader, form, now)
    record(
        reader.user,
        "evaluation_results.exported",
        "evaluation_results",
        None,
        details={"format": fmt.upper()},
        now=now,
    )
    if people := trainers_shown(report, reader):
        purpose = access_purpose("evaluations.trainers_exported", format=fmt.upper())
        record_accesses(reader.user, people, ACCESS_EVALUATION, purpose, now=now)
    db.session.commit()
    return _file(report, fmt)


@bp.get("/bewertungen/termine/<int:session_id>", endpoint="evaluation_session")
@requires("evaluations.session_results")
def evaluation_session(session_id: int) -> str:
    user, now = acting_user(), utcnow()
    context, people = session_page(session_id, now)
    html = render_template("reports/evaluations/session.html", **context)
    session = context["session"]
    day = to_berlin(session.starts_at).strftime("%d.%m.%Y")
    purpose = access_purpose("evaluation.viewed", course=session.course.title, date=day)
    if record_accesses(user, people, ACCESS_EVALUATION, purpose, now=now):
        db.session.commit()
    return html


@bp.get(
    "/bewertungen/termine/<int:session_id>.<any(csv, xlsx, pdf):fmt>",
    endpoint="evaluation_session_export",
)
@requires("evaluations.session_results")
def evaluation_session_export(session_id: int, fmt: str) -> Response:
    user, now = acting_user(), utcnow()
    session, round_ = session_for(session_id)
    report, status = session_report(session, round_, now)
    if status != RELEASED:
        raise Conflict(N_("The results of this session are not released."))
    details = {"format": fmt.upper(), "session_id": session_id}
    record(
        user, "evaluation_results.exported", "course_session", session_id, details=details, now=now
    )
    day = to_berlin(session.starts_at).strftime("%d.%m.%Y")
    purpose = access_purpose(
        "evaluation.exported", course=session.course.title, date=day, format=fmt.upper()
    )
    record_accesses(user, trainer_employee(session), ACCESS_EVALUATION, purpose, now=now)
    db.session.commit()
    return _file(report, fmt)
