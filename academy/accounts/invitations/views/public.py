"""The page the invitation link opens: set a password, and the new account is signed in
on its start page. Open to everyone who holds the link (no sign-in); the token is part
of the address, so the page asks browsers not to pass it on (``Referrer-Policy``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from academy.accounts.invitations.acceptance import (
    InvitationUnusable,
    OpenInvitation,
    accept,
    open_invitation,
)
from academy.accounts.invitations.blueprint import bp
from academy.accounts.invitations.forms import SetPasswordForm
from academy.auth.passwords import MIN_LENGTH
from academy.auth.policy import public
from academy.auth.signon.browser import begin_session
from academy.clock import utcnow
from academy.errors import DomainError
from academy.extensions import db
from academy.i18n import translate
from academy.web.kit import show_error

#: The link's token must not leave the page (links to other sites, the browser's history
#: sync aside); nothing is cached.
NO_LEAK = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/einladung/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> Response | tuple[str, int, dict[str, str]]:
    now = utcnow()
    try:
        found = open_invitation(token, now)
        form, status = SetPasswordForm(), 200
        if form.validate_on_submit():
            user = accept(token, form.password.data or "", form.repeat.data or "", now)
            begin_session(user, now=now)
            flash(gettext("Welcome! Your account is ready, you are signed in."), "success")
            return redirect(url_for("academy.home"))
        if form.is_submitted():
            status = 422
    except InvitationUnusable as error:  # also: used up in another tab a moment ago
        db.session.rollback()
        page = render_template(
            "academy/invitations/unusable.html", message=translate(error.message)
        )
        return page, error.status_code, NO_LEAK
    except DomainError as error:  # the password rules, an account made meanwhile
        db.session.rollback()
        status = show_error(form, error)
    return _password_page(form, found), status, NO_LEAK


def _password_page(form: SetPasswordForm, found: OpenInvitation) -> str:
    return render_template(
        "academy/invitations/accept.html",
        form=form,
        employee=found.employee,
        email=found.invitation.email,
        expires_at=found.invitation.expires_at,
        signed_in=current_user.is_authenticated,
        min_length=MIN_LENGTH,
    )
