"""Accounts and roles: creating, editing and (de)activating accounts, passwords."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.accounts import invitations, views
    from academy.accounts.cli import create_admin
    from academy.cli import academy_cli

    academy_cli.add_command(create_admin)
    app.register_blueprint(views.bp)
    invitations.init_app(app)
