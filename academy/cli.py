"""The ``flask academy …`` command group. Each command commits once at its end."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

academy_cli = AppGroup("academy", help="Digitalakademie: demo data, imports, scheduled work.")


def init_app(app: Flask) -> None:
    # The modules below add their commands to ``academy_cli`` when imported.
    from academy import demo, frameworks_cli, scheduler, staff_import_cli  # noqa: F401

    app.cli.add_command(academy_cli)


@academy_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Administration")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (or reset its password)."""
    from academy.accounts import ensure_admin
    from academy.extensions import db

    ensure_admin(email=email, name=name, password=password)
    db.session.commit()
    click.echo(f"Administrator {email} ist angelegt.")
