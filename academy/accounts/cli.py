"""``flask academy create-admin``: an administrator account from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from academy.accounts.management import ensure_admin
from academy.extensions import db


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", default="Administration")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account (or reset its password)."""
    ensure_admin(email=email, name=name, password=password)
    db.session.commit()
    click.echo(f"Administrator {email} ist angelegt.")
