"""Certificates, HR analytics and exports."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, url_prefix="/berichte")


def init_app(app: Flask) -> None:
    from academy.web.hooks import add_template_hook
    from courses.signals import course_completed
    from reports import (
        audit_sentences,
        policy,  # noqa: F401 - registers the permission rules
    )
    from reports.analytics.views import export, reports  # noqa: F401 - report pages, files
    from reports.certificates import models  # noqa: F401 - tables for Alembic
    from reports.certificates.certificates import on_course_completed
    from reports.certificates.demo import step  # noqa: F401 - the certificates demo step
    from reports.certificates.hooks import (
        history_certificate_link,
        programme_certificate_link,
        session_zip_link,
    )
    from reports.certificates.personal_data import register_sections
    from reports.certificates.programmes import on_programme_graduated
    from reports.certificates.reminders import register_tick_steps
    from reports.certificates.views import (  # noqa: F401 - lists, detail, PDF, ZIP, public
        certificates,
        issue,
        session_zip,
        verification,
    )
    from talent.programmes.signals import programme_graduated

    audit_sentences.register()  # the audit log in sentences
    course_completed.connect(on_course_completed)
    programme_graduated.connect(on_programme_graduated)
    register_tick_steps()
    register_sections()  # certificates in the Art. 15 export
    add_template_hook("session-roster-actions", session_zip_link)
    add_template_hook("programme-member-certificate", programme_certificate_link)
    add_template_hook("learning-history-details", history_certificate_link)
    from reports.certificates.retention import register_retention_rules

    register_retention_rules()  # retention: names on certificates of leavers
    from reports import evaluations

    evaluations.register()  # results of course evaluations: pages, CSV/XLSX/PDF

    app.register_blueprint(bp)
