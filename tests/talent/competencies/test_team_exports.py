"""The team exports of a large view are made in the background (``academy.jobs``): the
page offers a button instead of a link, the direct links send the user back to it, the
job makes the same file (and logs every exported member), the requester downloads it
— and nobody can start one for a department outside their team."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.clock import utcnow
from academy.extensions import db
from academy.jobs.models import ExportJob, JobStatus
from academy.jobs.runner import run_waiting_jobs
from tests.talent import factories as tf


@pytest.fixture()
def background(app: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "TEAM_EXPORT_BACKGROUND_MEMBERS", 2)
    monkeypatch.setitem(app.config, "EXPORT_JOB_RUNNER", "tick")


@pytest.fixture()
def team(make: Any) -> Any:
    dept = make.department("Amt für Digitales")
    head = make.user(Role.HEAD, emp=make.employee(dept))
    role = make.job_role()
    competence = tf.competence()
    tf.target(role, competence, 3)
    members = [make.employee(dept, job_role=role, last_name=f"Muster{n}") for n in range(3)]
    tf.head_rating(members[0], competence, 1)
    outsider = make.employee(make.department("Ordnungsamt"), job_role=role)
    return head, members, outsider


def test_a_large_view_is_exported_in_the_background(client, login_as, team, background):
    head, members, _outsider = team
    login_as(account=head)
    page = client.get("/talente/team").get_data(as_text=True)
    assert 'id="team-export-job"' in page and "/talente/team.csv" not in page
    direct = client.get("/talente/team.xlsx")
    assert direct.status_code == 302 and direct.headers["Location"].endswith("/talente/team")
    started = client.post("/talente/team/export", data={"format": "xlsx"})
    assert started.status_code == 303
    job_id = int(re.search(r"/exporte/(\d+)$", started.headers["Location"]).group(1))
    assert client.get(f"/exporte/{job_id}/stand").get_json()["status"] == "waiting"
    run_waiting_jobs(utcnow())
    state = client.get(f"/exporte/{job_id}/stand").get_json()
    assert state["status"] == JobStatus.DONE.value
    sheet = load_workbook(io.BytesIO(client.get(state["download"]).data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert [n for n in names if n and n.startswith("Muster")] == [
        f"Muster{n}, Jörg" for n in range(3)
    ]
    logged = db.session.scalars(
        select(AccessLogEntry.subject_id).where(AccessLogEntry.what == "team.export")
    )
    assert {m.id for m in members} <= set(logged)


def test_nobody_starts_an_export_of_another_team(client, login_as, team, background):
    head, _members, outsider = team
    login_as(account=head)
    url = f"/talente/team/export?department={outsider.department_id}"
    assert client.post(url, data={"format": "csv"}).status_code == 403
    login_as(Role.EMPLOYEE)
    assert client.post("/talente/team/export", data={"format": "csv"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 0


def test_an_unknown_format_is_made_as_xlsx(client, login_as, team, background):
    head, _members, _outsider = team
    login_as(account=head)
    client.post("/talente/team/export", data={"format": "<script>"})
    job = db.session.scalar(select(ExportJob))
    assert job.params["format"] == "xlsx"
