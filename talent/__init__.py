"""Role profiles, competency gaps and fast-track programmes."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("talent", __name__, url_prefix="/talente", template_folder="templates")


def init_app(app: Flask) -> None:
    from talent import models  # noqa: F401 - tables for Alembic

    app.register_blueprint(bp)
