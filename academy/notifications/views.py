"""The person's notification list and the administrators' view of the e-mail outbox."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import case, func, select
from werkzeug.wrappers import Response

from academy.accounts.models import Role, User
from academy.auth.policy import can, register_rule, requires, roles_rule
from academy.clock import utcnow
from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_, translate
from academy.notifications.models import Notification, OutboxMessage
from academy.notifications.notices import ALL, mark_read, owned_by, unread_count
from academy.notifications.outbox import (
    MAX_ATTEMPTS,
    STATUS_LABELS,
    attachment_names,
    outbox_query,
    retry,
    status_of,
)
from academy.web.kit import paginate
from academy.web.navigation import NavItem, add_nav
from academy.web.urls import safe_next

bp = Blueprint("notifications", __name__)


def _logged_in(user: User, target: Any) -> bool:
    return True


register_rule("notifications.view", _logged_in)
register_rule("outbox.view", roles_rule(Role.ADMIN))

add_nav(NavItem("notifications.index", N_("Notifications"), "notifications.view", "main", order=90))
add_nav(NavItem("notifications.outbox", N_("E-mail outbox"), "outbox.view", "admin", order=60))


def _unread_for_current_user() -> int:
    """For the navigation badge; called by the template only where it is shown."""
    if not current_user.is_authenticated or not can(current_user, "notifications.view"):
        return 0
    return unread_count(current_user)


@bp.app_context_processor
def _notification_context() -> dict[str, Any]:
    return {"unread_notifications": _unread_for_current_user}


# ---------------------------------------------------------------------------
# The person's notifications
# ---------------------------------------------------------------------------


@bp.get("/benachrichtigungen")
@requires("notifications.view")
def index() -> str:
    unread_only = request.args.get("ungelesen") == "1"
    query = select(Notification).where(owned_by(current_user))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    page = paginate(query.order_by(Notification.created_at.desc(), Notification.id.desc()))
    return render_template(
        "academy/notifications/index.html",
        page=page,
        unread=unread_count(current_user),
        unread_only=unread_only,
    )


@bp.post("/benachrichtigungen/alle-gelesen")
@requires("notifications.view")
def mark_all_read() -> Response:
    count = mark_read(current_user, ALL, utcnow())
    db.session.commit()
    if count:
        flash(
            ngettext(
                "%(num)s notification marked as read.",
                "%(num)s notifications marked as read.",
                count,
            ),
            "success",
        )
    return redirect(url_for("notifications.index"))


@bp.post("/benachrichtigungen/<int:notification_id>")
@requires("notifications.view")
def open_notification(notification_id: int) -> Response:
    """Mark one's own notification as read and go to its link (local paths only)."""
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, owned_by(current_user))
    )
    if notification is None:
        abort(404)
    mark_read(current_user, [notification.id], utcnow())
    db.session.commit()
    target = safe_next(notification.link)
    return redirect(target or url_for("notifications.index"))


# ---------------------------------------------------------------------------
# The e-mail outbox (administrators)
# ---------------------------------------------------------------------------


def _outbox_counts() -> dict[str, int]:
    unsent = OutboxMessage.sent_at.is_(None)
    row = db.session.execute(
        select(
            func.sum(case((OutboxMessage.sent_at.is_not(None), 1), else_=0)),
            func.sum(case((unsent & (OutboxMessage.attempts >= MAX_ATTEMPTS), 1), else_=0)),
            func.sum(case((unsent & (OutboxMessage.attempts < MAX_ATTEMPTS), 1), else_=0)),
        )
    ).one()
    return {"sent": row[0] or 0, "failed": row[1] or 0, "waiting": row[2] or 0}


@bp.get("/verwaltung/postausgang")
@requires("outbox.view")
def outbox() -> str:
    status = request.args.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    page = paginate(outbox_query(status))
    return render_template(
        "academy/notifications/outbox.html",
        page=page,
        status=status,
        status_labels=STATUS_LABELS,
        status_of=status_of,
        counts=_outbox_counts(),
        attachments=attachment_names([m.id for m in page.items]),
        max_attempts=MAX_ATTEMPTS,
        mail_configured=bool(current_app.config.get("MAIL_SERVER")),
        now=utcnow(),
    )


@bp.post("/verwaltung/postausgang/<int:message_id>/erneut")
@requires("outbox.view")
def outbox_retry(message_id: int) -> Response:
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        retry(current_user._get_current_object(), message, utcnow())
    except Conflict as error:
        db.session.rollback()
        flash(translate(error.message, **error.params), "warning")
    else:
        db.session.commit()
        flash(gettext("The message will be sent at the next run."), "success")
    status = request.form.get("status")
    return redirect(
        url_for("notifications.outbox", status=status if status in STATUS_LABELS else None)
    )
