"""Background exports (``academy.jobs``): a job is made once (claimed by a conditional
UPDATE), fails with a German message the requester reads, is taken up again when its
maker died, and is deleted after ``EXPORT_JOB_HOURS``; its pages show progress and the
download to the requester only, whatever id anyone else types."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from academy.clock import utcnow
from academy.errors import NotFound, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.jobs.models import ExportJob, JobStatus
from academy.jobs.runner import (
    JobFile,
    claim,
    own_job,
    purge_old_jobs,
    register_job_kind,
    request_job,
    run_job,
    run_waiting_jobs,
)
from tests import factories

KIND = "test.rows"


def _produce(job: ExportJob, actor: Any, progress: Any) -> JobFile:
    if job.params.get("fail"):
        raise ValidationFailed(N_("This department is not part of your team."))
    progress(1, 2)
    rows = "\n".join(f"{n};{actor.email}" for n in range(job.params["rows"]))
    return JobFile("zeilen.csv", "text/csv", rows.encode())


@pytest.fixture(autouse=True)
def kind(app: Any) -> None:
    register_job_kind(KIND, _produce)


def test_a_job_is_made_once_and_keeps_its_file(db: Any) -> None:
    user = factories.user()
    job = request_job(user, KIND, "Zeilen", {"rows": 3}, now=utcnow())
    assert job.status == JobStatus.WAITING.value
    assert run_job(job.id) is True
    db.session.refresh(job)
    assert (job.status, job.progress, job.attempts) == (JobStatus.DONE.value, 100, 1)
    assert job.content == f"0;{user.email}\n1;{user.email}\n2;{user.email}".encode()
    assert job.filename == "zeilen.csv" and job.finished_at is not None
    assert run_job(job.id) is False  # done: nobody claims it again
    assert claim(job.id, utcnow()) is False


def test_a_failure_is_kept_as_a_german_message(db: Any) -> None:
    user = factories.user()
    job = request_job(user, KIND, "Zeilen", {"rows": 1, "fail": True}, now=utcnow())
    run_job(job.id)
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED.value
    assert job.error == "Dieser Bereich gehört nicht zu Ihrem Team."
    assert job.content is None


def test_a_running_job_whose_maker_died_is_taken_up_by_the_tick(db: Any, app: Any) -> None:
    user = factories.user()
    now = utcnow()
    job = request_job(user, KIND, "Zeilen", {"rows": 2}, now=now)
    assert claim(job.id, now) is True  # a worker took it and died
    assert claim(job.id, now + timedelta(minutes=1)) is False  # still fresh
    run_waiting_jobs(now + timedelta(minutes=1))
    db.session.refresh(job)
    assert job.status == JobStatus.RUNNING.value
    run_waiting_jobs(now + timedelta(minutes=10))  # heartbeat older than STALE
    db.session.refresh(job)
    assert (job.status, job.attempts) == (JobStatus.DONE.value, 2)


def test_unknown_kinds_and_other_peoples_jobs_are_not_found(db: Any) -> None:
    owner, other = factories.user(), factories.user()
    with pytest.raises(NotFound):
        request_job(owner, "no.such.kind", "X", {}, now=utcnow())
    job = request_job(owner, KIND, "Zeilen", {"rows": 1}, now=utcnow())
    assert own_job(owner, job.id) is job
    with pytest.raises(NotFound):
        own_job(other, job.id)
    with pytest.raises(NotFound):
        own_job(owner, 10**9)


def test_old_files_are_deleted(db: Any, app: Any) -> None:
    user = factories.user()
    now = utcnow()
    old = request_job(user, KIND, "alt", {"rows": 1}, now=now - timedelta(hours=25))
    new = request_job(user, KIND, "neu", {"rows": 1}, now=now - timedelta(hours=1))
    purge_old_jobs(now)
    left = set(db.session.scalars(select(ExportJob.id)))
    assert new.id in left and old.id not in left


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def test_the_requester_follows_the_job_to_its_download(client: Any, login_as: Any) -> None:
    user = login_as()
    job = request_job(user, KIND, "Zeilen für Tests", {"rows": 2}, now=utcnow())
    db.session.commit()
    page = client.get(f"/exporte/{job.id}").get_data(as_text=True)
    assert "Zeilen für Tests" in page and 'id="job-progress"' in page
    assert "Wartet auf den Start" in page
    state = client.get(f"/exporte/{job.id}/stand").get_json()
    assert state["status"] == "waiting" and state["download"] is None
    assert client.get(f"/exporte/{job.id}/datei").status_code == 409  # not ready
    run_job(job.id)
    state = client.get(f"/exporte/{job.id}/stand").get_json()
    assert state["status"] == "done" and state["progress"] == 100
    download = client.get(state["download"])
    assert download.status_code == 200 and download.data.startswith(b"0;")
    assert "attachment" in download.headers["Content-Disposition"]
    listing = client.get("/exporte").get_data(as_text=True)
    assert "Zeilen für Tests" in listing and f"/exporte/{job.id}/datei" in listing


def test_nobody_else_sees_a_job_whatever_id_they_type(client: Any, login_as: Any) -> None:
    owner = factories.user()
    job = request_job(owner, KIND, "Geheim", {"rows": 1}, now=utcnow())
    run_job(job.id)
    login_as()
    for url in (f"/exporte/{job.id}", f"/exporte/{job.id}/stand", f"/exporte/{job.id}/datei"):
        assert client.get(url).status_code == 404, url
    assert client.get("/exporte/99999999").status_code == 404
    assert "Geheim" not in client.get("/exporte").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client: Any, db: Any) -> None:
    response = client.get("/exporte")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 0
