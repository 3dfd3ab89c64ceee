"""Certificates, HR analytics and exports."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, url_prefix="/berichte", template_folder="templates")


def init_app(app: Flask) -> None:
    from courses.signals import course_completed
    from reports import (
        models,  # noqa: F401 - tables for Alembic
        policy,  # noqa: F401 - registers the permission rules
        views_certificates,  # noqa: F401 - certificate lists, detail, public verification
    )
    from reports.certificates import on_course_completed

    course_completed.connect(on_course_completed)

    app.register_blueprint(bp)
