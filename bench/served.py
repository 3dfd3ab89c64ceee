"""The app as ``bench.http`` serves it: ``academy.create_app()`` (configured from the
environment, as ``wsgi:app``) plus one page the product does not have: ``/bench/leer``,
a logged-in page in the app's layout with nothing in it — the floor every page costs.

    gunicorn 'bench.served:create()'
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import login_required

FLOOR_TEMPLATE = '{% extends "base.html" %}{% block content %}<h1>Leer</h1>{% endblock %}'


def create() -> Flask:
    from academy import create_app

    app = create_app()
    template = app.jinja_env.from_string(FLOOR_TEMPLATE)  # compiled once

    @app.get("/bench/leer")
    @login_required
    def bench_floor() -> str:
        return render_template(template)

    return app
