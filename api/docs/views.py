"""``/api/v1/openapi.json`` and ``/api/v1/docs`` (public: they describe the API, they
hold no data). Swagger UI's files come from the installed ``flask-swagger-ui`` package
(``swagger_ui.static``); the page starts it with a script file of its own, so the app's
Content-Security-Policy (``script-src 'self'``) stays as it is."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import flask_swagger_ui
from flask import Blueprint, Response, current_app, render_template, request, url_for

from academy.auth.policy import public
from academy.web.urls import public_base

bp = Blueprint(
    "api_docs",
    __name__,
    url_prefix="/api/v1",
    static_folder="static",
    static_url_path="/docs/static",
)
#: Swagger UI's own files, as the package ships them.
swagger_ui = Blueprint(
    "swagger_ui",
    __name__,
    static_folder=str(Path(flask_swagger_ui.__file__).resolve().parent / "dist"),
    static_url_path="/api/v1/docs/swagger-ui",
)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 document of the API, with this installation's address."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    document = copy.deepcopy(api.spec.to_dict())
    document["servers"] = [{"url": public_base(), "description": "Diese Installation"}]
    return document


@bp.get("/openapi.json")
@public
def openapi_json() -> Response:
    body = json.dumps(openapi_document(), ensure_ascii=False, sort_keys=True, indent=1)
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest()[:40])
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@bp.get("/docs")
@public
def docs() -> str:
    return render_template("api/docs.html", spec_url=url_for("api_docs.openapi_json"))
