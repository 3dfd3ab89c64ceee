"""Certificates: issuance on completion, serials and codes, revocation, expiry, the
public verification page, throttling, Open Badges JSON and permissions."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.accounts.models import LoginAttempt, Role
from academy.audit.models import AuditLogEntry
from academy.errors import PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence
from courses.catalogue.models import CourseOutcome
from courses.enrolment import attendance
from courses.enrolment.models import EnrolmentState
from reports.certificates import certificates as svc
from reports.certificates.models import Certificate
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import NOW, head_of, hr, person

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}$")


def _completed(name: str = "Jürgen", validity: int | None = None):
    course = cf.course("Datenkompetenz für Führungskräfte", duration_ue=16,
                       validity_months=validity)  # fmt: skip
    comp = db.session.scalars(select(Competence).limit(1)).first()
    if comp is not None:
        db.session.add(CourseOutcome(course=course, competence=comp, level=2))
        db.session.flush()
    running = cf.session(course, starts_at=NOW - timedelta(hours=2))
    emp = factories.employee(first_name=name, last_name="Weiß-Öztürk")
    enrolment = cf.enrolment(running, emp, state=EnrolmentState.CONFIRMED)
    trainer = hr()
    attendance.mark_attendance(trainer, enrolment, True, NOW)
    attendance.record_result(trainer, enrolment, True, NOW)
    cert = db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    return enrolment, cert, comp


def test_completion_issues_snapshot_certificate(db):
    enrolment, cert, comp = _completed()
    assert cert is not None
    assert cert.recipient_name == "Jürgen Weiß-Öztürk"
    assert cert.title.startswith("Datenkompetenz für Führungskräfte (")
    assert cert.ue == 16
    assert cert.completed_on == date(2030, 3, 4)
    assert cert.started_on == date(2030, 3, 4)
    assert cert.kind == "course"
    assert cert.valid_until is None
    assert cert.serial == f"2030-{cert.number:05d}"
    assert CODE.match(cert.code)
    assert cert.recipient_hash.startswith("sha256$") and len(cert.recipient_hash) == 71
    if comp is not None:
        assert cert.competences == [
            {"code": comp.code, "name_de": comp.name_de, "name_en": comp.name_en, "level": 2}
        ]
    entry = db.session.scalar(
        select(AuditLogEntry).where(
            AuditLogEntry.object_type == "certificate", AuditLogEntry.object_id == str(cert.id)
        )
    )
    assert entry.action == "certificate.issued"
    # A later change of name does not alter the certificate.
    enrolment.employee.last_name = "Schmidt"
    db.session.flush()
    db.session.refresh(cert)
    assert cert.recipient_name == "Jürgen Weiß-Öztürk"


def test_idempotent_and_serials_per_year(db):
    enrolment, cert, _ = _completed()
    assert svc.issue_for_enrolment(enrolment, NOW) is cert
    _, second, _ = _completed()
    assert second.year == cert.year and second.number == cert.number + 1
    assert second.code != cert.code
    emp = factories.employee()
    later = svc.issue_external(hr(), emp, "Scrum Master", 16, date(2031, 1, 5), [], None,
                               NOW.replace(year=2031))  # fmt: skip
    assert later.serial == f"2031-{later.number:05d}"
    assert later.number == 1 + (
        db.session.scalar(select(db.func.count()).where(Certificate.year == 2031)) - 1
    )


def test_code_format_and_normalisation():
    codes = {svc.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(CODE.match(c) for c in codes)
    code = next(iter(codes))
    assert svc.normalise_code(" " + code.lower().replace("-", " ")) == code
    assert svc.normalise_code("ABC") is None
    assert svc.add_months(date(2030, 1, 31), 1) == date(2030, 2, 28)
    assert svc.add_months(date(2031, 12, 31), 2) == date(2032, 2, 29)


def test_validity_expiry_revocation_and_reissue(db):
    _, cert, _ = _completed(validity=12)
    assert cert.valid_until == date(2031, 3, 4)
    assert cert.status(date(2031, 3, 4)) == "valid"
    assert cert.status(date(2031, 3, 5)) == "expired"
    boss = hr()
    emp_user = factories.user()
    with pytest.raises(PermissionDenied):
        svc.revoke(emp_user, cert, "Fehler", NOW)
    with pytest.raises(ValidationFailed):
        svc.revoke(boss, cert, "  ", NOW)
    new = svc.reissue(boss, cert, NOW + timedelta(days=400))
    assert new.replaces_id == cert.id and new.code != cert.code and new.serial != cert.serial
    assert new.valid_until == date(2032, 4, 8)
    svc.revoke(boss, cert, "Täuschung", NOW)
    assert cert.status(date(2030, 3, 5)) == "revoked"
    assert new.status(date(2030, 3, 5)) == "valid"
    actions = set(db.session.scalars(select(AuditLogEntry.action).where(
        AuditLogEntry.object_type == "certificate")))  # fmt: skip
    assert {"certificate.issued", "certificate.reissued", "certificate.revoked"} <= actions


def test_public_verification(client, db):
    _, cert, _ = _completed()
    messy = cert.code.lower().replace("-", " ")
    res = client.post("/berichte/pruefen", data={"code": messy})
    assert res.status_code == 302
    res = client.get(res.headers["Location"])
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "Jürgen Weiß-Öztürk" in page and "Datenkompetenz" in page
    emp = db.session.get(Certificate, cert.id)
    employee = db.session.get(factories.Employee, emp.employee_id)
    assert employee.email not in page and employee.personnel_no not in page
    assert "Valid" in page or "Gültig" in page
    # expired
    cert.valid_until = date(2020, 1, 1)
    db.session.commit()
    page = client.get(f"/berichte/pruefen/{cert.code}").get_data(as_text=True)
    assert "Expired" in page or "Abgelaufen" in page
    svc.revoke(hr(), cert, "Fehler", NOW)
    db.session.commit()
    page = client.get(f"/berichte/pruefen/{cert.code}").get_data(as_text=True)
    assert "Revoked" in page or "Widerrufen" in page
    unknown = client.get("/berichte/pruefen/AAAA-BBBB-CCCC-DDDD-EEEE")
    assert unknown.status_code == 404
    assert "Jürgen" not in unknown.get_data(as_text=True)


def test_throttling_unknown_codes(client, app, db):
    _, cert, _ = _completed()
    limit = int(app.config.get("VERIFY_THROTTLE_MAX", 30))
    for _ in range(limit):
        assert client.get("/berichte/pruefen/AAAA-BBBB-CCCC-DDDD-EEEE").status_code == 404
    refused = client.get("/berichte/pruefen/AAAA-BBBB-CCCC-DDDD-EEEE")
    assert refused.status_code == 429
    assert "Bitte warten Sie" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # A valid code is never refused, nor are its Open Badges documents.
    assert client.get(f"/berichte/pruefen/{cert.code}").status_code == 200
    assert client.get(f"/berichte/pruefen/{cert.code}/assertion.json").status_code == 200
    keys = set(db.session.scalars(select(LoginAttempt.key)))
    assert any(k.startswith("verify:") for k in keys)


def test_open_badges_json(client, db):
    _, cert, _ = _completed(validity=24)
    res = client.get(f"/berichte/pruefen/{cert.code}/assertion.json")
    assert res.status_code == 200
    body = res.get_json()
    assert body["type"] == "Assertion"
    assert body["id"].endswith(f"/berichte/pruefen/{cert.code}/assertion.json")
    assert body["recipient"]["hashed"] is True
    assert body["recipient"]["identity"] == cert.recipient_hash
    assert body["verification"] == {"type": "hosted"}
    assert body["expires"].startswith("2032-03-04")
    badge = client.get(body["badge"]).get_json()
    assert badge["type"] == "BadgeClass" and badge["name"] == cert.title
    assert badge["criteria"]["narrative"]
    issuer = client.get(badge["issuer"]).get_json()
    assert issuer["type"] == "Profile" and issuer["name"]
    assert client.get(badge["image"]).status_code == 200
    svc.revoke(hr(), cert, "Fehler", NOW)
    db.session.commit()
    res = client.get(f"/berichte/pruefen/{cert.code}/assertion.json")
    assert res.status_code == 410
    assert res.get_json()["revoked"] is True
    assert res.get_json()["revocationReason"] == "Fehler"


def test_permissions(client, db, login_as):
    _, cert, _ = _completed()
    # anonymous: login for the private pages
    assert client.get(f"/berichte/zertifikate/{cert.id}").status_code == 302
    assert client.get("/berichte/zertifikate").status_code == 302
    assert client.get("/berichte/pruefen").status_code == 200
    _other, other_user = person()
    login_as(account=other_user)
    assert client.get(f"/berichte/zertifikate/{cert.id}").status_code == 403
    assert cert.recipient_name not in client.get("/berichte/zertifikate").get_data(as_text=True)
    owner = factories.user(emp=db.session.get(factories.Employee, cert.employee_id))
    login_as(account=owner)
    assert client.get(f"/berichte/zertifikate/{cert.id}").status_code == 200
    assert cert.serial in client.get("/berichte/zertifikate").get_data(as_text=True)
    assert client.post(f"/berichte/zertifikate/{cert.id}/widerrufen",
                       data={"reason": "x"}).status_code == 403  # fmt: skip
    login_as(Role.HR)
    assert cert.serial in client.get("/berichte/zertifikate?q=weiß").get_data(as_text=True)
    res = client.post(f"/berichte/zertifikate/{cert.id}/widerrufen", data={"reason": "Irrtum"})
    assert res.status_code == 302
    db.session.refresh(cert)
    assert cert.revoked_reason == "Irrtum"


def test_head_sees_team_certificates(client, db, login_as):
    _, cert, _ = _completed()
    holder = db.session.get(factories.Employee, cert.employee_id)
    login_as(account=head_of(holder.department))
    assert client.get(f"/berichte/zertifikate/{cert.id}").status_code == 200
    assert cert.serial in client.get("/berichte/zertifikate").get_data(as_text=True)
    login_as(account=head_of(factories.department()))
    assert client.get(f"/berichte/zertifikate/{cert.id}").status_code == 403


def test_pdf_download_only_for_those_who_may_see_it(client, login_as):
    import subprocess

    _, cert, _ = _completed()
    owner = factories.user(emp=db.session.get(factories.Employee, cert.employee_id))
    login_as(account=owner)
    response = client.get(f"/berichte/zertifikate/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Weiß-Öztürk" in text and cert.code in text
    _other, other_user = person()
    login_as(account=other_user)
    assert client.get(f"/berichte/zertifikate/{cert.id}.pdf").status_code == 403
