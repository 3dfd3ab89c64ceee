"""OpenID Connect sign-on with Authlib: authorization code flow with PKCE (S256), the
provider's endpoints from its discovery document (``<issuer>/.well-known/openid-
configuration``), the ID token checked (signature against the provider's keys, issuer,
audience, expiry, nonce) and logout at the provider where it offers ``end_session_endpoint``.

The client is built from the settings when first needed and kept per application and
settings; state, nonce and PKCE verifier wait in the (signed) session cookie between the
redirect to the provider and the way back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app
from joserfc.errors import JoseError
from sqlalchemy import select
from werkzeug.wrappers import Response

from academy.accounts.models import UserSession
from academy.auth.sessions import _token_hash
from academy.auth.signon.provisioning import DirectoryIdentity
from academy.auth.signon.settings import OidcSettings, oidc_settings
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_

log = logging.getLogger(__name__)

#: Where the clients are kept (``app.extensions``), one per settings.
CLIENTS = "academy.signon.oidc"


class ProviderUnavailable(DomainError):
    status_code = 502


class ProviderSignInFailed(DomainError):
    status_code = 401


def oidc_client(settings: OidcSettings) -> FlaskOAuth2App:
    """The Authlib client for ``settings`` (one per application and settings)."""
    clients: dict[OidcSettings, FlaskOAuth2App] = current_app.extensions.setdefault(CLIENTS, {})
    client = clients.get(settings)
    if client is None:
        client_kwargs: dict[str, Any] = {
            "scope": settings.scopes,
            "code_challenge_method": "S256",
            "default_timeout": settings.timeout,
        }
        if not settings.client_secret:  # a public client: PKCE alone
            client_kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105
        client = FlaskOAuth2App(
            FlaskIntegration("oidc"),
            "oidc",
            client_id=settings.client_id,
            client_secret=settings.client_secret or None,
            server_metadata_url=settings.metadata_url,
            client_kwargs=client_kwargs,
        )
        clients[settings] = client
    return client


def _metadata(client: FlaskOAuth2App, settings: OidcSettings) -> Mapping[str, Any]:
    """The provider's discovery document; its issuer must be the configured one."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC discovery at %s failed: %s", settings.metadata_url, exc)
        raise ProviderUnavailable(
            N_("The sign-in service cannot be reached. Please try again later.")
        ) from exc
    if str(metadata.get("issuer", "")).rstrip("/") != settings.issuer:
        client.server_metadata.clear()
        log.error(
            "OIDC issuer mismatch: configured %s, provider says %s",
            settings.issuer,
            metadata.get("issuer"),
        )
        raise ProviderUnavailable(
            N_("The sign-in service is not set up correctly. Please tell the administration.")
        )
    return metadata


def start(settings: OidcSettings, redirect_uri: str) -> Response:
    """The redirect to the provider's authorization endpoint (state, nonce, PKCE kept)."""
    client = oidc_client(settings)
    _metadata(client, settings)
    return client.authorize_redirect(redirect_uri)


def finish(settings: OidcSettings) -> tuple[DirectoryIdentity, str | None]:
    """The identity from the provider's answer at the callback, and the ID token (for the
    provider's logout). Raises ``ProviderSignInFailed`` / ``ProviderUnavailable``."""
    client = oidc_client(settings)
    _metadata(client, settings)
    try:
        token = client.authorize_access_token()
    except OAuthError as exc:
        log.info("OIDC sign-in not completed: %s", exc)
        raise ProviderSignInFailed(
            N_("The sign-in with your work account was cancelled or has expired. Please try again.")
        ) from exc
    except (JoseError, ValueError) as exc:
        log.warning("OIDC ID token rejected: %s", exc)
        raise ProviderSignInFailed(
            N_("The answer of the sign-in service could not be verified. Please try again.")
        ) from exc
    except requests.RequestException as exc:
        log.warning("OIDC token request failed: %s", exc)
        raise ProviderUnavailable(
            N_("The sign-in service cannot be reached. Please try again later.")
        ) from exc
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise ProviderSignInFailed(
            N_("The answer of the sign-in service could not be verified. Please try again.")
        )
    claims = _with_userinfo(client, settings, claims, token)
    return identity_from_claims(settings, claims), token.get("id_token")


def _with_userinfo(
    client: FlaskOAuth2App, settings: OidcSettings, claims: dict[str, Any], token: Mapping[str, Any]
) -> dict[str, Any]:
    """Claims the ID token lacks, from the userinfo endpoint (same subject only)."""
    wanted = [settings.personnel_no_claim, settings.email_claim, settings.groups_claim]
    if all(not name or claim(claims, name) is not None for name in wanted):
        return claims
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    try:
        extra = dict(client.userinfo(token=token))
    except (requests.RequestException, OAuthError, ValueError) as exc:
        log.warning("OIDC userinfo request failed: %s", exc)
        return claims
    if extra.get("sub") != claims["sub"]:
        return claims
    return extra | claims


def claim(claims: Mapping[str, Any], name: str) -> Any:
    """A claim by name; a name with dots that is not a claim itself is a path into nested
    claims (``realm_access.roles``)."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def identity_from_claims(settings: OidcSettings, claims: Mapping[str, Any]) -> DirectoryIdentity:
    groups = claim(claims, settings.groups_claim) if settings.groups_claim else None
    if isinstance(groups, str):
        groups = [groups]
    name = _text(claims.get("name")) or " ".join(
        p for p in (_text(claims.get("given_name")), _text(claims.get("family_name"))) if p
    )
    personnel_no = (
        claim(claims, settings.personnel_no_claim) if settings.personnel_no_claim else None
    )
    return DirectoryIdentity(
        provider=settings.provider_key,
        subject=str(claims["sub"]),
        personnel_no=_text(personnel_no),
        email=_text(claim(claims, settings.email_claim)),
        display_name=name or None,
        groups=tuple(str(g) for g in groups or () if isinstance(g, (str, int))),
        email_verified=claims.get("email_verified") is not False,
    )


def session_id_token(session_token: str | None) -> str | None:
    """The ID token kept with the current login session (signed in through OIDC)."""
    if not session_token:
        return None
    return db.session.scalar(
        select(UserSession.id_token).where(UserSession.token_hash == _token_hash(session_token))
    )


def provider_logout_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout),
    or None: not signed in through OIDC, or the provider offers no end-session endpoint."""
    settings = oidc_settings()
    if settings is None or not id_token:
        return None
    client = oidc_client(settings)
    try:
        endpoint = _metadata(client, settings).get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    return add_params_to_uri(
        str(endpoint),
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": settings.client_id,
        },
    )
