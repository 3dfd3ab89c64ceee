"""The pages: own data only (whatever id is typed), HR's export on request with a
required reason, logged in the audit log and the access log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry, AuditLogEntry
from academy.extensions import db
from academy.privacy.disclosure import PURPOSE
from tests import factories


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(AuditLogEntry)),
        db.session.scalar(select(func.count()).select_from(AccessLogEntry)),
    )


def test_account_page_links_to_the_download_page(client, login_as):
    login_as(Role.EMPLOYEE)
    page = client.get("/konto").get_data(as_text=True)
    assert "/konto/meine-daten" in page and "Meine Daten herunterladen" in page
    page = client.get("/konto/meine-daten")
    assert page.status_code == 200
    assert "Personalstammdaten" in page.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_own_download(client, login_as, fmt):
    me = login_as(Role.EMPLOYEE)
    response = client.get(f"/konto/meine-daten.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    if fmt == "json":
        assert response.get_json()["person"]["E-Mail"] == me.email


def test_a_typed_id_still_gives_only_own_data(client, login_as):
    other = factories.user()
    me = login_as(Role.EMPLOYEE)
    for url in (
        f"/konto/meine-daten.json?employee_id={other.employee_id}",
        f"/konto/meine-daten.json?user_id={other.id}&id={other.employee_id}",
    ):
        text = client.get(url).get_data(as_text=True)
        data = json.loads(text)
        assert data["person"]["Personalnummer"] == me.employee.personnel_no
        assert other.email not in text
    assert client.get("/konto/meine-daten.xml").status_code == 404


@pytest.mark.parametrize(
    "roles", [(Role.EMPLOYEE,), (Role.HEAD,), (Role.ADMIN,), (Role.COUNCIL,), (Role.TRAINER,)]
)
def test_only_hr_may_export_someone_else(client, login_as, roles):
    other = factories.employee()
    login_as(*roles)
    before = _counts()
    for employee_id in (other.id, other.id + 10_000, 0):
        url = f"/organisation/beschaeftigte/{employee_id}/auskunft"
        assert client.get(url).status_code == 403
        assert client.post(url, data={"reason": "x", "format": "json"}).status_code == 403
    assert _counts() == before


def test_employee_page_shows_the_form_to_hr_only(client, login_as):
    other = factories.employee()
    login_as(Role.HR)
    page = client.get(f"/organisation/beschaeftigte/{other.id}").get_data(as_text=True)
    assert f"/organisation/beschaeftigte/{other.id}/auskunft" in page
    head = factories.user(Role.HEAD, emp=factories.employee(other.department))
    from tests.conftest import log_in

    log_in(client, head)
    page = client.get(f"/organisation/beschaeftigte/{other.id}").get_data(as_text=True)
    assert "/auskunft" not in page


def test_hr_needs_a_reason_and_a_known_format(client, login_as):
    other = factories.employee()
    login_as(Role.HR)
    url = f"/organisation/beschaeftigte/{other.id}/auskunft"
    before = _counts()
    response = client.post(url, data={"reason": "  ", "format": "pdf"})
    assert response.status_code == 422
    assert "Bitte geben Sie den Anlass des Ersuchens an." in response.get_data(as_text=True)
    response = client.post(url, data={"reason": "Anfrage vom 1.3.", "format": "exe"})
    assert response.status_code == 422
    assert "Bitte wählen Sie PDF oder JSON." in response.get_data(as_text=True)
    assert _counts() == before
    assert client.get("/organisation/beschaeftigte/999999/auskunft").status_code == 404


def test_hr_export_is_logged_in_audit_and_access_log(client, login_as):
    other = factories.user()
    hr = login_as(Role.HR)
    url = f"/organisation/beschaeftigte/{other.employee_id}/auskunft"
    response = client.post(url, data={"reason": "Schreiben vom 3. März", "format": "json"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["person"]["Personalnummer"] == other.employee.personnel_no
    assert data["konto"][0]["E-Mail"] == other.email
    audit = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "privacy.exported")
    ).one()
    assert (audit.actor_id, audit.object_id) == (hr.id, str(other.employee_id))
    assert audit.reason == "Schreiben vom 3. März"
    access = db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.what == "privacy.export")
    ).one()
    assert (access.actor_id, access.subject_id, access.purpose) == (
        hr.id,
        other.employee_id,
        PURPOSE,
    )
    # the person sees it in their own export: who viewed their data, for what purpose
    assert any(e["Zweck"] == PURPOSE for e in data["einsichtnahmen"])
    response = client.post(url, data={"reason": "Erneut", "format": "pdf"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_account_without_personnel_record_and_record_without_account(client, login_as):
    admin = login_as(Role.ADMIN, account=factories.user(Role.ADMIN, with_employee=False))
    data = client.get("/konto/meine-daten.json").get_json()
    assert data["personalstammdaten"] == [] and data["konto"][0]["E-Mail"] == admin.email
    assert client.get("/konto/meine-daten.pdf").data.startswith(b"%PDF")
    no_account = factories.employee()
    login_as(Role.HR)
    url = f"/organisation/beschaeftigte/{no_account.id}/auskunft"
    data = client.post(url, data={"reason": "Brief", "format": "json"}).get_json()
    assert data["konto"] == [] and data["personalstammdaten"][0]["Personalnummer"] == (
        no_account.personnel_no
    )
