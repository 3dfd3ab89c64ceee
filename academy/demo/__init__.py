"""Demo data: ``flask academy demo`` and the steps that feature packages register."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.cli import academy_cli
    from academy.demo.runner import demo_command

    academy_cli.add_command(demo_command)
