"""HR pages for certificates: the external-certificate form (happy path, validation,
permissions) and reissue (recertification) with its history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AuditLogEntry
from academy.frameworks.models import FrameworkLevel
from reports.certificates import certificates as svc
from reports.certificates.models import Certificate
from tests import factories
from tests.courses.support import NOW, hr
from tests.talent import factories as tf

URL = "/berichte/zertifikate/extern"


def _competence(db: Any):
    comp = tf.competence()
    for n in range(1, 5):
        db.session.add(
            FrameworkLevel(
                framework_id=comp.framework_id, level=n, name_de=f"Stufe {n}", name_en=f"L{n}"
            )
        )
    db.session.flush()
    return comp


def _count(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def _form(emp: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "personnel_no": emp.personnel_no,
        "title": "ITIL 4 Foundation – Prüfung bestanden",
        "ue": "24",
        "completed_on": "2030-02-10",
        "valid_until": "2033-02-10",
    }
    data.update(overrides)
    return data


def test_hr_issues_external_certificate(client, db, login_as):
    comp = _competence(db)
    emp = factories.employee(first_name="Jörg", last_name="Weiß")
    login_as(Role.HR)
    page = client.get(URL)
    assert page.status_code == 200
    assert b'name="personnel_no"' in page.data and b"competences-2-level" in page.data
    form = _form(emp, **{"competences-0-competence": str(comp.id), "competences-0-level": "3"})
    response = client.post(URL, data=form)
    assert response.status_code == 302
    cert = db.session.scalar(select(Certificate).where(Certificate.employee_id == emp.id))
    assert response.headers["Location"].endswith(f"/berichte/zertifikate/{cert.id}")
    assert cert.kind == "external"
    assert cert.recipient_name == "Jörg Weiß"
    assert cert.ue == 24
    assert cert.completed_on == date(2030, 2, 10)
    assert cert.valid_until == date(2033, 2, 10)
    assert cert.competences == [
        {"code": comp.code, "name_de": comp.name_de, "name_en": comp.name_en, "level": 3}
    ]
    assert db.session.scalar(
        select(AuditLogEntry).where(
            AuditLogEntry.object_type == "certificate",
            AuditLogEntry.object_id == str(cert.id),
            AuditLogEntry.action == "certificate.issued",
        )
    )


def test_validation_errors_change_nothing(client, db, login_as):
    comp = _competence(db)
    emp = factories.employee()
    login_as(Role.HR)
    before = _count(db)
    cases = [
        (_form(emp, personnel_no="NOPE-0"), b'id="personnel_no-error"'),
        (_form(emp, title=""), b'id="title-error"'),
        (_form(emp, ue="0"), b'id="ue-error"'),
        (_form(emp, completed_on="kein Datum"), b'id="completed_on-error"'),
        (_form(emp, valid_until="2029-01-01"), b'id="valid_until-error"'),
        (
            _form(emp, **{"competences-0-competence": str(comp.id), "competences-0-level": "9"}),
            b'id="competences-0-level-error"',
        ),
        (
            _form(emp, **{"competences-1-competence": "", "competences-1-level": "2"}),
            b'id="competences-1-competence-error"',
        ),
    ]
    for data, marker in cases:
        response = client.post(URL, data=data)
        assert 400 <= response.status_code < 500, data
        assert marker in response.data, data
        assert b'aria-invalid="true"' in response.data
    assert _count(db) == before


def test_employee_and_head_may_not_issue(client, db, login_as):
    emp = factories.employee()
    login_as(Role.EMPLOYEE)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=_form(emp)).status_code == 403
    assert _count(db) == 0


def test_reissue_keeps_history_and_old_code_verifies(client, db, login_as):
    emp = factories.employee()
    old = svc.issue_external(
        hr(), emp, "Scrum Master", 16, date(2029, 1, 5), [], date(2030, 4, 1), NOW
    )
    db.session.flush()
    login_as(Role.HR)
    page = client.get(f"/berichte/zertifikate/{old.id}")
    assert b"/neu-ausstellen" in page.data and b"data-confirm" in page.data
    response = client.post(f"/berichte/zertifikate/{old.id}/neu-ausstellen")
    assert response.status_code == 302
    new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == old.id))
    assert new is not None and new.id != old.id
    assert new.code != old.code and new.serial != old.serial
    assert response.headers["Location"].endswith(f"/berichte/zertifikate/{new.id}")
    # The old certificate is unchanged and still verifies as valid until it expires.
    db.session.refresh(old)
    assert old.revoked_at is None and old.valid_until == date(2030, 4, 1)
    detail_new = client.get(f"/berichte/zertifikate/{new.id}").data.decode()
    assert "Replaces" in detail_new or "Ersetzt" in detail_new
    assert old.serial in detail_new
    detail_old = client.get(f"/berichte/zertifikate/{old.id}").data.decode()
    assert new.serial in detail_old
    verify = client.get(f"/berichte/pruefen/{old.code}")
    assert verify.status_code == 200
    assert old.recipient_name.encode() in verify.data


def test_employee_may_not_reissue(client, db, login_as):
    emp, _ = factories.employee(), None
    cert = svc.issue_external(hr(), emp, "Scrum Master", 16, date(2029, 1, 5), [], None, NOW)
    user = login_as(Role.EMPLOYEE)
    user.employee_id = emp.id
    db.session.flush()
    assert client.post(f"/berichte/zertifikate/{cert.id}/neu-ausstellen").status_code == 403
    assert db.session.scalar(select(Certificate).where(Certificate.replaces_id == cert.id)) is None
