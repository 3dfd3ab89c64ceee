"""Bearer tokens of the OpenID Connect provider (client-credentials grant): a JWT signed
with one of the issuer's keys (JWKS, found through the issuer's discovery document).

Checked: the signature (asymmetric algorithms only — never ``none`` or a shared secret),
``iss`` = ``OIDC_ISSUER``, ``aud`` contains ``API_AUDIENCE``, ``exp`` in the future (and
``nbf``/``iat`` not in the future), 60 seconds of clock skew allowed. The scopes come from
the claim ``API_SCOPE_CLAIM`` (a space-separated string or a list; ``API_SCOPE_PREFIX``
removed from each value); the caller's name from ``client_id``, ``azp`` or ``sub``.

The key set is cached per process for ``API_JWKS_CACHE_SECONDS`` (a cache of a public
document: every worker fetches its own copy); a token signed with a key the cache does
not know makes one fresh fetch (key rotation), at most every ``REFETCH_SECONDS``.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
LEEWAY_SECONDS = 60
REFETCH_SECONDS = 30
#: Largest discovery document or key set read.
MAX_DOCUMENT_BYTES = 1024 * 1024
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class TokenRefused(Exception):
    """The JWT is not valid for this API (signature, issuer, audience, time)."""


class ProviderUnavailable(Exception):
    """The issuer's discovery document or key set could not be fetched."""


@dataclass(frozen=True)
class ClientToken:
    client: str
    scopes: frozenset[str]


@dataclass
class _Keys:
    keys: KeySet
    fetched: float


_cache: dict[str, _Keys] = {}
_lock = threading.Lock()


def _fetch(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    ):
        raise ProviderUnavailable(f"{url}: only https (or http on loopback) is used")
    timeout = float(current_app.config.get("OIDC_TIMEOUT_SECONDS", 10))
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderUnavailable(f"{url}: document too large")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise ProviderUnavailable(f"{url}: not JSON") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document


def _load_keys(issuer: str) -> KeySet:
    discovery = _fetch(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if str(discovery.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnavailable("the discovery document names another issuer")
    jwks_uri = discovery.get("jwks_uri")
    if not isinstance(jwks_uri, str):
        raise ProviderUnavailable("the discovery document has no jwks_uri")
    try:
        return KeySet.import_key_set(_fetch(jwks_uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise ProviderUnavailable(f"{jwks_uri}: not a key set ({exc})") from exc


def _keys(issuer: str, *, fresh: bool = False) -> KeySet:
    ttl = float(current_app.config.get("API_JWKS_CACHE_SECONDS", 300))
    now = time.monotonic()
    with _lock:
        cached = _cache.get(issuer)
        if cached is not None:
            age = now - cached.fetched
            if age < ttl and not (fresh and age >= REFETCH_SECONDS):
                return cached.keys
    keys = _load_keys(issuer)
    with _lock:
        _cache[issuer] = _Keys(keys, time.monotonic())
    return keys


def forget_keys() -> None:
    """Drop the cached key sets (tests; a changed configuration)."""
    with _lock:
        _cache.clear()


def _decode(value: str, issuer: str) -> jwt.Token:
    try:
        return jwt.decode(value, _keys(issuer), algorithms=ALGORITHMS)
    except (JoseError, ValueError, KeyError, TypeError):
        pass  # perhaps a key the cached set does not know yet: fetch once more
    try:
        return jwt.decode(value, _keys(issuer, fresh=True), algorithms=ALGORITHMS)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise TokenRefused(f"signature: {exc}") from exc


def scopes_of(claims: dict[str, Any], claim: str, prefix: str) -> frozenset[str]:
    raw = claims.get(claim)
    values = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    found = set()
    for value in values:
        if isinstance(value, str):
            found.add(value[len(prefix) :] if prefix and value.startswith(prefix) else value)
    return frozenset(found)


def client_of(claims: dict[str, Any]) -> str:
    for name in ("client_id", "azp", "sub"):
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:150]
    raise TokenRefused("the token names no client")


def verify(value: str, *, issuer: str, audience: str, now: float) -> ClientToken:
    """The client and scopes of a valid token; ``TokenRefused`` or ``ProviderUnavailable``."""
    token = _decode(value, issuer)
    registry = jwt.JWTClaimsRegistry(
        now=int(now),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "values": sorted({issuer, issuer.rstrip("/")})},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
    )
    try:
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenRefused(f"claims: {exc}") from exc
    config = current_app.config
    scopes = scopes_of(
        token.claims, str(config["API_SCOPE_CLAIM"]), str(config["API_SCOPE_PREFIX"])
    )
    return ClientToken(client_of(token.claims), scopes)
