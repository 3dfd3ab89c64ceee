"""The read API for the city's other systems (HR systems, intranet portals): catalogue
and sessions, completions and certificates by personnel number, competency targets and
current levels, aggregated gap figures — under ``/api/v1`` with its OpenAPI document, and
the administrators' pages for the service tokens it is called with.

The top layer: it reads every package (``api → reports → talent → courses → academy``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from api import audit_sentences, policy
    from api.docs.views import bp as docs
    from api.docs.views import swagger_ui
    from api.errors import init_errors
    from api.openapi import create_api
    from api.tokens import demo, models  # noqa: F401 - models: the table, for Alembic
    from api.tokens.views.admin import bp as tokens
    from api.v1 import bp as v1
    from api.v1.views import catalogue, figures, people  # noqa: F401 - the routes

    policy.register()  # access-log codes and purposes, the Art. 15 declaration
    demo.register()  # the demo city's service tokens
    audit_sentences.register()  # the audit log in sentences
    init_errors()  # JSON for every error under /api/
    create_api(app).register_blueprint(v1)
    app.register_blueprint(docs)
    app.register_blueprint(swagger_ui)
    app.register_blueprint(tokens)
