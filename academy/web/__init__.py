"""The web layer every page shares: trusted proxies, request handling, errors, templates,
navigation and start-page panels, template hooks and the view kit."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.web import (
        panels,  # noqa: F401 - registers the start-page panels
        views,
    )
    from academy.web.cookies import init_cookies
    from academy.web.errors import init_errors
    from academy.web.inputs import init_inputs
    from academy.web.proxy import init_proxy
    from academy.web.requests import init_requests
    from academy.web.templating import init_templating

    init_proxy(app)
    init_requests(app)
    init_cookies(app)
    init_inputs(app)
    init_errors(app)
    init_templating(app)
    app.register_blueprint(views.bp)
