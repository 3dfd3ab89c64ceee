"""Login, logout, sessions, throttling, open redirects, password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.accounts.models import LoginAttempt, Role, UserSession
from academy.audit.models import AuditLogEntry
from academy.auth.passwords import hash_password, password_problem, verify_password
from academy.auth.sessions import (
    LoginFailed,
    LoginThrottled,
    ThrottlePolicy,
    authenticate,
    load_session_user,
    start_session,
)
from academy.clock import utcnow
from tests.factories import PASSWORD


def login(client, email, password, next_url=""):
    return client.post("/anmelden", data={"email": email, "password": password, "next": next_url})


def test_password_hash_is_argon2id():
    hashed = hash_password("Geheim-Passwort-1")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "Geheim-Passwort-1")
    assert not verify_password(hashed, "geheim-passwort-1")
    assert not verify_password(None, "irgendwas")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("kurz", False),
        ("Gut-Genug-1", False),  # 11 characters
        ("nurkleinbuchstaben", True),  # no composition rules (NIST SP 800-63B)
        ("Gut-Genug-12", True),
    ],
)
def test_password_rule(password, ok):
    assert (password_problem(password) is None) is ok


def test_login_sets_server_side_session_and_logout_kills_it(client, make, db):
    account = make.user(Role.HR)
    response = login(client, account.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    cookie = client.get_cookie("da_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/").status_code == 200

    # Keep a copy of the cookie: after logout it must not work any more (server-side end).
    stolen = cookie.value
    assert client.post("/abmelden").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    client.set_cookie("da_session", stolen)
    response = client.get("/")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_login_renews_session(client, make):
    account = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    login(client, account.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_wrong_password_message_next_to_field(client, make):
    account = make.user()
    response = login(client, account.email, "Falsch-Falsch-1")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert "password-error" in html
    assert client.get("/").status_code == 302


def test_unknown_account_and_inactive_account_fail(client, make, db):
    assert login(client, "niemand@test.example", PASSWORD).status_code == 401
    account = make.user()
    account.active = False
    db.session.commit()
    assert login(client, account.email, PASSWORD).status_code == 401


def test_throttle_holds_in_database_per_pair(db, make):
    account = make.user()
    now = utcnow()
    policy = ThrottlePolicy(free_failures=3)
    for _ in range(3):
        with pytest.raises(LoginFailed):
            authenticate(account.email, "falsch", remote_addr="10.0.0.1", now=now, policy=policy)
    # The pair is refused even with the right password; another address is not.
    with pytest.raises(LoginThrottled):
        authenticate(account.email, PASSWORD, remote_addr="10.0.0.1", now=now, policy=policy)
    assert authenticate(account.email, PASSWORD, remote_addr="10.0.0.2", now=now, policy=policy)
    rows = db.session.execute(select(LoginAttempt.key, LoginAttempt.address)).all()
    assert rows == [(f"account:{account.email}", "10.0.0.1")] * 3


def test_throttled_login_page_answers_429_with_the_wait(app, client, make):
    account = make.user()
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert login(client, account.email, "Falsch-1234x").status_code == 401
    response = login(client, account.email, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert "Bitte warten Sie eine Minute" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # A client at another address logs in to the same account.
    other = app.test_client().post(
        "/anmelden",
        data={"email": account.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_no_open_redirect(client, make, target):
    account = make.user()
    response = login(client, account.email, PASSWORD, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_next_to_local_page(client, make):
    account = make.user()
    response = login(client, account.email, PASSWORD, next_url="/konto")
    assert response.headers["Location"].endswith("/konto")


def test_expired_session_is_refused(db, make):
    account = make.user()
    now = utcnow()
    token = start_session(
        account,
        now=now - timedelta(hours=11),
        lifetime=timedelta(hours=10),
        remote_addr="x",
        user_agent="y",
    )
    assert load_session_user(token, now=now) is None


def test_deactivated_account_loses_session(client, login_as, db):
    account = login_as(Role.HR)
    assert client.get("/").status_code == 200
    account.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_password_change(client, login_as, db):
    account = login_as()
    response = client.post(
        "/konto",
        data={"current": "falsch", "new": "Neues-Passwort-9", "repeat": "Neues-Passwort-9"},
    )
    assert response.status_code == 422
    response = client.post(
        "/konto", data={"current": PASSWORD, "new": "neuespasswort", "repeat": "neuespasswort"}
    )
    assert response.status_code == 422
    response = client.post(
        "/konto",
        data={"current": PASSWORD, "new": "Neues-Passwort-9", "repeat": "Neues-Passwort-9"},
    )
    assert response.status_code == 302
    assert verify_password(account.password_hash, "Neues-Passwort-9")
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    actions = set(db.session.scalars(select(AuditLogEntry.action)))
    assert "auth.password_changed" in actions


def test_login_and_logout_are_audited(client, make, db):
    account = make.user()
    login(client, account.email, PASSWORD)
    client.post("/abmelden")
    actions = list(
        db.session.scalars(select(AuditLogEntry.action).where(AuditLogEntry.actor_id == account.id))
    )
    assert "auth.login" in actions and "auth.logout" in actions
