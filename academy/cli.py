"""The ``flask academy …`` command group. Each feature adds its own commands to it in its
``init_app`` (``academy_cli.add_command``); this module imports none of them. Each command
commits once at its end."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

academy_cli = AppGroup("academy", help="Digitalakademie: demo data, imports, scheduled work.")


def init_app(app: Flask) -> None:
    from academy.scheduler import tick_command

    academy_cli.add_command(tick_command)
    app.cli.add_command(academy_cli)
