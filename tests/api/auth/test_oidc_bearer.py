"""Bearer tokens of the OpenID Connect provider, checked against the real provider
process (``tests/oidc_provider.py``: ``oidc-provider-mock`` on loopback).

That provider offers the authorization-code and refresh-token grants only, not client
credentials (its ``grant_types_supported``), and its access tokens are opaque. So the
JWT these tests send is one the provider itself signed: the ID token of a code flow,
issued to the client ``digitalakademie-api`` (its ``aud``) for a subject whose claims
carry the ``scope`` claim the API maps. Signature (the provider's JWKS), issuer,
audience, expiry and scopes are checked exactly as for a client-credentials token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from academy.audit.models import AccessLogEntry
from academy.extensions import db as _db
from api.auth import oidc_tokens
from tests import factories
from tests.api.support import get
from tests.courses import factories as cf
from tests.oidc_provider import oidc_provider  # noqa: F401 - the provider fixture

CLIENT = "digitalakademie-api"


def id_token(provider, sub: str, claims: dict) -> str:
    """Sign ``sub`` in with the code flow (PKCE, nonce) and return the ID token."""
    provider.set_user(sub, claims)
    meta = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10).json()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": CLIENT,
        "redirect_uri": "http://127.0.0.1/callback",
        "scope": "openid",
        "state": "s",
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    callback = provider.authorize(meta["authorization_endpoint"] + "?" + urlencode(query), sub)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = requests.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1/callback",
            "code_verifier": verifier,
        },
        auth=(CLIENT, "geheim"),
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["id_token"]


@pytest.fixture()
def configured(app, db, oidc_provider, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "OIDC_ISSUER", oidc_provider.issuer)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "digitalakademie-login")
    monkeypatch.setitem(app.config, "API_AUDIENCE", CLIENT)
    oidc_tokens.forget_keys()
    yield oidc_provider
    oidc_tokens.forget_keys()


def test_a_provider_signed_token_opens_its_scopes(client, configured):
    token = id_token(configured, "hr-system", {"scope": "catalogue:read learning:read"})
    cf.course("OIDC-Kurs", code="OI-1")
    response = get(client, "/api/v1/courses?q=oi-", token)
    assert response.status_code == 200, response.json
    assert [c["code"] for c in response.json["items"]] == ["OI-1"]
    assert get(client, "/api/v1/gaps", token).status_code == 403


def test_personal_data_is_logged_under_the_client(client, configured):
    person = factories.employee(personnel_no="PO-1")
    token = id_token(configured, "hr-system", {"scope": ["learning:read"]})
    assert get(client, "/api/v1/people/PO-1/completions", token).status_code == 200
    (row,) = _db.session.scalars(select(AccessLogEntry)).all()
    assert row.subject_id == person.id
    assert row.actor.display_name == "Schnittstelle „hr-system“ (OIDC-Client)"
    assert row.actor.active is False and row.actor.password_hash is None
    assert row.purpose.endswith("Datenabruf durch ein angebundenes System (OIDC-Client)")
    # the same client again: the same account
    assert get(client, "/api/v1/people/PO-1/certificates", token).status_code == 200
    assert len({r.actor_id for r in _db.session.scalars(select(AccessLogEntry))}) == 1


def test_scope_prefix_and_another_claim(client, configured, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_SCOPE_CLAIM", "roles")
    monkeypatch.setitem(app.config, "API_SCOPE_PREFIX", "digitalakademie/")
    token = id_token(configured, "portal", {"roles": ["digitalakademie/catalogue:read"]})
    assert get(client, "/api/v1/courses", token).status_code == 200


def test_no_scope_claim_403(client, configured):
    token = id_token(configured, "nobody", {})
    response = get(client, "/api/v1/courses", token)
    assert response.status_code == 403


def test_wrong_audience_or_issuer_401(client, configured, app, monkeypatch):
    token = id_token(configured, "hr-system", {"scope": "catalogue:read"})
    monkeypatch.setitem(app.config, "API_AUDIENCE", "another-api")
    assert get(client, "/api/v1/courses", token).status_code == 401
    monkeypatch.setitem(app.config, "API_AUDIENCE", CLIENT)
    assert get(client, "/api/v1/courses", token).status_code == 200
    # The same provider under another name is another issuer: its tokens name that one.
    other = configured.issuer.replace("127.0.0.1", "localhost")
    monkeypatch.setitem(app.config, "OIDC_ISSUER", other)
    assert get(client, "/api/v1/courses", token).status_code == 401


def test_expired_token_refused(app, configured):
    token = id_token(configured, "hr-system", {"scope": "catalogue:read"})
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    with app.test_request_context():
        verified = oidc_tokens.verify(
            token, issuer=configured.issuer, audience=CLIENT, now=claims["exp"] - 1
        )
        assert verified.scopes == {"catalogue:read"}
        with pytest.raises(oidc_tokens.TokenRefused):
            oidc_tokens.verify(
                token, issuer=configured.issuer, audience=CLIENT, now=claims["exp"] + 61
            )


def test_forged_tokens_401(client, configured):
    genuine = id_token(configured, "hr-system", {"scope": "catalogue:read"})
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["scope"] = "catalogue:read learning:read competencies:read reports:read"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    own_key = RSAKey.generate_key(2048, parameters={"kid": "attacker"})
    unsigned = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    forgeries = [
        f"{header}.{forged_payload}.{signature}",  # changed claims, old signature
        jwt.encode({"alg": "RS256", "kid": "attacker"}, claims, own_key),  # unknown key
        f"{unsigned}.{forged_payload}.",  # no signature at all
    ]
    for forged in forgeries:
        response = get(client, "/api/v1/gaps", forged)
        assert response.status_code == 401, forged


def test_unreachable_provider_503_in_json(client, app, db, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "OIDC_ISSUER", f"http://127.0.0.1:{port}")
    monkeypatch.setitem(app.config, "API_AUDIENCE", CLIENT)
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 2)
    oidc_tokens.forget_keys()
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    response = get(client, "/api/v1/courses", token)
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_not_configured_refuses_jwts(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    assert get(client, "/api/v1/courses", token).status_code == 401


def test_login_id_tokens_are_no_api_tokens(client, configured, app, monkeypatch):
    """With the API's audience set to the login client, a signed-in person's ID token
    would open the API: refused as a configuration that cannot be meant."""
    token = id_token(configured, "hr-system", {"scope": "catalogue:read"})
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", CLIENT)
    response = get(client, "/api/v1/courses", token)
    assert response.status_code == 401
