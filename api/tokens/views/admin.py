"""Administrators make and revoke service tokens (Verwaltung → Schnittstellen). The
secret is shown once, in the answer to the form that made it (never stored, never in a
cookie or a redirect); revocation asks for confirmation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.auth.policy import requires
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import N_
from academy.web.kit import acting_user, paginate, show_error
from academy.web.navigation import NavItem, add_nav
from academy.web.urls import public_url
from api.tokens.forms import RevokeForm, TokenForm
from api.tokens.queries import token_or_none, tokens_statement
from api.tokens.scopes import PERSONAL_SCOPES, SCOPES
from api.tokens.tokens import create_token, revoke_token

bp = Blueprint("api_tokens", __name__, url_prefix="/verwaltung/schnittstellen")

add_nav(NavItem("api_tokens.index", N_("API access"), "api_tokens.manage", "admin", order=15))

TEMPLATES = "api/tokens/"


@bp.get("")
@requires("api_tokens.manage")
def index() -> str:
    return render_template(
        TEMPLATES + "list.html", page=paginate(tokens_statement()), now=utcnow(), scopes=SCOPES
    )


@bp.route("/neu", methods=["GET", "POST"])
@requires("api_tokens.manage")
def new() -> tuple[str, int]:
    form = TokenForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            token, secret = create_token(
                acting_user(),
                name=form.name.data or "",
                scopes=list(form.scopes.data or []),
                purpose=form.purpose.data,
                expires_on=form.expires_on.data,
                now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            status = show_error(form, error)
        else:
            db.session.commit()
            example = public_url("api.courses")
            page = render_template(
                TEMPLATES + "created.html", token=token, secret=secret, example=example
            )
            return page, 201
    personal = sorted(PERSONAL_SCOPES)
    return render_template(TEMPLATES + "new.html", form=form, personal=personal), status


@bp.route("/<int:token_id>/widerrufen", methods=["GET", "POST"])
@requires("api_tokens.manage")
def revoke(token_id: int) -> Response | tuple[str, int]:
    token = token_or_none(token_id)
    if token is None:
        abort(404)
    form = RevokeForm()
    status = 422 if request.method == "POST" else 200
    if token.revoked_at is not None:
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            revoke_token(acting_user(), token, reason=form.reason.data, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            status = show_error(form, error)
        else:
            db.session.commit()
            flash(gettext("The token “%(name)s” has been revoked.", name=token.name), "success")
            return redirect(url_for("api_tokens.index"))
    page = render_template(TEMPLATES + "revoke.html", token=token, form=form, now=utcnow())
    return page, status
