"""Fixtures of the sign-on tests: a real slapd and a real OpenID Connect provider (both
processes of this test session on loopback), and the settings that point the app at them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from tests.academy.auth.signon.slapd import (
    BASE,
    PEOPLE,
    READER_DN,
    READER_PASSWORD,
    Slapd,
    group_dn,
    running_slapd,
)
from tests.oidc_provider import oidc_provider  # noqa: F401 - the session fixture

CLIENT_ID = "digitalakademie"
CLIENT_SECRET = "client-secret-for-tests"
ROLE_GROUPS = {"hr": [group_dn("pe")], "admin": [group_dn("it-admins")]}


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    with running_slapd(tmp_path_factory.mktemp("slapd")) as server:
        yield server


@pytest.fixture()
def configure(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``configure(KEY=value, …)``: settings for this test only."""

    def _set(**values: Any) -> None:
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)

    return _set


@pytest.fixture()
def ldap_template(slapd: Slapd, configure: Callable[..., None]) -> Slapd:
    """Directory login with a bind DN template (no service account)."""
    configure(
        LDAP_URL=slapd.url,
        LDAP_BIND_DN_TEMPLATE=f"uid={{username}},{PEOPLE}",
        LDAP_SEARCH_BASE="",
        ROLE_GROUPS=ROLE_GROUPS,
    )
    return slapd


@pytest.fixture()
def ldap_search(slapd: Slapd, configure: Callable[..., None]) -> Slapd:
    """Directory login through a search with the service account, over StartTLS."""
    configure(
        LDAP_URL=slapd.url,
        LDAP_BIND_DN_TEMPLATE="",
        LDAP_SEARCH_BASE=BASE,
        LDAP_USER_FILTER="(&(objectClass=inetOrgPerson)(uid={username}))",
        LDAP_BIND_DN=READER_DN,
        LDAP_BIND_PASSWORD=READER_PASSWORD,
        LDAP_STARTTLS=True,
        LDAP_CA_FILE=slapd.ca_file,
        ROLE_GROUPS=ROLE_GROUPS,
    )
    return slapd


@pytest.fixture()
def oidc_on(oidc_provider: Any, configure: Callable[..., None]) -> Any:  # noqa: F811
    configure(
        OIDC_ISSUER=oidc_provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_SCOPES="openid email profile",
        OIDC_PERSONNEL_NO_CLAIM="personnel_number",
        OIDC_GROUPS_CLAIM="groups",
        ROLE_GROUPS={"hr": ["/pe"], "trainer": ["/trainer"]},
    )
    return oidc_provider
