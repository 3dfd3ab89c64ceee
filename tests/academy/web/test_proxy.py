"""Behind a reverse proxy: ``PROXY_COUNT`` trusts that many proxies' ``X-Forwarded-*``
headers; with 0 they are ignored.

The main test runs the app in a real WSGI server behind Debian's nginx, both on loopback:
nginx takes each client's address from the ``X-Forwarded-For`` the test sends
(``set_real_ip_from 127.0.0.1``), so two clients can be simulated, and forwards it as
the only ``X-Forwarded-For`` entry — as a proxy in front of the internet does with the
address it sees. Without nginx the test is skipped, except on CI (``CI`` set), where it
fails: ``bash scripts/test-services.sh`` installs nginx.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from academy.accounts.models import LoginAttempt, Role, UserSession
from academy.web.proxy import init_proxy
from tests.factories import PASSWORD

A, B = "203.0.113.7", "198.51.100.9"
BASE = "https://akademie.example.org"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


# ---------------------------------------------------------------------------
# Without nginx: the setting itself
# ---------------------------------------------------------------------------


def failed_login_address(app: Flask, headers: dict[str, str]) -> str | None:
    client = app.test_client()
    client.post(
        "/anmelden",
        data={"email": "niemand@test.example", "password": "x"},
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    from academy.extensions import db

    return db.session.scalar(select(LoginAttempt.address).order_by(LoginAttempt.id.desc()))


def test_without_proxy_count_forwarded_headers_are_ignored(app, db):
    assert app.config["PROXY_COUNT"] == 0
    forged = {"X-Forwarded-For": A, "X-Forwarded-Host": "evil.example"}
    assert failed_login_address(app, forged) == "10.0.0.1"


def test_proxy_count_takes_the_address_scheme_and_host_from_the_last_proxies():
    seen: dict[str, str] = {}
    app = Flask("probe")
    app.config["PROXY_COUNT"] = 1

    @app.get("/")
    def probe() -> str:
        from flask import request

        seen.update(addr=request.remote_addr or "", url=request.url)
        return ""

    init_proxy(app)
    init_proxy(app)  # once only
    headers = {
        "X-Forwarded-For": f"10.9.9.9, {A}",  # the client may prepend anything
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "akademie.example.org",
        "X-Forwarded-Prefix": "/akademie",
    }
    app.test_client().get("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen == {"addr": A, "url": "https://akademie.example.org/akademie/"}


@pytest.mark.parametrize("value", [-1, "2", True])
def test_proxy_count_must_be_a_whole_number(value):
    from academy.config import ConfigurationError

    app = Flask("probe")
    app.config["PROXY_COUNT"] = value
    with pytest.raises(ConfigurationError, match="PROXY_COUNT"):
        init_proxy(app)


# ---------------------------------------------------------------------------
# Behind a real nginx
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nginx() -> str:
    if os.access(NGINX, os.X_OK):
        return NGINX
    message = (
        f"nginx not found ({NGINX}): the reverse-proxy test needs Debian's nginx — run "
        "`bash scripts/test-services.sh` (installs it) or `apt-get install nginx`."
    )
    if os.environ.get("CI"):
        pytest.fail(message + " On CI this test must run.", pytrace=False)
    pytest.skip(message)


def _database_url(tmp_path: Path) -> str:
    """A database of its own (the live server commits): a SQLite file, or ``<name>_proxy``
    beside the PostgreSQL test database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path / "proxy.sqlite")
    main = make_url(url)
    own = main.set(database=f"{main.database}_proxy")
    probe = create_engine(own)
    try:
        with probe.connect():
            pass
    except OperationalError:
        admin = create_engine(main, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
        admin.dispose()
    finally:
        probe.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def proxied_app(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from academy import create_app
    from academy.extensions import db
    from tests import factories

    tmp = tmp_path_factory.mktemp("proxy-app")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "proxy-test",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp),
            "INSTANCE_FOR_TESTS": str(tmp),
            "PROXY_COUNT": 1,
            "BASE_URL": BASE,
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        factories.user(Role.EMPLOYEE, email="opfer@test.example", password=PASSWORD)
        factories.user(Role.EMPLOYEE, email="kollegin@test.example", password=PASSWORD)
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="module")
def app_server(proxied_app: Flask) -> Iterator[BaseWSGIServer]:
    server = make_server("127.0.0.1", 0, proxied_app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="proxy-app", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_config(folder: Path, port: int, upstream: int) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers write the temp folders
    return f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {folder}/client_body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    # The test's clients say who they are; a real deployment trusts no client here.
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def proxy(
    nginx: str, app_server: BaseWSGIServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    config = folder / "nginx.conf"
    config.write_text(nginx_config(folder, port, app_server.server_port), encoding="utf-8")
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(folder), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.terminate()
                pytest.fail("nginx did not listen within 20 s")
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)


def through(
    proxy: int, method: str, path: str, headers: dict[str, str], body: str = ""
) -> tuple[int, str]:
    """Status and body of one request to nginx on ``proxy`` (no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", proxy, timeout=30)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def post_login(proxy: int, client: str, email: str, password: str) -> int:
    form = urllib.parse.urlencode({"email": email, "password": password})
    headers = {"X-Forwarded-For": client, "Content-Type": "application/x-www-form-urlencoded"}
    return through(proxy, "POST", "/anmelden", headers, form)[0]


def test_one_clients_failed_logins_lock_no_one_else(proxy: int, proxied_app: Flask) -> None:
    from academy.extensions import db

    answers = [post_login(proxy, A, "opfer@test.example", f"falsch-{n}") for n in range(30)]
    answers += [post_login(proxy, A, f"niemand{n}@test.example", "x") for n in range(30)]
    assert answers[:5] == [401] * 5 and set(answers[5:30]) == {429}
    assert post_login(proxy, A, "opfer@test.example", PASSWORD) == 429
    # Client B: the very account A attacked, and another one, log in.
    assert post_login(proxy, B, "opfer@test.example", PASSWORD) == 302
    assert post_login(proxy, B, "kollegin@test.example", PASSWORD) == 302
    with proxied_app.app_context():
        failures = db.session.scalars(select(LoginAttempt.address)).all()
        sessions = db.session.scalars(select(UserSession.remote_addr)).all()
        db.session.remove()
    assert len(failures) >= 30 and set(failures) == {A}
    assert sessions == [B, B]


def test_public_urls_behind_the_proxy_stay_on_base_url(proxy: int) -> None:
    status, body = through(
        proxy, "GET", "/berichte/pruefen/aussteller.json", {"Host": "evil.example"}
    )
    assert status == 200
    assert f'"id":"{BASE}/berichte/pruefen/aussteller.json"' in body.replace(" ", "")
    assert "evil.example" not in body
