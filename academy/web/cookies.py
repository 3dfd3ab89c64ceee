"""The session cookie and the CSRF token without repeating the same cryptography on every
request.

- ``RememberingSessionInterface``: Flask's signed session cookie, but a cookie value this
  process has verified before is not verified and decoded again: the result is
  remembered by the exact cookie value (the signature covers every byte, so the same
  value gives the same result), its age is still checked against the session lifetime.
  Only sessions of plain values (texts, numbers, switches) are remembered; the cookie
  is written when the session changes (``SESSION_REFRESH_EACH_REQUEST`` off).
- ``csrf_token()``: Flask-WTF's signed token for the forms of the base layout (log out,
  language), reused for the same session for ``CSRF_REUSE_SECONDS``; it stays valid for
  ``WTF_CSRF_TIME_LIMIT`` after it was signed, so at least that minus the reuse time.

Both only remember what any worker would compute the same way: nothing is shared
between requests that a second worker or host would need.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: How many verified cookie values / signed tokens a process remembers.
REMEMBERED = 10_000
#: A signed CSRF token is used again for this long (its limit counts from signing).
CSRF_REUSE_SECONDS = 3600
_PLAIN = (str, int, float, bool, type(None))


class _Lru(OrderedDict[str, Any]):
    def remember(self, key: str, value: Any) -> None:
        self[key] = value
        if len(self) > REMEMBERED:
            self.popitem(last=False)


class RememberingSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        self._verified = _Lru()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            assert serializer is not None
            self._serializers = {key: serializer}
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = self._verified.get(value)
        if known is not None:
            data, signed_at = known
            if time.time() - signed_at <= max_age:
                return self.session_class(data)
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
            self._verified.remember(value, (dict(data), signed.timestamp()))
        return self.session_class(data)


def csrf_token() -> str:
    """The signed CSRF token of this request (the base layout's forms)."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if name in g:
        return str(g.get(name))
    remembered: _Lru = current_app.extensions.setdefault("academy_csrf", _Lru())
    raw = session.get(name)
    known = remembered.get(raw) if isinstance(raw, str) else None
    if known is not None and time.monotonic() - known[1] < CSRF_REUSE_SECONDS:
        setattr(g, name, known[0])
        return str(known[0])
    token = generate_csrf()
    remembered.remember(session[name], (token, time.monotonic()))
    return str(token)


def init_cookies(app: Flask) -> None:
    """The session interface; ``csrf_token`` reaches the templates through the template
    context (``academy.web.templating``), after Flask-WTF's own."""
    app.session_interface = RememberingSessionInterface()
