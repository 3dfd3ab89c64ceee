"""Helpers for the API tests: a real token made by the service, calls with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from academy.accounts.models import Role, User
from academy.clock import utcnow
from api.tokens.models import ApiToken
from api.tokens.scopes import SCOPES
from api.tokens.tokens import create_token
from tests import factories

_made = iter(range(1, 1_000_000))


def api_token(
    actor: User | None = None,
    *scopes: str,
    name: str | None = None,
    purpose: str | None = "Prüfung im Test",
    expires_on: date | None = None,
) -> ApiToken:
    """A token in force (all scopes unless given); its secret is ``token.secret``."""
    actor = actor or factories.user(Role.ADMIN, with_employee=False)
    token, secret = create_token(
        actor,
        name=name or f"Testsystem {next(_made)}",
        scopes=list(scopes or SCOPES),
        purpose=purpose,
        expires_on=expires_on,
        now=utcnow(),
    )
    token.secret = secret  # type: ignore[attr-defined] - for the test only
    return token


def bearer(token: ApiToken | str) -> dict[str, str]:
    secret = token if isinstance(token, str) else token.secret  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {secret}"}


def get(client: Any, url: str, token: ApiToken | str | None = None, **headers: str) -> Any:
    """GET with the token; the answer is always JSON."""
    if token is not None:
        headers.update(bearer(token))
    response = client.get(url, headers=headers)
    if response.status_code != 304:
        assert response.mimetype == "application/json", (url, response.status_code)
    return response
