"""Certificates, HR analytics and exports."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reports", __name__, url_prefix="/berichte", template_folder="templates")


def init_app(app: Flask) -> None:
    from reports import models  # noqa: F401 - tables for Alembic

    app.register_blueprint(bp)
