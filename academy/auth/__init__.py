"""Authentication, login sessions, throttling, the permission policy and the scope."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.auth import signon, views

    app.register_blueprint(views.bp)
    signon.init_app(app)
