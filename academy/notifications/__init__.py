"""Notifications: the in-app list, the e-mail outbox and its sender."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.notifications import views

    app.register_blueprint(views.bp)
