"""Competency frameworks, the shared vocabulary: frameworks, level scales, areas and
competences; the shipped defaults and the import of further frameworks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.cli import academy_cli
    from academy.frameworks import views
    from academy.frameworks.cli import import_framework_command, init_command

    academy_cli.add_command(init_command)
    academy_cli.add_command(import_framework_command)
    app.register_blueprint(views.bp)
