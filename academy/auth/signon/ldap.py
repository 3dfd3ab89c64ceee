"""Directory login (LDAP bind) with python-ldap, for administrations without an OpenID
Connect provider.

The person's password is checked by the directory itself, with a bind as that person:

- ``LDAP_BIND_DN_TEMPLATE`` (``uid={username},ou=people,dc=stadt,dc=example``, or for
  Active Directory ``{username}@stadt.local``): bind directly; the entry is then read at
  that DN, or, where ``LDAP_SEARCH_BASE`` is set too, found with ``LDAP_USER_FILTER``;
- else ``LDAP_SEARCH_BASE`` with ``LDAP_USER_FILTER``: a service account
  (``LDAP_BIND_DN``/``LDAP_BIND_PASSWORD``, or anonymous) finds exactly one entry, then the
  person binds with its DN.

``ldaps://`` or ``LDAP_STARTTLS`` encrypt the connection; the server's certificate must
verify (``LDAP_CA_FILE`` names the CA when it is not in the system's store). An empty
password never reaches the directory (it would be an unauthenticated bind, which succeeds).
``directory_login`` throttles like the password login (same rules, its own key per user
name), so no one can lock a directory account through this form either.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from typing import Any

import ldap
from ldap.dn import escape_dn_chars
from ldap.filter import escape_filter_chars

from academy.auth.signon.provisioning import DirectoryIdentity
from academy.auth.signon.settings import LdapSettings
from academy.auth.throttle import (
    LoginThrottled,
    ThrottlePolicy,
    client_address,
    forget_failures,
    login_key,
    record_failure,
    standing,
)
from academy.errors import DomainError
from academy.i18n import N_

log = logging.getLogger(__name__)

PROVIDER = "ldap"
MAX_USERNAME = 254


class DirectoryLoginFailed(DomainError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__(N_("User name or password is wrong."), field="password")


class DirectoryUnavailable(DomainError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            N_("The directory service cannot be reached at the moment. Please try again later.")
        )


def directory_login(
    settings: LdapSettings,
    username: str,
    password: str,
    *,
    remote_addr: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> DirectoryIdentity:
    """The identity of ``username`` if the directory accepts ``password``; throttled per
    (user name, client address) like the password login. The caller commits (also after a
    failure, so that it counts)."""
    username = username.strip()
    key = login_key(f"ldap:{username.casefold()}")
    address = client_address(remote_addr)
    state = standing(key, address, now=now, policy=policy)
    if state.wait is not None:
        raise LoginThrottled(state.wait)
    try:
        identity = bind_identity(settings, username, password)
    except DirectoryLoginFailed:
        record_failure(key, address, now)
        if state.flagged:
            raise LoginThrottled(policy.window) from None
        raise
    forget_failures(key, address)
    return identity


def _usable(username: str, password: str) -> bool:
    return (
        0 < len(username) <= MAX_USERNAME
        and bool(password)
        and not any(ord(c) < 32 for c in username + password)
    )


def _connect(settings: LdapSettings) -> Any:
    conn = ldap.initialize(settings.url)
    conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, settings.timeout)
    conn.set_option(ldap.OPT_TIMEOUT, settings.timeout)
    if settings.starttls or settings.url.startswith("ldaps://"):
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        if settings.ca_file:
            conn.set_option(ldap.OPT_X_TLS_CACERTFILE, settings.ca_file)
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)  # apply the TLS options (must be last)
    if settings.starttls and settings.url.startswith("ldap://"):
        conn.start_tls_s()
    return conn


def _attributes(settings: LdapSettings) -> list[str]:
    names = [
        settings.id_attribute,
        settings.personnel_no_attribute,
        settings.email_attribute,
        settings.name_attribute,
        settings.group_attribute,
        "cn",
    ]
    return sorted({n for n in names if n})


def bind_identity(settings: LdapSettings, username: str, password: str) -> DirectoryIdentity:
    """Bind as the person and read their entry; ``DirectoryLoginFailed`` for wrong
    credentials or an unknown user, ``DirectoryUnavailable`` when the directory fails."""
    if not _usable(username, password):
        raise DirectoryLoginFailed()
    conn = None
    try:
        conn = _connect(settings)
        dn, entry = _find_and_bind(conn, settings, username, password)
        return _identity(settings, dn, entry)
    except (ldap.INVALID_CREDENTIALS, ldap.UNWILLING_TO_PERFORM, ldap.INVALID_DN_SYNTAX):
        raise DirectoryLoginFailed() from None
    except ldap.LDAPError as exc:
        log.warning("LDAP login against %s failed: %r", settings.url, exc)
        raise DirectoryUnavailable() from exc
    finally:
        if conn is not None:
            with contextlib.suppress(ldap.LDAPError):
                conn.unbind_s()


def _search_one(
    conn: Any, settings: LdapSettings, username: str
) -> tuple[str, dict[str, list[bytes]]] | None:
    query = settings.user_filter.replace("{username}", escape_filter_chars(username))
    results = conn.search_s(settings.search_base, ldap.SCOPE_SUBTREE, query, _attributes(settings))
    entries = [(dn, attrs) for dn, attrs in results if dn]  # referrals have no DN
    return entries[0] if len(entries) == 1 else None


def _find_and_bind(
    conn: Any, settings: LdapSettings, username: str, password: str
) -> tuple[str, dict[str, list[bytes]]]:
    if settings.bind_dn_template:
        bind_name = settings.bind_dn_template.replace("{username}", escape_dn_chars(username))
        conn.simple_bind_s(bind_name, password)
        if settings.search_base:
            found = _search_one(conn, settings, username)
        else:
            results = conn.search_s(
                bind_name, ldap.SCOPE_BASE, "(objectClass=*)", _attributes(settings)
            )
            found = results[0] if results else None
        if found is None:
            raise DirectoryLoginFailed()
        return found
    try:
        conn.simple_bind_s(settings.bind_dn, settings.bind_password)
    except ldap.INVALID_CREDENTIALS as exc:
        log.error("LDAP service account %r was refused by %s", settings.bind_dn, settings.url)
        raise DirectoryUnavailable() from exc
    found = _search_one(conn, settings, username)
    if found is None:
        raise DirectoryLoginFailed()
    conn.simple_bind_s(found[0], password)
    return found


def _value(raw: bytes) -> str:
    """An attribute value as text (a binary one, such as objectGUID, in hexadecimal)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.hex()


def _first(entry: dict[str, list[bytes]], name: str) -> str | None:
    if not name:
        return None
    for key, values in entry.items():
        if key.lower() == name.lower() and values:
            return _value(values[0])
    return None


def _all(entry: dict[str, list[bytes]], name: str) -> tuple[str, ...]:
    if not name:
        return ()
    for key, values in entry.items():
        if key.lower() == name.lower():
            return tuple(_value(v) for v in values)
    return ()


def _identity(settings: LdapSettings, dn: str, entry: dict[str, list[bytes]]) -> DirectoryIdentity:
    return DirectoryIdentity(
        provider=PROVIDER,
        subject=_first(entry, settings.id_attribute) or dn.lower(),
        personnel_no=_first(entry, settings.personnel_no_attribute),
        email=_first(entry, settings.email_attribute),
        display_name=_first(entry, settings.name_attribute) or _first(entry, "cn"),
        groups=_all(entry, settings.group_attribute),
    )
