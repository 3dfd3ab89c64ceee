"""The sign-on settings, read from the configuration when they are needed (so that one
process can be reconfigured, and tests can point it at their own provider).

``ROLE_GROUPS`` maps roles to directory groups, as JSON (the project's form for structured
settings): ``{"hr": ["cn=pe,ou=groups,dc=stadt,dc=example"], "admin": "IT-Admins"}``.
A role takes one group or a list; only the assignable roles (hr, trainer, council, admin)
can be given — employee and department head follow from the personnel data. Group names
are compared without regard to case and to spaces around ``,`` and ``=`` in a DN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from academy.accounts.models import ASSIGNABLE_ROLES, Role
from academy.config import ConfigurationError

_DN_SPACES = re.compile(r"\s*([,=+])\s*")


def normalise_group(name: str) -> str:
    """A group name or DN in the form it is compared in."""
    return _DN_SPACES.sub(r"\1", name.strip()).casefold()


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    personnel_no_claim: str
    email_claim: str
    groups_claim: str
    timeout: int

    @property
    def provider_key(self) -> str:
        """How accounts remember this provider (``users.identity_provider``)."""
        return f"oidc:{self.issuer}"[:255]

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class LdapSettings:
    url: str
    starttls: bool
    ca_file: str
    bind_dn_template: str
    search_base: str
    user_filter: str
    bind_dn: str
    bind_password: str
    id_attribute: str
    personnel_no_attribute: str
    email_attribute: str
    name_attribute: str
    group_attribute: str
    timeout: int


def oidc_settings(config: Mapping[str, Any] | None = None) -> OidcSettings | None:
    """The OpenID Connect settings, or None when ``OIDC_ISSUER`` or ``OIDC_CLIENT_ID`` is
    not set (then the login page offers no button)."""
    config = current_app.config if config is None else config
    issuer = str(config.get("OIDC_ISSUER") or "").strip().rstrip("/")
    client_id = str(config.get("OIDC_CLIENT_ID") or "").strip()
    if not issuer or not client_id:
        return None
    scopes = " ".join(str(config.get("OIDC_SCOPES") or "").replace(",", " ").split())
    if "openid" not in scopes.split():
        scopes = f"openid {scopes}".strip()
    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=str(config.get("OIDC_CLIENT_SECRET") or ""),
        scopes=scopes,
        personnel_no_claim=str(config.get("OIDC_PERSONNEL_NO_CLAIM") or "").strip(),
        email_claim=str(config.get("OIDC_EMAIL_CLAIM") or "email").strip(),
        groups_claim=str(config.get("OIDC_GROUPS_CLAIM") or "").strip(),
        timeout=max(1, int(config.get("OIDC_TIMEOUT_SECONDS") or 10)),
    )


def ldap_settings(config: Mapping[str, Any] | None = None) -> LdapSettings | None:
    """The directory settings, or None when ``LDAP_URL`` is not set."""
    config = current_app.config if config is None else config
    url = str(config.get("LDAP_URL") or "").strip()
    if not url:
        return None

    def text(key: str) -> str:
        return str(config.get(key) or "").strip()

    return LdapSettings(
        url=url,
        starttls=bool(config.get("LDAP_STARTTLS")),
        ca_file=text("LDAP_CA_FILE"),
        bind_dn_template=text("LDAP_BIND_DN_TEMPLATE"),
        search_base=text("LDAP_SEARCH_BASE"),
        user_filter=text("LDAP_USER_FILTER") or "(uid={username})",
        bind_dn=text("LDAP_BIND_DN"),
        bind_password=str(config.get("LDAP_BIND_PASSWORD") or ""),
        id_attribute=text("LDAP_ID_ATTRIBUTE"),
        personnel_no_attribute=text("LDAP_PERSONNEL_NO_ATTRIBUTE"),
        email_attribute=text("LDAP_EMAIL_ATTRIBUTE"),
        name_attribute=text("LDAP_NAME_ATTRIBUTE"),
        group_attribute=text("LDAP_GROUP_ATTRIBUTE"),
        timeout=max(1, int(config.get("LDAP_TIMEOUT_SECONDS") or 5)),
    )


def local_login_enabled(config: Mapping[str, Any] | None = None) -> bool:
    """``LOCAL_LOGIN``: whether the e-mail and password form is offered at all."""
    config = current_app.config if config is None else config
    return bool(config.get("LOCAL_LOGIN", True))


def role_groups(config: Mapping[str, Any] | None = None) -> dict[str, frozenset[Role]]:
    """``ROLE_GROUPS`` as normalised group name → the roles it grants. A malformed value
    raises ``ConfigurationError`` (checked when the application starts)."""
    config = current_app.config if config is None else config
    raw = config.get("ROLE_GROUPS") or {}
    if not isinstance(raw, Mapping):
        raise ConfigurationError(
            'ROLE_GROUPS muss ein JSON-Objekt sein, z. B. {"hr": ["cn=pe,ou=groups,dc=stadt"]}.'
        )
    allowed = {r.value: r for r in ASSIGNABLE_ROLES}
    mapping: dict[str, set[Role]] = {}
    for role_name, groups in raw.items():
        role = allowed.get(str(role_name).strip().lower())
        if role is None:
            raise ConfigurationError(
                f"ROLE_GROUPS: unbekannte Rolle {role_name!r}; erlaubt sind "
                f"{', '.join(sorted(allowed))} (Beschäftigte und Leitungen ergeben sich aus "
                "den Personaldaten)."
            )
        names = [groups] if isinstance(groups, str) else groups
        if not isinstance(names, list) or not all(isinstance(g, str) and g.strip() for g in names):
            raise ConfigurationError(
                f"ROLE_GROUPS: die Gruppen der Rolle {role_name!r} müssen ein Gruppenname "
                "oder eine Liste von Gruppennamen sein."
            )
        for name in names:
            mapping.setdefault(normalise_group(name), set()).add(role)
    return {group: frozenset(roles) for group, roles in mapping.items()}


def roles_for_groups(groups: tuple[str, ...], mapping: Mapping[str, frozenset[Role]]) -> set[Role]:
    """The roles the person's directory groups grant."""
    roles: set[Role] = set()
    for group in groups:
        roles |= mapping.get(normalise_group(group), frozenset())
    return roles


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with sign-on settings that cannot work."""
    role_groups(config)
    ldap = ldap_settings(config)
    if ldap is not None:
        if not ldap.url.startswith(("ldap://", "ldaps://", "ldapi://")):
            raise ConfigurationError(
                f"LDAP_URL muss mit ldap://, ldaps:// oder ldapi:// beginnen, nicht {ldap.url!r}."
            )
        if not ldap.bind_dn_template and not ldap.search_base:
            raise ConfigurationError(
                "LDAP_URL ist gesetzt, aber weder LDAP_BIND_DN_TEMPLATE noch LDAP_SEARCH_BASE: "
                "eines von beiden sagt, wie eine Person im Verzeichnis gefunden wird."
            )
        if ldap.bind_dn_template and "{username}" not in ldap.bind_dn_template:
            raise ConfigurationError("LDAP_BIND_DN_TEMPLATE muss {username} enthalten.")
    oidc = oidc_settings(config)
    if oidc is None:
        return
    secure = oidc.issuer.startswith("https://")
    if not secure and (
        config.get("APP_ENV") == "production" or not oidc.issuer.startswith("http://")
    ):
        raise ConfigurationError(
            f"OIDC_ISSUER muss eine https-Adresse sein, nicht {oidc.issuer!r}."
        )
