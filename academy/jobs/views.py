"""The requester's page of a background export (/exporte/<id>): its progress, then the
download; the list of their recent exports (/exporte). Nobody sees another's job."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from academy.auth.policy import register_rule, requires
from academy.errors import Conflict
from academy.i18n import N_
from academy.jobs.models import STATUS_LABELS, ExportJob, JobStatus
from academy.jobs.runner import own_job
from academy.web.kit import acting_user, paginate

bp = Blueprint("jobs", __name__, url_prefix="/exporte")


def _own_exports(user: Any, target: Any) -> bool:
    return True  # everyone signed in, for their own exports only (checked per job)


_own_exports.everyone = True  # type: ignore[attr-defined]
register_rule("jobs.own", _own_exports)


def job_state(job: ExportJob) -> dict[str, Any]:
    """What the page and its progress script show."""
    return {
        "status": job.status,
        "label": gettext(STATUS_LABELS[JobStatus(job.status)]),
        "progress": job.progress,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "download": url_for("jobs.download", job_id=job.id)
        if job.status == JobStatus.DONE.value
        else None,
        "error": job.error,
    }


@bp.get("")
@requires("jobs.own")
def index() -> str:
    page = paginate(
        select(ExportJob)
        .where(ExportJob.requested_by_id == acting_user().id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
    )
    return render_template("academy/jobs/index.html", page=page, labels=STATUS_LABELS)


@bp.get("/<int:job_id>")
@requires("jobs.own")
def show(job_id: int) -> str:
    job = own_job(acting_user(), job_id)
    return render_template("academy/jobs/job.html", job=job, state=job_state(job))


@bp.get("/<int:job_id>/stand")
@requires("jobs.own")
def state(job_id: int) -> Response:
    return jsonify(job_state(own_job(acting_user(), job_id)))


@bp.get("/<int:job_id>/datei")
@requires("jobs.own")
def download(job_id: int) -> Response:
    job = own_job(acting_user(), job_id)
    if job.status != JobStatus.DONE.value or job.content is None:
        raise Conflict(N_("The export is not ready yet."))
    return Response(
        job.content,
        mimetype=job.mimetype or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{job.filename}"'},
    )
