"""Start page per role, language choice and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from academy.auth.policy import current_roles, public, requires
from academy.extensions import db
from academy.i18n import LANG_COOKIE
from academy.web.navigation import panels_for
from academy.web.urls import safe_next

bp = Blueprint(
    "academy",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/academy",
)


@bp.get("/")
@requires("home.view")
def home() -> str:
    panels = panels_for(current_user, current_roles())
    return render_template("academy/home.html", panels=panels)


@bp.post("/sprache")
@public
def set_language() -> Response:
    lang = request.form.get("lang", "de")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    target = safe_next(request.form.get("next")) or "/"
    response = make_response(redirect(target))
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/healthz")
@public
def healthz() -> Any:
    """JSON with the database's state: 200 when reachable and migrated, else 503."""
    status: dict[str, Any] = {"status": "ok", "database": {"engine": db.engine.dialect.name}}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:
        db.session.rollback()
        status["status"] = "error"
        status["database"].update(reachable=False, error=type(exc).__name__)
        return jsonify(status), 503
    status["database"]["reachable"] = True
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        revision = None
    status["database"]["revision"] = revision
    if revision is None:
        status["status"] = "error"
        status["database"]["migrated"] = False
        return jsonify(status), 503
    status["database"]["migrated"] = True
    return jsonify(status)
