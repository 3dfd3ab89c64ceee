"""Notifications: a message in the person's in-app list and, when they can be reached
by e-mail, a copy in the outbox that ``flask academy tick`` sends (never sent directly).

A notice is addressed to a person (an ``Employee``), whether or not they have an
account, or to an account (a ``User``); ``academy.notifications.recipients`` says where
it goes: the in-app notice waits for the person's first sign-in, the e-mail goes to the
address in the personnel record.

Subjects and bodies are English source strings marked with ``N_`` and %(name)s
parameters; they are rendered in the recipient's language (their account's ``locale``,
else German) when the notification is created, so the stored text is what the person
reads. Attachments (a calendar invitation) are made in that language too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from flask import g, has_request_context
from flask_babel import force_locale
from sqlalchemy import ColumnElement, func, or_, select, update

from academy.accounts.models import User
from academy.extensions import db
from academy.i18n import N_, fmt_date, fmt_datetime, translate
from academy.notifications.models import Notification, OutboxAttachment, OutboxMessage
from academy.notifications.recipients import (
    Addressee,
    Recipient,
    recipient_of,
    recipients_for,
)
from academy.scheduler import register_tick_step
from academy.web.urls import public_path_url

__all__ = [
    "ALL",
    "Attachment",
    "Recipient",
    "absolute_url",
    "mark_read",
    "notify",
    "owned_by",
    "recipient_locale",
    "recipient_of",
    "recipients_for",
    "register_tick_step",
    "remember_unread_count",
    "unread_count",
]

ALL: Literal["all"] = "all"

#: Lines added to every e-mail (translated into the recipient's language).
EMAIL_LINK_LINE = N_("Open in the Digital Academy: %(url)s")
EMAIL_LIST_LINE = N_("All your notifications: %(url)s")
EMAIL_FOOTER = N_(
    "This message was sent automatically by the Digital Academy. Please do not reply to it."
)

SUBJECT_MAX = 300
LINK_MAX = 500


@dataclass(frozen=True)
class Attachment:
    """A file for the e-mail copy: ``render(address)`` makes its content for the
    recipient's address, called in the recipient's language (a calendar invitation names
    its attendee). ``content_type`` may carry parameters (``text/calendar;
    method=REQUEST``)."""

    filename: str
    content_type: str
    render: Callable[[str], bytes]


def recipient_locale(user: User) -> str:
    """The language a person reads their notifications in (their choice, else German)."""
    return Recipient(user.employee_id, user.id, None, user.locale).language


def absolute_url(link: str) -> str:
    """A site path (``/kurse/3``) as a full address under ``BASE_URL`` for e-mails (the one
    rule for public addresses: ``academy.web.urls``)."""
    return public_path_url(link)


def _param(value: object) -> object:
    """Dates and times in the recipient's language (Berlin time); the rest as it is."""
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    return value


def _one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def _email_text(body: str, link: str | None) -> str:
    """The e-mail body: the message, its link made absolute, and the footer (translated;
    call inside ``force_locale``)."""
    parts = [body.rstrip()]
    if link:
        parts.append(translate(EMAIL_LINK_LINE, url=absolute_url(link)))
    parts.append(translate(EMAIL_LIST_LINE, url=absolute_url("/benachrichtigungen")))
    return "\n\n".join(parts) + "\n\n-- \n" + translate(EMAIL_FOOTER) + "\n"


def notify(
    to: Addressee,
    kind: str,
    subject: str,
    body: str,
    *,
    params: Mapping[str, object],
    link: str | None,
    now: datetime,
    email: bool = True,
    attachments: Sequence[Attachment] = (),
) -> Notification:
    """Store a notification for ``to`` (a person, an account, or a ``Recipient`` from
    ``recipients_for``) in their language and queue the e-mail copy.

    ``subject``/``body`` are ``N_`` source strings; ``params`` fill their %(name)s
    placeholders: dates and datetimes are formatted for the recipient (Berlin time),
    lazy strings are translated into their language, other values are used as they are.
    ``link`` is a path on this site. No e-mail is queued when ``email`` is False or the
    recipient cannot be reached (see ``academy.notifications.recipients``). Flushes only.
    """
    recipient = recipient_of(to)
    address = recipient.address if email else None
    files: list[tuple[str, str, bytes]] = []
    with force_locale(recipient.language):
        values = {key: _param(value) for key, value in params.items()}
        rendered_subject = _one_line(translate(subject, **values), SUBJECT_MAX)
        rendered_body = translate(body, **values)
        if address is not None:
            mail_body = _email_text(rendered_body, link)
            files = [(a.filename, a.content_type, a.render(address)) for a in attachments]
    notification = Notification(
        employee_id=recipient.employee_id,
        user_id=recipient.user_id,
        kind=kind[:40],
        subject=rendered_subject,
        body=rendered_body,
        link=link[:LINK_MAX] if link else None,
        created_at=now,
    )
    db.session.add(notification)
    db.session.flush()
    _forget_unread_count(recipient.user_id)
    if address is not None:
        message = OutboxMessage(
            to_address=address,
            subject=rendered_subject,
            body=mail_body,
            created_at=now,
            send_after=now,
            attempts=0,
            notification_id=notification.id,
        )
        db.session.add(message)
        db.session.flush()
        for filename, content_type, content in files:
            db.session.add(
                OutboxAttachment(
                    outbox_id=message.id,
                    filename=filename,
                    content_type=content_type,
                    content=content,
                )
            )
        if files:
            db.session.flush()
    return notification


def owned_by(user: User) -> ColumnElement[bool]:
    """The notices an account sees: those addressed to it and those of its person (also
    the ones written before the account existed)."""
    if user.employee_id is None:
        return Notification.user_id == user.id
    return or_(Notification.user_id == user.id, Notification.employee_id == user.employee_id)


def mark_read(user: User, ids: Collection[int] | Literal["all"], now: datetime) -> int:
    """Mark the user's own unread notifications (the given ids, or ``ALL``) as read;
    ids of other people's notifications are ignored. Returns how many changed."""
    stmt = update(Notification).where(owned_by(user), Notification.read_at.is_(None))
    if ids != ALL:
        wanted = [int(i) for i in ids]
        if not wanted:
            return 0
        stmt = stmt.where(Notification.id.in_(wanted))
    result = db.session.execute(stmt.values(read_at=now))
    _forget_unread_count(user.id)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


#: Unread counts known in this request, by user id (``flask.g``; never across requests).
_UNREAD_KEY = "academy_unread_counts"


def remember_unread_count(user_id: int, count: int) -> None:
    """Keep the count the login loader read with the account, for this request only;
    ``notify`` and ``mark_read`` forget it when they change the person's list."""
    if has_request_context():
        g.setdefault(_UNREAD_KEY, {})[user_id] = count


def _forget_unread_count(user_id: int | None) -> None:
    if has_request_context() and user_id is not None:
        g.get(_UNREAD_KEY, {}).pop(user_id, None)


def unread_count(user: User) -> int:
    """Unread notifications of ``user`` (one indexed count, for the navigation bar;
    none when the login loader already read it in this request)."""
    if has_request_context():
        known = g.get(_UNREAD_KEY)
        if known and user.id in known:
            return known[user.id]
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(owned_by(user), Notification.read_at.is_(None))
        )
        or 0
    )
