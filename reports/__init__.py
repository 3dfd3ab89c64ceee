"""Certificates, HR analytics and exports."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, url_prefix="/berichte")


def init_app(app: Flask) -> None:
    from academy.web.hooks import add_template_hook
    from courses.signals import course_completed
    from reports import policy  # noqa: F401 - registers the permission rules
    from reports.analytics.views import export, reports  # noqa: F401 - report pages, files
    from reports.certificates import models  # noqa: F401 - tables for Alembic
    from reports.certificates.certificates import on_course_completed
    from reports.certificates.demo import step  # noqa: F401 - the certificates demo step
    from reports.certificates.hooks import programme_certificate_link, session_zip_link
    from reports.certificates.programmes import on_programme_graduated
    from reports.certificates.reminders import register_tick_steps
    from reports.certificates.views import (  # noqa: F401 - lists, detail, PDF, ZIP, public
        certificates,
        issue,
        session_zip,
        verification,
    )
    from talent.programmes.signals import programme_graduated

    course_completed.connect(on_course_completed)
    programme_graduated.connect(on_programme_graduated)
    register_tick_steps()
    add_template_hook("session-roster-actions", session_zip_link)
    add_template_hook("programme-member-certificate", programme_certificate_link)

    app.register_blueprint(bp)
