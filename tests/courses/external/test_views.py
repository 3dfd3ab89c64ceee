"""External training over HTTP: the employee's form (German messages at the fields,
nothing saved on bad input; the offer file checked by content), who may open a request
(the employee, heads of their subtree, HR — never a colleague or another unit's head,
whatever id is typed), deciding, the files served as downloads only, the learning
record's link to the request."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.audit.models import AccessLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db
from courses.external.attachments import add
from courses.external.decisions import approve
from courses.external.models import ExternalAttachment, ExternalRequest, RequestState
from courses.external.requesting import submit
from tests.courses.external.support import Office, data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def error_text(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error shown for {field_id}"
    return match.group(1)


def local(days: int) -> str:
    return to_berlin(utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT09:00")


def form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "AWS Certified Cloud Practitioner",
        "provider": "Cloud Campus GmbH",
        "starts_at": local(30),
        "ends_at": local(32),
        "mode": "online",
        "location": "",
        "duration_ue": "12",
        "cost": "890,00",
        "travel_cost": "",
        "reason": "Für die Cloud-Strategie der Stadt.",
    }
    values.update(changes)
    return values


@pytest.fixture()
def files(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXTERNAL_ATTACHMENT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture()
def office(db):
    office = Office()
    db.session.commit()
    return office


def own_request(office: Office) -> ExternalRequest:
    request = submit(office.user, office.employee, data(starts_at=utcnow() + timedelta(days=40),
                                                         ends_at=utcnow() + timedelta(days=41)),
                     utcnow())  # fmt: skip
    db.session.commit()
    return request


def test_the_employee_requests_with_the_offer_attached(client, login_as, office, files):
    login_as(account=office.user)
    assert "Externe Fortbildung beantragen" in client.get("/kurse/extern/neu").get_data(
        as_text=True
    )
    payload = form(offer=(io.BytesIO(PDF), "Angebot Cloud Campus.pdf"))
    response = client.post("/kurse/extern/neu", data=payload, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    request = db.session.scalar(select(ExternalRequest))
    assert request.state == RequestState.PENDING_HEAD and request.online
    assert [a.filename for a in request.attachments] == ["Angebot Cloud Campus.pdf"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "AWS Certified Cloud Practitioner" in page and "890,00" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": ""}, "title", "benötigt"),
        ({"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-02T09:00"}, "starts_at", "Zukunft"),
        ({"ends_at": local(29)}, "ends_at", "nach dem Beginn"),
        ({"mode": "in_person"}, "location", "wo die Fortbildung"),
        ({"cost": "viel"}, "cost", "Betrag"),
        ({"cost": "-3"}, "cost", "0 oder mehr"),
        ({"duration_ue": "0"}, "duration_ue", ""),
    ],
)
def test_bad_input_gets_a_german_message_at_the_field(
    client, login_as, office, changes, field, words
):
    login_as(account=office.user)
    response = client.post("/kurse/extern/neu", data=form(**changes))
    assert response.status_code == 422
    assert words in error_text(response.get_data(as_text=True), field)
    assert db.session.scalar(select(func.count()).select_from(ExternalRequest)) == 0


def test_a_hostile_offer_file_is_refused_at_the_field(client, login_as, office, files):
    login_as(account=office.user)
    payload = form(offer=(io.BytesIO(b"<script>alert(1)</script>"), "angebot.pdf"))
    response = client.post("/kurse/extern/neu", data=payload, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "PDF" in error_text(response.get_data(as_text=True), "offer")
    assert db.session.scalar(select(func.count()).select_from(ExternalRequest)) == 0
    assert list(files.iterdir()) == []


def test_who_sees_a_request(client, login_as, office):
    request = own_request(office)
    url = f"/kurse/extern/{request.id}"
    for account, status in (
        (office.user, 200),
        (office.head, 200),
        (office.hr, 200),
        (office.colleague_user, 403),
        (office.other_head, 403),
    ):
        login_as(account=account)
        assert client.get(url).status_code == status, account
    assert client.get("/kurse/extern/999999").status_code == 404
    login_as(account=office.colleague_user)
    assert "Professional Scrum Master" not in client.get("/kurse/extern").get_data(as_text=True)
    looked = db.session.scalar(
        select(func.count())
        .select_from(AccessLogEntry)
        .where(AccessLogEntry.subject_id == office.employee.id)
    )
    assert looked == 2  # the head and HR, not the employee


def test_deciding_over_http(client, login_as, office):
    request = own_request(office)
    login_as(account=office.other_head)
    response = client.post(f"/kurse/extern/{request.id}/entscheiden", data={"decision": "approve"})
    assert response.status_code == 403
    login_as(account=office.head)
    inbox = client.get("/kurse/extern/entscheidungen").get_data(as_text=True)
    assert f'id="request-{request.id}"' in inbox
    response = client.post(f"/kurse/extern/{request.id}/entscheiden", data={"decision": "decline"})
    assert response.status_code == 422
    assert "Begründung" in error_text(response.get_data(as_text=True), "comment")
    response = client.post(
        f"/kurse/extern/{request.id}/entscheiden",
        data={"decision": "approve", "comment": "Gern."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ExternalRequest, request.id).state == RequestState.PENDING_HR
    login_as(account=office.hr)
    page = client.get(f"/kurse/extern/{request.id}").get_data(as_text=True)
    assert 'id="budget-check"' in page and 'id="decision-form"' in page


def test_files_are_downloads_for_those_who_may_see_the_request(client, login_as, office, files):
    request = own_request(office)
    attachment = add(office.user, request, "offer", "Angebot.pdf", io.BytesIO(PDF), utcnow())
    db.session.commit()
    url = f"/kurse/extern/{request.id}/dateien/{attachment.id}"
    login_as(account=office.head)
    response = client.get(url)
    assert response.status_code == 200 and response.get_data() == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    login_as(account=office.colleague_user)
    assert client.get(url).status_code == 403
    other = own_request(office)
    login_as(account=office.user)
    assert client.get(f"/kurse/extern/{other.id}/dateien/{attachment.id}").status_code == 404
    response = client.post(f"/kurse/extern/{request.id}/dateien/{attachment.id}/entfernen")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ExternalAttachment)) == 0
    assert list(files.iterdir()) == []


def test_the_learning_record_links_an_external_course_to_its_request(client, login_as, office):
    request = own_request(office)
    approve(office.head, request, utcnow())
    approve(office.hr, request, utcnow())
    db.session.commit()
    login_as(account=office.user)
    response = client.get(f"/kurse/extern/kurs/{request.course_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/kurse/extern/{request.id}")
    assert client.get(f"/kurse/{request.course_id}").status_code == 404  # not in the catalogue
    login_as(account=office.colleague_user)
    assert client.get(f"/kurse/extern/kurs/{request.course_id}").status_code == 403
