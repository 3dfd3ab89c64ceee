"""Exports that take longer than a page may: made in the background, with progress.

A package registers what a kind of job makes (``register_job_kind``): a function
``producer(job, actor, progress) -> JobFile`` that reads ``job.params``, calls
``progress(done, total)`` now and then and returns the file. ``request_job`` stores the
job (a row in ``export_jobs``); the view commits and calls ``start_in_thread``, which
makes the file in a thread of the web worker at once. Should that thread die with its
worker, the tick (``flask academy tick``) takes the job up again: a job is claimed by a
conditional UPDATE (waiting, or running with a heartbeat older than ``STALE``), so two
makers never work on the same job, on one host or several. Finished files are kept for
``EXPORT_JOB_HOURS`` and then deleted (tick step and retention).

Services here take ``now`` and commit nothing but their own job row (a job's progress
must be visible to the requester's next request while it runs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update

from academy.accounts.models import User
from academy.clock import utcnow
from academy.database import reading_transactions
from academy.errors import DomainError, NotFound
from academy.extensions import db
from academy.i18n import N_
from academy.jobs.models import ExportJob, JobStatus

#: A running job whose maker has not reported for this long is taken up again.
STALE = timedelta(minutes=5)
#: Progress is written to the database at most this often (seconds).
PROGRESS_EVERY = 1.0
#: A job that failed this often is left failed.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class JobFile:
    filename: str
    mimetype: str
    content: bytes


Progress = Callable[[int, int], None]
Producer = Callable[[ExportJob, User, Progress], JobFile]

_KINDS: dict[str, Producer] = {}


def register_job_kind(kind: str, producer: Producer) -> None:
    """Registering the same kind again replaces it (several apps per process)."""
    _KINDS[kind] = producer


def job_kinds() -> list[str]:
    return sorted(_KINDS)


def request_job(
    actor: User, kind: str, title: str, params: dict[str, Any], *, now: datetime
) -> ExportJob:
    """Store a job for ``actor``; the caller commits and starts it."""
    if kind not in _KINDS:
        raise NotFound(N_("This export is not available."))
    job = ExportJob(
        kind=kind,
        title=title[:200],
        params=params,
        requested_by_id=actor.id,
        status=JobStatus.WAITING.value,
        created_at=now,
    )
    db.session.add(job)
    db.session.flush()
    return job


def own_job(actor: User, job_id: int) -> ExportJob:
    """The actor's own job (any other id, whatever it is, is "not found")."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.requested_by_id != actor.id:
        raise NotFound(N_("This export does not exist or is not yours."))
    return job


# ---------------------------------------------------------------------------
# Making the file
# ---------------------------------------------------------------------------


def claim(job_id: int, now: datetime) -> bool:
    """Take the job if nobody is making it (a conditional UPDATE; commits)."""
    claimed = db.session.execute(
        update(ExportJob)
        .where(
            ExportJob.id == job_id,
            ExportJob.attempts < MAX_ATTEMPTS,
            or_(
                ExportJob.status == JobStatus.WAITING.value,
                (ExportJob.status == JobStatus.RUNNING.value)
                & (ExportJob.heartbeat_at < now - STALE),
            ),
        )
        .values(
            status=JobStatus.RUNNING.value,
            started_at=now,
            heartbeat_at=now,
            attempts=ExportJob.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def run_job(job_id: int, now: datetime | None = None) -> bool:
    """Make the file of a job this maker could claim (at ``now``, default: the clock);
    False if someone else has it."""
    if not claim(job_id, now or utcnow()):
        return False
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    last = [time.monotonic()]  # the first report after PROGRESS_EVERY

    def progress(done: int, total: int) -> None:
        moment = time.monotonic()
        if moment - last[0] < PROGRESS_EVERY:
            return
        last[0] = moment
        _report(job_id, done, total)

    try:
        if actor is None or not actor.active:
            raise NotFound(N_("The account that asked for this export no longer exists."))
        made = _KINDS[job.kind](job, actor, progress)
    except Exception as error:  # the requester reads what went wrong on the job's page
        db.session.rollback()
        _fail(job_id, error)
        if not isinstance(error, DomainError):
            current_app.logger.exception("export job %s failed", job_id)
        return True
    job.status = JobStatus.DONE.value
    job.progress = 100
    job.rows_done = job.rows_total or job.rows_done
    job.filename, job.mimetype, job.content = made.filename, made.mimetype, made.content
    job.finished_at = job.heartbeat_at = utcnow()
    db.session.commit()
    return True


def _report(job_id: int, done: int, total: int) -> None:
    """Write the progress in a transaction of its own (the maker's work goes on)."""
    percent = min(99, int(done * 100 / total)) if total else 0
    with db.engine.begin() as connection:
        connection.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id)
            .values(progress=percent, rows_done=done, rows_total=total, heartbeat_at=utcnow())
        )


def _fail(job_id: int, error: Exception) -> None:
    from academy.i18n import translate

    if isinstance(error, DomainError):
        message = translate(error.message, **error.params)
    else:
        message = translate(N_("The export could not be made. Please try again later."))
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id)
        .values(status=JobStatus.FAILED.value, error=message, finished_at=utcnow())
    )
    db.session.commit()


def start(app: Flask, job_id: int) -> None:
    """Have the job made: in a thread of this process (``EXPORT_JOB_RUNNER`` "thread",
    the default) or by the next tick ("tick": for hosts that run no threads)."""
    if app.config.get("EXPORT_JOB_RUNNER", "thread") == "thread":
        start_in_thread(app, job_id)


def start_in_thread(app: Flask, job_id: int) -> threading.Thread:
    """Make the job's file in a thread of this process (after the caller's commit)."""

    def work() -> None:
        with app.app_context(), reading_transactions():
            try:
                run_job(job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"export-job-{job_id}", daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------------------
# The tick: jobs nobody is making, and old files
# ---------------------------------------------------------------------------


def run_waiting_jobs(now: datetime) -> str:
    """Jobs waiting for a while or abandoned by their maker (one at a time)."""
    waited = timedelta(seconds=0 if current_app.config.get("EXPORT_JOB_RUNNER") == "tick" else 30)
    due = db.session.scalars(
        select(ExportJob.id)
        .where(
            ExportJob.attempts < MAX_ATTEMPTS,
            or_(
                (ExportJob.status == JobStatus.WAITING.value)
                & (ExportJob.created_at <= now - waited),
                (ExportJob.status == JobStatus.RUNNING.value)
                & (ExportJob.heartbeat_at < now - STALE),
            ),
        )
        .order_by(ExportJob.id)
    ).all()
    db.session.commit()
    with reading_transactions():
        made = sum(1 for job_id in due if run_job(job_id, now))
    return f"{made} Export(e) im Hintergrund erstellt"


def purge_old_jobs(now: datetime) -> str:
    hours = int(current_app.config.get("EXPORT_JOB_HOURS", 24))
    deleted = db.session.execute(
        delete(ExportJob).where(ExportJob.created_at < now - timedelta(hours=hours))
    ).rowcount
    db.session.commit()
    return f"{deleted} alte(r) Export(e) gelöscht"
