"""The administration's side of sign-on: removing an account's link to its directory
account (when a person got a new directory account, or two accounts were mixed up)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from academy.accounts.models import User
from academy.auth.policy import requires
from academy.auth.signon.provisioning import unlink_identity
from academy.clock import utcnow
from academy.extensions import db
from academy.web.kit import acting_user

bp = Blueprint("signon_admin", __name__)


@bp.post("/verwaltung/konten/<int:user_id>/dienstkonto-trennen")
@requires("accounts.manage")
def unlink(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    unlink_identity(acting_user(), user, now=utcnow())
    db.session.commit()
    flash(
        gettext("The link to the directory account has been removed. The next sign-in links anew."),
        "success",
    )
    return redirect(url_for("admin.account", user_id=user.id))
