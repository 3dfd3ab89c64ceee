"""The audit log (every state change) and the access log (every view of another
person's data), and the pages that show them: the raw lists, the audit log in sentences
and the staff council's overview of the access log."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from academy.audit import core_sentences, overview_views, views

    core_sentences.register()
    app.register_blueprint(views.bp)
    app.register_blueprint(overview_views.bp)
