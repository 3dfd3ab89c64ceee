"""Role profiles, competency gaps and fast-track programmes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from talent import competencies, programmes
    from talent.blueprint import bp

    competencies.init_app(app)
    programmes.init_app(app)
    app.register_blueprint(bp)
