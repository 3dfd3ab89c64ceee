"""Certificates, HR analytics and exports."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, url_prefix="/berichte", template_folder="templates")


def init_app(app: Flask) -> None:
    from courses.signals import course_completed
    from reports import (
        demo,  # noqa: F401 - the certificates step of flask academy demo
        models,  # noqa: F401 - tables for Alembic
        policy,  # noqa: F401 - registers the permission rules
        views_certificates,  # noqa: F401 - certificate lists, detail, public verification
        views_issue,  # noqa: F401 - external certificates, reissue
        views_reports,  # noqa: F401 - HR report pages and CSV/XLSX/PDF exports
        views_zip,  # noqa: F401 - all certificates of a session as one ZIP
    )
    from reports.certificates import on_course_completed
    from reports.programme_certificates import on_programme_graduated
    from reports.tick import register_tick_steps
    from talent.signals import programme_graduated

    course_completed.connect(on_course_completed)
    programme_graduated.connect(on_programme_graduated)
    register_tick_steps()

    app.register_blueprint(bp)
