"""Signing in with the work account: through the OpenID Connect provider (a redirect there
and back) or with the directory's user name and password (LDAP bind)."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from academy.auth.forms import LoginForm
from academy.auth.policy import public
from academy.auth.signon import oidc
from academy.auth.signon.browser import NEXT_KEY
from academy.auth.signon.forms import DirectoryLoginForm, login_options
from academy.auth.signon.ldap import directory_login
from academy.auth.signon.outcome import complete_sign_on
from academy.auth.signon.provisioning import DirectoryIdentity, SignOnRefused
from academy.auth.signon.settings import ldap_settings, oidc_settings
from academy.auth.throttle import LoginThrottled, ThrottlePolicy
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.web.kit import flash_error, show_error
from academy.web.urls import public_url, safe_next

bp = Blueprint("signon", __name__)

Page = Response | tuple[str, int] | tuple[str, int, dict[str, str]]


@bp.get("/anmelden/dienstkonto")
@public
def oidc_start() -> Response:
    settings = oidc_settings()
    if settings is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("academy.home"))
    try:
        response = oidc.start(settings, public_url("signon.oidc_callback"))
    except DomainError as error:
        flash_error(error)
        return redirect(url_for("auth.login"))
    session[NEXT_KEY] = safe_next(request.args.get("next")) or ""
    return response


@bp.get("/anmelden/dienstkonto/rueckkehr")
@public
def oidc_callback() -> Page:
    settings = oidc_settings()
    if settings is None:
        abort(404)
    now = utcnow()
    try:
        identity, id_token = oidc.finish(settings)
    except DomainError as error:
        flash_error(error)
        return redirect(url_for("auth.login"))
    return _signed_on(identity, now=now, id_token=id_token)


@bp.post("/anmelden/verzeichnis")
@public
def directory() -> Page:
    settings = ldap_settings()
    if settings is None:
        abort(404)
    form = DirectoryLoginForm()
    if not form.validate_on_submit():
        return _login_page(form, 422)
    now = utcnow()
    try:
        identity = directory_login(
            settings,
            form.username.data or "",
            form.password.data or "",
            remote_addr=request.remote_addr or "unknown",
            now=now,
            policy=ThrottlePolicy.from_config(current_app.config),
        )
    except DomainError as error:
        db.session.commit()  # a failure counts for the throttling
        headers = (
            {"Retry-After": str(error.retry_after)} if isinstance(error, LoginThrottled) else {}
        )
        return _login_page(form, show_error(form, error), headers)
    session[NEXT_KEY] = safe_next(form.next.data) or ""
    return _signed_on(identity, now=now)


def _login_page(
    form: DirectoryLoginForm, status: int, headers: dict[str, str] | None = None
) -> Page:
    next_path = safe_next(form.next.data) or ""
    local = LoginForm(formdata=None)
    local.next.data = next_path
    page = render_template("academy/login.html", form=local, **login_options(form, next_path))
    return page, status, headers or {}


def _signed_on(identity: DirectoryIdentity, *, now: datetime, id_token: str | None = None) -> Page:
    next_path = safe_next(session.pop(NEXT_KEY, None))
    outcome = complete_sign_on(identity, now=now, id_token=id_token)
    if isinstance(outcome, SignOnRefused):
        message = translate(outcome.message, **outcome.params)
        return render_template("academy/signon/refused.html", message=message), outcome.status_code
    return redirect(next_path or url_for("academy.home"))
