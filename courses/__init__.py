"""Course catalogue, sessions and the enrolment lifecycle."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "courses",
    __name__,
    url_prefix="/kurse",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/courses",
)


def init_app(app: Flask) -> None:
    from courses import (
        demo,  # noqa: F401 - the courses step of flask academy demo
        models,  # noqa: F401 - tables for Alembic
        panels,  # noqa: F401 - start-page panels: my next courses, approvals
        panels_trainer,  # noqa: F401 - start-page panels: trainer, HR
        policy,  # noqa: F401 - registers the permission rules
        views_approvals,  # noqa: F401 - the approval inbox
        views_calendar,  # noqa: F401 - iCal files, the personal feed
        views_catalogue,  # noqa: F401 - catalogue pages and enrolling
        views_learning,  # noqa: F401 - my learning, cancelling
        views_manage,  # noqa: F401 - HR: courses and categories
        views_sessions,  # noqa: F401 - HR: sessions of a course
        views_trainer,  # noqa: F401 - rosters, attendance, sign-in sheets
    )
    from courses.tick import register_tick_steps

    register_tick_steps()

    app.register_blueprint(bp)
