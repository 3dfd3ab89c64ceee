"""OpenID Connect sign-on against a real provider process (oidc-provider-mock on loopback):
the code flow with PKCE through the test client, ID token checked, accounts created and
linked, unknown people refused, failures answered in German, logout at the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from academy.accounts.models import Role, User, UserSession
from academy.audit.models import AuditLogEntry
from academy.auth.signon.oidc import oidc_client
from academy.auth.signon.settings import oidc_settings
from tests import factories

CALLBACK = "/anmelden/dienstkonto/rueckkehr"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def sign_in(client, provider, sub: str, next_path: str = ""):
    """The whole flow: our redirect to the provider, the provider's page, back to us."""
    start = client.get("/anmelden/dienstkonto" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    back = provider.authorize(start.headers["Location"], sub)
    parts = urlsplit(back)
    assert parts.path == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def accounts(db) -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def test_the_login_page_offers_the_work_account_only_when_configured(client, configure):
    page = client.get("/anmelden").get_data(as_text=True)
    assert "Mit Dienstkonto anmelden" not in page
    assert client.get("/anmelden/dienstkonto").status_code == 404
    assert client.get(CALLBACK).status_code == 404
    configure(OIDC_ISSUER="https://login.stadt.example/realms/stadt", OIDC_CLIENT_ID="da")
    page = client.get("/anmelden").get_data(as_text=True)
    assert "Mit Dienstkonto anmelden" in page
    assert "Lokales Konto" in page  # the password form stays below (LOCAL_LOGIN)


def test_the_authorization_request_uses_pkce_and_a_nonce(client, oidc_on):
    start = client.get("/anmelden/dienstkonto")
    assert start.headers["Location"].startswith(oidc_on.issuer + "/oauth2/authorize?")
    query = _query(start.headers["Location"])
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["nonce"] and query["state"]
    assert query["client_id"] == "digitalakademie"
    assert query["redirect_uri"] == "http://127.0.0.1:5000" + CALLBACK  # from BASE_URL
    assert set(query["scope"].split()) == {"openid", "email", "profile"}


def test_an_employee_signs_in_and_gets_an_account_with_roles(client, db, oidc_on):
    emp = factories.employee(personnel_no="P2001", email="greta.hahn@stadt.example")
    oidc_on.set_user(
        "greta",
        {
            "email": "greta.hahn@stadt.example",
            "name": "Greta Hahn",
            "personnel_number": "P2001",
            "groups": ["/pe", "/alle"],
        },
    )
    answer = sign_in(client, oidc_on, "greta", next_path="/konto")
    assert answer.status_code == 302 and answer.headers["Location"] == "/konto"
    user = db.session.scalar(select(User).where(User.employee_id == emp.id))
    assert user.assigned_roles == {Role.HR} and user.directory_roles == {Role.HR}
    assert user.identity_provider == f"oidc:{oidc_on.issuer}"
    assert user.external_subject == "greta"
    page = client.get("/konto").get_data(as_text=True)
    assert "Personalentwicklung" in page  # the role, in German
    assert "verwaltet der Verzeichnisdienst" in page  # no password to change here
    session = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert session.id_token and session.id_token.count(".") == 2


def test_groups_are_synchronised_at_every_sign_in(client, db, oidc_on):
    factories.employee(personnel_no="P2002")
    oidc_on.set_user("hugo", {"personnel_number": "P2002", "groups": ["/trainer"]})
    sign_in(client, oidc_on, "hugo")
    user = db.session.scalar(select(User).where(User.external_subject == "hugo"))
    assert user.assigned_roles == {Role.TRAINER}
    client.post("/abmelden")
    oidc_on.set_user("hugo", {"personnel_number": "P2002", "groups": []})
    sign_in(client, oidc_on, "hugo")
    db.session.expire_all()
    assert user.assigned_roles == set()


def test_an_unknown_person_gets_a_german_page_and_no_account(client, db, oidc_on):
    oidc_on.set_user("fremd", {"email": "fremd@example.org", "name": "Frieda Fremd"})
    before = accounts(db)
    answer = sign_in(client, oidc_on, "fremd")
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Anmeldung nicht möglich" in page
    assert "nicht erfasst" in page and "Personalentwicklung" in page
    assert accounts(db) == before
    assert client.get("/konto").status_code == 302  # not signed in
    refusal = db.session.scalars(
        select(AuditLogEntry).where(AuditLogEntry.action == "auth.sign_on_refused")
    ).one()
    assert refusal.details["email"] == "fremd@example.org"
    assert refusal.reason == "nicht in den Personaldaten"


def test_a_cancelled_or_forged_answer_changes_nothing(client, db, oidc_on):
    before = accounts(db)
    start = client.get("/anmelden/dienstkonto")
    denied = urlsplit(oidc_on.deny(start.headers["Location"]))
    answer = client.get(f"{denied.path}?{denied.query}", follow_redirects=True)
    assert "abgebrochen oder ist abgelaufen" in answer.get_data(as_text=True)
    # A code for someone else's browser: the state is not this session's.
    factories.employee(personnel_no="P2003")
    oidc_on.set_user("ida", {"personnel_number": "P2003"})
    other = client.application.test_client()
    start = other.get("/anmelden/dienstkonto")
    back = urlsplit(oidc_on.authorize(start.headers["Location"], "ida"))
    answer = client.get(f"{back.path}?{back.query}")
    assert answer.status_code == 302 and answer.headers["Location"] == "/anmelden"
    assert accounts(db) == before
    # Nonsense at the callback: a message, never a 500.
    for query in ("code=x&state=y", "error=%00", "state=" + "a" * 5000):
        assert client.get(f"{CALLBACK}?{query}").status_code == 302


def test_an_unreachable_or_wrong_provider_is_explained(client, configure, oidc_provider):
    configure(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="da")
    answer = client.get("/anmelden/dienstkonto", follow_redirects=True)
    assert "Anmeldedienst ist nicht erreichbar" in answer.get_data(as_text=True)
    # A discovery document that names another issuer than the configured one is refused.
    configure(OIDC_ISSUER=oidc_provider.issuer, OIDC_CLIENT_ID="andere-anwendung")
    metadata = requests.get(
        f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=10
    ).json()
    client_app = oidc_client(oidc_settings())
    client_app.server_metadata.update(
        metadata | {"issuer": "https://evil.example", "_loaded_at": 1}
    )
    answer = client.get("/anmelden/dienstkonto", follow_redirects=True)
    assert "nicht richtig eingerichtet" in answer.get_data(as_text=True)
    assert client_app.server_metadata == {}  # fetched afresh next time


def test_logout_ends_the_session_here_and_at_the_provider(client, db, oidc_on):
    factories.employee(personnel_no="P2004")
    oidc_on.set_user("jana", {"personnel_number": "P2004"})
    sign_in(client, oidc_on, "jana")
    user = db.session.scalar(select(User).where(User.external_subject == "jana"))
    answer = client.post("/abmelden")
    location = answer.headers["Location"]
    assert location.startswith(oidc_on.issuer + "/oauth2/end_session?")
    query = _query(location)
    assert query["post_logout_redirect_uri"] == "http://127.0.0.1:5000/anmelden"
    assert query["id_token_hint"].count(".") == 2
    assert not db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert requests.get(location, timeout=10).status_code == 200  # the provider's page


def test_password_login_sessions_log_out_locally(client, login_as, oidc_on):
    login_as(Role.HR)
    assert client.post("/abmelden").headers["Location"] == "/anmelden"


@pytest.mark.parametrize("path", ["/anmelden/dienstkonto", CALLBACK])
def test_signed_in_people_are_sent_home(client, login_as, oidc_on, path):
    login_as(Role.EMPLOYEE)
    if path == CALLBACK:
        assert client.get(path).status_code == 302
    else:
        assert client.get(path).headers["Location"] == "/"


def test_the_logout_form_may_end_at_the_provider(client, configure, oidc_on):
    policy = client.get("/anmelden").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_on.issuer};" in policy
    configure(OIDC_ISSUER="")
    policy = client.get("/anmelden").headers["Content-Security-Policy"]
    assert "form-action 'self';" in policy
