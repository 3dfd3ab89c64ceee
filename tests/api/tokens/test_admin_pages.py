"""The administrators' token pages: German form errors at the field, the secret shown
once, revocation only after confirmation, nobody but administrators."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from academy.accounts.models import Role
from academy.extensions import db as _db
from api.tokens.models import ApiToken
from api.tokens.tokens import hash_secret
from tests.api.support import api_token, get

FORM = {
    "name": "Intranet Fortbildungskalender",
    "scopes": ["catalogue:read"],
    "purpose": "",
    "expires_on": "",
}


def tokens():
    return _db.session.scalars(select(ApiToken)).all()


def test_the_list_shows_last_use_and_status(client, login_as):
    admin = login_as(Role.ADMIN)
    token = api_token(admin, name="SAP HCM")
    get(client, "/api/v1/courses", token)  # a first use, from the test client's address
    page = client.get("/verwaltung/schnittstellen").get_data(as_text=True)
    assert "SAP HCM" in page and token.prefix in page and "In Kraft" in page
    assert "127.0.0.1" in page and "nie" not in page.split("SAP HCM")[1].split("</tr>")[0]
    assert token.secret not in page


def test_create_shows_the_secret_once_and_stores_its_hash(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/verwaltung/schnittstellen/neu", data=FORM)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    secret = re.search(r'value="(dak_[^"]+)"', page).group(1)
    (token,) = tokens()
    assert token.secret_hash == hash_secret(secret) and token.scopes == "catalogue:read"
    assert "nur dieses eine Mal" in page
    assert secret not in client.get("/verwaltung/schnittstellen").get_data(as_text=True)
    assert get(client, "/api/v1/courses", secret).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Dieses Feld wird benötigt."),
        ({"name": "ab"}, "name", "zwischen 3 und 120 Zeichen"),
        ({"scopes": []}, "scopes", "mindestens einen Bereich"),
        ({"scopes": ["learning:read"]}, "purpose", "Zugriffsprotokoll"),
        ({"expires_on": "2001-01-01"}, "expires_on", "in der Zukunft"),
        ({"expires_on": "31.02.2026"}, "expires_on", "Datum"),
        ({"name": "a\x00bcd"}, "name", "Steuerzeichen"),
    ],
)
def test_bad_input_german_message_at_the_field(client, login_as, change, field, message):
    login_as(Role.ADMIN)
    response = client.post("/verwaltung/schnittstellen/neu", data={**FORM, **change})
    assert response.status_code in (409, 422)
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    assert error and message in error.group(1), page[-3000:]
    assert tokens() == []


def test_a_second_token_of_the_same_name_is_refused(client, login_as):
    admin = login_as(Role.ADMIN)
    api_token(admin, name="Intranet Fortbildungskalender")
    _db.session.commit()
    response = client.post("/verwaltung/schnittstellen/neu", data=FORM)
    assert response.status_code == 409
    assert "bereits" in response.get_data(as_text=True)
    assert len(tokens()) == 1


def test_revocation_needs_confirmation(client, login_as):
    admin = login_as(Role.ADMIN)
    token = api_token(admin, name="Altsystem")
    url = f"/verwaltung/schnittstellen/{token.id}/widerrufen"
    page = client.get(url).get_data(as_text=True)
    assert "Altsystem" in page and "nicht rückgängig" in page
    refused = client.post(url, data={"reason": "Vertrag beendet"})
    assert refused.status_code == 422 and token.revoked_at is None
    assert "Bitte bestätigen" in refused.get_data(as_text=True)
    done = client.post(url, data={"reason": "Vertrag beendet", "confirm": "y"})
    assert done.status_code == 302
    _db.session.refresh(token)
    assert token.revoked_at is not None and token.revoke_reason == "Vertrag beendet"
    assert get(client, "/api/v1/courses", token).status_code == 401
    again = client.post(url, data={"confirm": "y"})
    assert again.status_code == 409
    assert client.get("/verwaltung/schnittstellen/999999/widerrufen").status_code == 404


@pytest.mark.parametrize("role", [Role.HR, Role.COUNCIL, Role.EMPLOYEE, Role.TRAINER])
def test_only_administrators(client, login_as, role):
    token = api_token(None, name="Fremdsystem")
    login_as(role)
    for url in ("/verwaltung/schnittstellen", "/verwaltung/schnittstellen/neu"):
        assert client.get(url).status_code == 403
    assert client.post("/verwaltung/schnittstellen/neu", data=FORM).status_code == 403
    revoke = f"/verwaltung/schnittstellen/{token.id}/widerrufen"
    assert client.post(revoke, data={"confirm": "y"}).status_code == 403
    assert token.revoked_at is None and len(tokens()) == 1


def test_the_audit_log_tells_it_in_german(client, login_as):
    admin = login_as(Role.ADMIN)
    token = api_token(admin, "catalogue:read", name="Intranet")
    client.post(
        f"/verwaltung/schnittstellen/{token.id}/widerrufen",
        data={"reason": "ersetzt", "confirm": "y"},
    )
    page = client.get("/verwaltung/protokoll").get_data(as_text=True)
    assert "hat den Schnittstellen-Zugang „Intranet“ angelegt (Bereiche: catalogue:read)." in page
    assert "hat den Schnittstellen-Zugang „Intranet“ widerrufen (Grund: ersetzt)." in page
