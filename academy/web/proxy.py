"""Behind reverse proxies: ``PROXY_COUNT`` says how many stand in front of the app.

With ``PROXY_COUNT=n`` (n > 0) Werkzeug's ``ProxyFix`` takes the client's address, the
scheme, host, port and path prefix from the last ``n`` entries of the ``X-Forwarded-*``
headers, so ``request.remote_addr`` is the client (throttling, session records) and not the
proxy. With ``0`` (the default) nothing a client sends in those headers is trusted.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from academy.config import ConfigurationError


def trusted_proxies(app: Flask) -> int:
    """The configured number of trusted proxies (0 or more)."""
    count = app.config.get("PROXY_COUNT", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ConfigurationError(
            f"PROXY_COUNT muss eine ganze Zahl ab 0 sein (Anzahl der vorgeschalteten "
            f"Reverse-Proxys), nicht {count!r}."
        )
    return count


def init_proxy(app: Flask) -> None:
    """Wrap the WSGI app in ``ProxyFix`` when proxies are trusted (once per app)."""
    count = trusted_proxies(app)
    if count == 0 or isinstance(app.wsgi_app, ProxyFix):
        return
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count
    )
