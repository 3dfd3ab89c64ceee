"""Public addresses come from ``BASE_URL``, never from the Host a request used: QR codes
and verification links, Open Badges ids, e-mail links, calendar feed addresses."""

from __future__ import annotations

import re
import subprocess

import pytest
from flask import Flask

from academy.accounts.models import Role
from academy.extensions import db
from academy.notifications.notices import absolute_url
from academy.web.urls import public_url
from reports.certificates import certificates as svc
from tests import factories
from tests.courses.support import NOW, hr
from tests.reports.certificates.test_certificates import _completed

BASE = "https://akademie.example.org"
FOREIGN = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture()
def base_url(app: Flask):
    old = app.config["BASE_URL"]
    app.config["BASE_URL"] = BASE + "/"  # a trailing slash does not double
    yield BASE
    app.config["BASE_URL"] = old


def test_public_url_outside_a_request(app, base_url):
    with app.app_context():
        assert public_url("reports.verify", code="X") == f"{BASE}/berichte/pruefen/X"
        assert public_url("reports.issuer", _external=True).startswith(BASE + "/")
        assert absolute_url("/benachrichtigungen") == f"{BASE}/benachrichtigungen"
        assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_base_url_with_a_path(app):
    old = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://intranet.example/akademie/"
    try:
        with app.test_request_context("/", base_url="http://intranet.example/akademie"):
            # behind a proxy that announces the prefix, the path has it once
            assert public_url("reports.issuer") == (
                "https://intranet.example/akademie/berichte/pruefen/aussteller.json"
            )
        with app.app_context():
            assert absolute_url("kurse") == "https://intranet.example/akademie/kurse"
    finally:
        app.config["BASE_URL"] = old


def from_foreign_host(client) -> None:
    """Let the client's login cookie go to the foreign host too."""
    cookie = client.get_cookie("da_session")
    client.set_cookie("da_session", cookie.value, domain="evil.example")


def links(body: object) -> list[str]:
    return re.findall(r"https?://[^\"'\s]+", str(body))


def test_open_badges_ids_ignore_the_request_host(client, base_url):
    _, cert, _ = _completed()
    found = []
    for path in ("assertion.json", "badge.json"):
        response = client.get(f"/berichte/pruefen/{cert.code}/{path}", headers=FOREIGN)
        assert response.status_code == 200
        found += links(response.get_json())
    found += links(client.get("/berichte/pruefen/aussteller.json", headers=FOREIGN).get_json())
    own = [url for url in found if "w3id.org" not in url]
    assert len(own) >= 8 and all(url.startswith(BASE + "/") for url in own), own
    svc.revoke(hr(), cert, "Fehler", NOW)
    db.session.commit()
    revoked = client.get(f"/berichte/pruefen/{cert.code}/assertion.json", headers=FOREIGN)
    assert revoked.status_code == 410
    assert revoked.get_json()["id"] == f"{BASE}/berichte/pruefen/{cert.code}/assertion.json"


def test_certificate_qr_link_ignores_the_request_host(client, login_as, base_url):
    _, cert, _ = _completed()
    owner = factories.user(emp=db.session.get(factories.Employee, cert.employee_id))
    login_as(account=owner)
    from_foreign_host(client)
    response = client.get(f"/berichte/zertifikate/{cert.id}.pdf", headers=FOREIGN)
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    printed = text.replace("\n", "")
    assert f"{BASE}/berichte/pruefen/{cert.code}" in printed
    assert "evil.example" not in printed


def test_calendar_feed_address_ignores_the_request_host(client, login_as, base_url):
    login_as(Role.EMPLOYEE)
    from_foreign_host(client)
    html = client.post("/kurse/kalender/neu", headers=FOREIGN).get_data(as_text=True)
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', html)
    assert match and match.group(1).startswith(f"{BASE}/kurse/kalender/"), html[:300]
