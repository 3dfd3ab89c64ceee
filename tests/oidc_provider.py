"""A real OpenID Connect provider for the tests: ``oidc-provider-mock`` (a Flask provider
built on Authlib: discovery, authorization endpoint with PKCE, token endpoint, signed ID
tokens, JWKS, userinfo, end-session endpoint) served by werkzeug in a process of its own on
a free loopback port.

Use the session fixture ``oidc_provider`` (import it into a test module or conftest)::

    from tests.oidc_provider import oidc_provider  # noqa: F401

    def test_x(oidc_provider):
        oidc_provider.set_user("sub-1", {"email": "a@stadt.example", "groups": ["pe"]})
        callback = oidc_provider.authorize(authorize_url, "sub-1")

``authorize`` does what a person does on the provider's page (picks the subject) and
answers the address the provider sends the browser back to (with ``code`` and ``state``).
Any client id and secret are accepted; every redirect URI too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

# The provider's own process: werkzeug's server around the provider's WSGI application.
# A nonce is required, as a real provider checks the client's replay protection.
_SERVER = """
import sys
from werkzeug.serving import run_simple
from oidc_provider_mock import app
run_simple("127.0.0.1", int(sys.argv[1]), app(require_nonce=True), threaded=True)
"""


@dataclass(frozen=True)
class OidcProvider:
    issuer: str

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        """Create or replace the person ``sub`` with these claims (in ID token and userinfo:
        ``email``/``name`` need the scopes ``email``/``profile``, other claims always)."""
        answer = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        answer.raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign ``sub`` in at the provider's authorization page; the redirect back."""
        if not authorize_url.startswith(self.issuer + "/"):
            raise AssertionError(f"not this provider's address: {authorize_url}")
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        if answer.status_code != 302:
            raise AssertionError(f"provider answered {answer.status_code}: {answer.text[:500]}")
        return answer.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        """The person cancels at the provider; the redirect back (with ``error``)."""
        answer = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=10
        )
        return answer.headers["Location"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(issuer: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider ended at once (exit code {process.returncode})")
        try:
            answer = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the OIDC provider did not start within 30 seconds")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    environment = dict(os.environ, AUTHLIB_INSECURE_TRANSPORT="1")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(port)], stdout=log, stderr=log, env=environment
        )
        try:
            _wait_until_ready(issuer, process, time.monotonic() + 30)
            yield OidcProvider(issuer=issuer)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
