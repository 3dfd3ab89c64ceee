"""Course catalogue, sessions and the enrolment lifecycle."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "courses",
    __name__,
    url_prefix="/kurse",
    static_folder="static",
    static_url_path="/static/courses",
)


def init_app(app: Flask) -> None:
    from courses import (
        catalogue,
        demo,
        enrolment,
        policy,  # noqa: F401 - registers the permission rules
        sessions,
    )

    catalogue.register()
    sessions.register()
    enrolment.register()
    demo.register()

    app.register_blueprint(bp)
