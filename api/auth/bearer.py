"""Authentication of every API call: ``Authorization: Bearer <token>`` with a service
token (``dak_…``) or, where ``OIDC_ISSUER`` and ``API_AUDIENCE`` are set, a JWT of the
OIDC provider. ``requires_scope(scope)`` declares a view's scope (its ``permission`` is
``token:<scope>``; anonymous callers get 401, never the login page), runs the view,
commits, and answers a GET with an ETag (``If-None-Match`` → 304).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.clock import utcnow
from academy.extensions import db
from academy.i18n import N_
from academy.web import inputs
from api.auth import oidc_tokens
from api.auth.clients import client_account
from api.errors import problem
from api.tokens.tokens import SECRET_PREFIX, note_use, token_for_secret

F = TypeVar("F", bound=Callable[..., Any])

#: Prefix of the ``permission`` of every token-authenticated view (tests/test_routes.py).
TOKEN_PERMISSION = "token:"  # noqa: S105 - a permission name, not a secret
REALM = 'Bearer realm="Digitalakademie"'


@dataclass(frozen=True)
class Caller:
    """Who called: the technical account (the access log's viewer), a name, the scopes
    and the purpose that every access-log entry of this caller states."""

    account_id: int
    name: str
    scopes: frozenset[str]
    purpose: str

    def account(self) -> User:
        """The technical account (loaded only where personal data is logged)."""
        account = db.session.get(User, self.account_id)
        assert account is not None
        return account


def _refuse(message: str, *, error: str = "invalid_token", **params: object) -> None:
    header = f'{REALM}, error="{error}"'
    problem(401, message, headers={"WWW-Authenticate": header}, **params)


def _bearer_value() -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        problem(401, headers={"WWW-Authenticate": REALM})
    return value


def _service_token_caller(secret: str) -> Caller:
    now = g.api_now
    token = token_for_secret(secret)
    if token is None:
        _refuse(N_("The token is not known."))
    assert token is not None
    status = token.status(now)
    if status == "revoked":
        _refuse(N_("The token has been revoked."))
    if status == "expired":
        _refuse(N_("The token has expired."))
    if note_use(token, request.remote_addr, now):
        db.session.commit()
    return Caller(token.account_id, token.name, token.scope_set, token.purpose or "")


def _client_caller(value: str) -> Caller:
    config = current_app.config
    issuer, audience = str(config.get("OIDC_ISSUER", "")), str(config["API_AUDIENCE"])
    if not issuer or not audience or audience == config.get("OIDC_CLIENT_ID"):
        _refuse(N_("Bearer tokens of the identity provider are not accepted here."))
    try:
        found = oidc_tokens.verify(
            value, issuer=issuer, audience=audience, now=g.api_now.timestamp()
        )
    except oidc_tokens.ProviderUnavailable as exc:
        current_app.logger.warning("API: JWKS of %s unavailable: %s", issuer, exc)
        problem(
            503,
            N_("The identity provider cannot be reached to check the token. Try again later."),
            headers={"Retry-After": "30"},
        )
    except oidc_tokens.TokenRefused as exc:
        current_app.logger.info("API: bearer token refused: %s", exc)
        _refuse(N_("The bearer token is not valid for this API."))
    account = client_account(found.client, g.api_now)
    db.session.commit()
    purpose = str(config["API_CLIENT_PURPOSE"])
    return Caller(account.id, found.client, found.scopes, purpose)


def authenticate() -> Caller:
    value = _bearer_value()
    if value.startswith(SECRET_PREFIX):
        return _service_token_caller(value)
    if value.count(".") == 2:
        return _client_caller(value)
    _refuse(N_("The token is not known."))
    raise AssertionError("unreachable")


def _refuse_control_characters() -> None:
    """A query value held NUL or another control character (``academy.web.inputs``
    removed it before the view): refused as a whole, the field named."""
    flagged = sorted(inputs.flagged_fields())
    if flagged:
        message = N_("Contains characters that are not allowed (such as NUL). Please remove them.")
        problem(422, errors={name: [message] for name in flagged})


def _conditional(response: Response) -> Response:
    """A GET answer with its ETag; an ``If-None-Match`` that matches gives 304."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    return response.make_conditional(request)


def requires_scope(scope: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            g.api_now = utcnow()
            caller = authenticate()
            if scope not in caller.scopes:
                header = f'{REALM}, error="insufficient_scope", scope="{scope}"'
                message = N_("The token does not have the scope “%(scope)s” this call needs.")
                problem(403, message, headers={"WWW-Authenticate": header}, scope=scope)
            _refuse_control_characters()
            g.api_caller = caller
            response = current_app.make_response(view(*args, **kwargs))
            db.session.commit()
            return _conditional(response)

        wrapped.permission = TOKEN_PERMISSION + scope  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def current_caller() -> Caller:
    return g.api_caller  # type: ignore[no-any-return]
