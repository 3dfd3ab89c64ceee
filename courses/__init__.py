"""Course catalogue, sessions and the enrolment lifecycle."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("courses", __name__, url_prefix="/kurse", template_folder="templates")


def init_app(app: Flask) -> None:
    from courses import models  # noqa: F401 - tables for Alembic

    app.register_blueprint(bp)
