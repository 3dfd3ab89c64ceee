"""Security headers, CSRF, error pages, health check and language choice."""

from __future__ import annotations

from academy.accounts.models import Role, User


def test_security_headers_on_every_page(client):
    response = client.get("/anmelden")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client, login_as):
    login_as(Role.HR)
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "<script type" not in html
    assert "onclick=" not in html
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), chunk[:80]


def test_bootstrap_served_locally(client):
    html = client.get("/anmelden").get_data(as_text=True)
    assert "cdn." not in html and "jsdelivr" not in html
    assert "/bootstrap/static/" in html


def test_bootstrap_files_are_there(client):
    html = client.get("/anmelden").get_data(as_text=True)
    import re

    for href in re.findall(r'(?:href|src)="(/bootstrap/static/[^"]+)"', html):
        assert client.get(href).status_code == 200, href


def test_csrf_required_on_post(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    account = make.user()
    response = client.post("/anmelden", data={"email": account.email, "password": "x"})
    assert response.status_code == 400
    response = client.post("/sprache", data={"lang": "en"})
    assert response.status_code == 400


def test_error_pages_are_german_by_default(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'lang="de"' in html
    assert "Seite nicht gefunden" in html


def test_403_page(client, login_as):
    login_as()  # plain employee
    response = client.get("/verwaltung/konten")
    assert response.status_code == 403
    assert "Zugriff verweigert" in response.get_data(as_text=True)


def test_json_errors_for_api_clients(client):
    response = client.get("/gibt-es-nicht", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == 404


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["migrated"] is True
    assert body["database"]["revision"]


def test_language_choice_is_remembered(client, login_as, db):
    account = login_as()
    response = client.post("/sprache", data={"lang": "en", "next": "/konto"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/konto")
    assert db.session.get(User, account.id).locale == "en"
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "Welcome" in html


def test_language_cookie_for_anonymous(client):
    response = client.post("/sprache", data={"lang": "en", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    html = client.get("/anmelden").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in" in html
    client.post("/sprache", data={"lang": "xx"})
    assert 'lang="de"' in client.get("/anmelden").get_data(as_text=True)


def test_start_page_german(client, login_as):
    login_as(Role.HR)
    html = client.get("/").get_data(as_text=True)
    assert "Willkommen" in html and "Personalentwicklung" in html


def test_localized_names_follow_the_language(client, login_as, db):
    from academy.frameworks.models import Framework
    from academy.frameworks.registry import load_default_frameworks

    load_default_frameworks()
    db.session.commit()
    login_as()
    framework = db.session.query(Framework).filter_by(code="DIGCOMP-2.2").one()
    german = client.get(f"/kompetenzrahmen/{framework.id}").get_data(as_text=True)
    assert "Sicherheit" in german
    client.post("/sprache", data={"lang": "en"})
    english = client.get(f"/kompetenzrahmen/{framework.id}").get_data(as_text=True)
    assert "Safety" in english


def test_the_session_cookie_is_written_only_when_the_session_changes(client):
    """Signing and compressing the cookie costs every answer that sends it: a visitor
    without a session (a health check) gets none, and a signed-in page sends it once
    (after the login, when the form token joins the session), not on every request."""
    from tests import factories
    from tests.factories import PASSWORD

    assert not client.get("/healthz").headers.getlist("Set-Cookie")
    account = factories.user()
    login = client.post("/anmelden", data={"email": account.email, "password": PASSWORD})
    assert login.status_code == 302
    assert any("Expires=" in c for c in login.headers.getlist("Set-Cookie"))  # permanent
    client.get("/")  # the first page after the login: the form token joins the session
    for path in ("/", "/konto", "/healthz"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert not answer.headers.getlist("Set-Cookie"), path
