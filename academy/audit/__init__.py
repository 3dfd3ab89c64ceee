"""The audit log (every state change) and the access log (every view of another
person's data), and the pages that show them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.audit import views

    app.register_blueprint(views.bp)
