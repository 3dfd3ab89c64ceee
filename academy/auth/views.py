"""Login, logout and the own account page."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.auth.forms import LoginForm, PasswordChangeForm
from academy.auth.policy import current_roles, public, requires
from academy.auth.sessions import (
    LoginFailed,
    LoginThrottled,
    ThrottlePolicy,
    authenticate,
    change_password,
    end_session,
    start_session,
)
from academy.auth.signon.forms import login_options
from academy.auth.signon.oidc import provider_logout_url, session_id_token
from academy.auth.signon.settings import local_login_enabled
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.web.errors import render_error
from academy.web.kit import acting_user, show_error
from academy.web.urls import public_url, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/anmelden", methods=["GET", "POST"])
@public
def login() -> Response | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("academy.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    elif not local_login_enabled():  # LOCAL_LOGIN=0: only the work account signs in
        return render_error(403, gettext("Logging in with a password is switched off here."))
    status, headers = (422 if request.method == "POST" else 200), {}
    if form.validate_on_submit():
        error = _attempt(form)
        if error is None:
            return redirect(safe_next(form.next.data) or url_for("academy.home"))
        form.password.errors = [translate(error.message, **error.params)]
        status = error.status_code
        if isinstance(error, LoginThrottled):
            headers["Retry-After"] = str(error.retry_after)
    options = login_options(next_path=safe_next(form.next.data) or "")
    return render_template("academy/login.html", form=form, **options), status, headers


def _attempt(form: LoginForm) -> LoginFailed | LoginThrottled | None:
    """Check the credentials from the client's address (behind trusted proxies: the one
    they forwarded) and sign in; else the refusal (its failure is kept for throttling)."""
    now, remote = utcnow(), request.remote_addr or "unknown"
    try:
        user = authenticate(
            form.email.data or "",
            form.password.data or "",
            remote_addr=remote,
            now=now,
            policy=ThrottlePolicy.from_config(current_app.config),
        )
    except (LoginFailed, LoginThrottled) as error:
        db.session.commit()
        return error
    _sign_in(user, now=now, remote_addr=remote)
    return None


def _sign_in(user: User, *, now: datetime, remote_addr: str) -> None:
    """A fresh session (no fixation) with a server-side login session behind it."""
    session.clear()
    token = start_session(
        user,
        now=now,
        lifetime=timedelta(hours=current_app.config["SESSION_HOURS"]),
        remote_addr=remote_addr,
        user_agent=request.headers.get("User-Agent", ""),
    )
    db.session.commit()
    user.session_token = token
    login_user(user)
    session.permanent = True


@bp.post("/abmelden")
@requires("account.self")
def logout() -> Response:
    """Ends the login session; signed in through OpenID Connect, then the provider's
    session too where it offers that (the provider sends the browser back to the login)."""
    token = getattr(current_user, "session_token", None)
    id_token = session_id_token(token)
    end_session(token, acting_user())
    db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You have been logged out."), "info")
    provider = provider_logout_url(id_token, public_url("auth.login"))
    return redirect(provider or url_for("auth.login"))


@bp.route("/konto", methods=["GET", "POST"])
@requires("account.self")
def account() -> str | Response | tuple[str, int]:
    form = PasswordChangeForm()
    own_password = local_login_enabled() and acting_user().password_hash is not None
    if request.method == "POST" and not own_password:
        abort(403)
    if form.validate_on_submit():
        user = acting_user()
        try:
            change_password(user, form.current.data or "", form.new.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(gettext("Your password has been changed. Please log in again."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "academy/account.html", form=form, roles=current_roles(), own_password=own_password
    ), status
