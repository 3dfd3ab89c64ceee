"""The team view's exports: made in the request for a team of up to
``TEAM_EXPORT_BACKGROUND_MEMBERS`` members, else as a background job (``academy.jobs``)
that the requester follows on its page. Either way every exported member gets an entry
in the access log ("team.export")."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit.log import access_purpose, record_accesses
from academy.clock import utcnow
from academy.extensions import db
from academy.jobs.models import ExportJob
from academy.jobs.runner import JobFile, Progress, register_job_kind, request_job
from academy.org.models import Employee
from talent.competencies.gaps import member_conditions
from talent.competencies.pages.team import TeamFilters, export_file

#: What the access log records for an export (one entry per member in the file).
EXPORT_ACCESS = "team.export"
#: The job kind of a team export.
JOB_KIND = "team.export"
FORMATS = ("csv", "xlsx")


def members_in_view(user: User, filters: TeamFilters) -> int:
    """How many members the view has (before "only gaps"): one count."""
    conditions = member_conditions(user, filters.department_id, filters.job_role_id)
    return int(db.session.scalar(select(func.count()).select_from(Employee).where(*conditions)))


def in_background(user: User, filters: TeamFilters) -> bool:
    limit = int(current_app.config.get("TEAM_EXPORT_BACKGROUND_MEMBERS", 5000))
    return members_in_view(user, filters) > limit


def export_now(user: User, filters: TeamFilters, kind: str, now: datetime) -> JobFile:
    """The file, made in the request; the access log entries are added (not committed)."""
    made, grid = export_file(user, filters, kind, now)
    purpose = access_purpose(EXPORT_ACCESS, format=kind.upper())
    record_accesses(user, [m.id for m in grid.members], EXPORT_ACCESS, purpose, now=now)
    return made


def request_export(user: User, filters: TeamFilters, kind: str, now: datetime) -> ExportJob:
    """A background job for the file (the caller commits and starts it); a department
    outside the user's scope is refused now (``PermissionDenied``), not in the job."""
    member_conditions(user, filters.department_id, filters.job_role_id)
    title = gettext("Team competencies as %(format)s", format=kind.upper())
    return request_job(user, JOB_KIND, title, {**filters.as_params(), "format": kind}, now=now)


def _produce(job: ExportJob, actor: User, progress: Progress) -> JobFile:
    kind = job.params.get("format")
    kind = kind if kind in FORMATS else "xlsx"
    filters = TeamFilters.from_params(job.params)
    now = utcnow()
    made, grid = export_file(actor, filters, kind, now, progress)
    purpose = access_purpose(EXPORT_ACCESS, format=kind.upper())
    record_accesses(actor, [m.id for m in grid.members], EXPORT_ACCESS, purpose, now=now)
    return made


def register() -> None:
    register_job_kind(JOB_KIND, _produce)
