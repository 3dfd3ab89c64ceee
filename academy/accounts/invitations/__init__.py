"""Inviting imported staff without an account (where ``LOCAL_LOGIN`` is on): HR selects
people, each gets an e-mail with a one-time link to set a password, and the account is
created and linked to their personnel record when they use it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.accounts.invitations import demo, records
    from academy.accounts.invitations.blueprint import bp
    from academy.accounts.invitations.views import hr, public  # noqa: F401 - the routes

    records.register()
    demo.register_step()
    app.register_blueprint(bp)
