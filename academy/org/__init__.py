"""The organisation: departments (a tree with heads), job roles, employees, the staff
import."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.cli import academy_cli
    from academy.org import policy, views  # noqa: F401 - policy registers the rules
    from academy.org.staff_import import views as import_views
    from academy.org.staff_import.cli import import_staff

    academy_cli.add_command(import_staff)
    app.register_blueprint(views.bp)
    app.register_blueprint(import_views.bp)
