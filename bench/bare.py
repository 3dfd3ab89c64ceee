"""The baseline of the HTTP benchmark (``bench.http``): a bare Flask + Flask-SQLAlchemy
app that lists 20 courses of the benchmark database with one SELECT and a template
compiled once (as an application's template files are), served by gunicorn exactly as
the app is.

    gunicorn 'bench.bare:create()'          # DATABASE_URL names the database

``/`` is the baseline page; ``/ping`` answers without the database (start-up check).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import text

TEMPLATE = """<!doctype html><title>Kurse</title><ul>
{% for c in courses %}<li>{{ c.code }} – {{ c.title }} ({{ c.duration_ue }} UE)</li>{% endfor %}
</ul>"""

QUERY = text("SELECT code, title, duration_ue FROM courses ORDER BY title LIMIT 20")


def create(url: str | None = None) -> Flask:
    app = Flask("bare")
    database_url = url or os.environ["DATABASE_URL"]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.jinja_loader = DictLoader({"courses.html": TEMPLATE})
    db = SQLAlchemy(app)

    def rows() -> list[Any]:
        return list(db.session.execute(QUERY).all())

    @app.get("/")
    def courses() -> str:
        return render_template("courses.html", courses=rows())

    @app.get("/ping")
    def ping() -> str:
        return "ok"

    return app
