"""Course catalogue, sessions and the enrolment lifecycle."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("courses", __name__, url_prefix="/kurse", template_folder="templates")


def init_app(app: Flask) -> None:
    from courses import (
        models,  # noqa: F401 - tables for Alembic
        policy,  # noqa: F401 - registers the permission rules
        views_catalogue,  # noqa: F401 - catalogue pages and enrolling
        views_manage,  # noqa: F401 - HR: courses and categories
        views_sessions,  # noqa: F401 - HR: sessions of a course
    )
    from courses.tick import register_tick_steps

    register_tick_steps()

    app.register_blueprint(bp)
