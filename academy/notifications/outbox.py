"""The e-mail outbox: messages queued by ``notify`` and sent by ``flask academy tick``.

Safe on several hosts at once: a sender claims one row at a time with a conditional
UPDATE (``claimed_until`` in the future) and sends only the rows whose claim it won, so
no message goes out twice. Nothing is lost when the mail server is down: the row stays
with ``attempts``, ``last_error`` and a growing delay (1 min, 5 min, 30 min, 2 h, then
12 h) until it is sent or has failed ``MAX_ATTEMPTS`` times; then it waits for an
administrator (``retry``). A sender that dies after sending but before recording it
lets the claim expire, so delivery is at least once; the fixed Message-ID lets mail
programs drop such a duplicate.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, or_, select, update

from academy.accounts.models import User
from academy.audit.log import record
from academy.clock import to_berlin
from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_
from academy.notifications.models import OutboxAttachment, OutboxMessage
from academy.scheduler import register_tick_step

MAX_ATTEMPTS = 10
CLAIM_FOR = timedelta(minutes=5)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
SMTP_TIMEOUT = 30
ERROR_MAX = 2000

#: Errors that concern one message; anything else (refused connection, timeout, server
#: gone) ends the batch so that an unreachable server costs each message one attempt.
_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,  # e.g. an address the message cannot carry
)

STATUS_WAITING = "waiting"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_LABELS = {
    STATUS_WAITING: N_("Waiting"),
    STATUS_SENT: N_("Sent"),
    STATUS_FAILED: N_("Failed"),
}


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    taken: int = 0  # claimed by another sender in the meantime
    disabled: bool = False
    waiting: int = 0  # only counted when sending is disabled
    stopped: str | None = None  # the connection error that ended the batch

    def summary(self) -> str:
        """One line in German for ``flask academy tick``."""
        if self.disabled:
            return (
                f"E-Mail-Versand ist nicht eingerichtet (MAIL_SERVER leer); "
                f"{self.waiting} Nachricht(en) warten."
            )
        line = f"E-Mail: {self.sent} versandt, {self.failed} fehlgeschlagen"
        if self.taken:
            line += f", {self.taken} von einem anderen Prozess übernommen"
        if self.stopped:
            line += f"; Server nicht erreichbar, später erneut: {self.stopped}"
        return line + "."


def _claimable(at: datetime) -> list[ColumnElement[bool]]:
    return [
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.attempts < MAX_ATTEMPTS,
        OutboxMessage.send_after <= at,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < at),
    ]


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def _connect(config: Any) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _content_type(value: str) -> tuple[str, str, dict[str, str]]:
    """``text/calendar; method=REQUEST`` → (``text``, ``calendar``, {``method``: ``REQUEST``})."""
    kind, *rest = (part.strip() for part in value.split(";"))
    maintype, _, subtype = kind.lower().partition("/")
    params = dict(p.partition("=")[::2] for p in rest if "=" in p)
    return maintype or "application", subtype or "octet-stream", params


def _attach(msg: EmailMessage, filename: str, content_type: str, content: bytes) -> None:
    """A calendar invitation as mail programs expect one (as Outlook and Google send
    them): the calendar as an alternative of the text (``text/calendar;
    method=REQUEST``, which Outlook shows as an invitation) and as the file
    ``einladung.ics`` (``application/ics``); any other file as an attachment."""
    maintype, subtype, params = _content_type(content_type)
    if (maintype, subtype) == ("text", "calendar"):
        msg.add_alternative(
            content.decode("utf-8"),
            subtype="calendar",
            charset="utf-8",
            cte="quoted-printable",
            params=params,
        )
        msg.add_attachment(content, maintype="application", subtype="ics", filename=filename)
        return
    msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)


def build_message(
    config: Any, row: Any, at: datetime, attachments: Sequence[Any] = ()
) -> EmailMessage:
    """The MIME message for an outbox row: UTF-8 text, encoded headers, fixed Message-ID,
    and its attachments (rows with ``filename``, ``content_type``, ``content``)."""
    sender = config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(to_berlin(at))
    msg["Message-ID"] = f"<da-outbox-{row.id}-{int(row.created_at.timestamp())}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body, charset="utf-8", cte="quoted-printable")
    for attachment in attachments:
        _attach(msg, attachment.filename, attachment.content_type, attachment.content)
    return msg


def send_outbox(now: datetime, *, batch: int = 100) -> SendResult:
    """Send up to ``batch`` due messages; commits each claim and each result."""
    config = current_app.config
    result = SendResult()
    if not config.get("MAIL_SERVER"):
        result.disabled = True
        result.waiting = int(
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            )
            or 0
        )
        db.session.commit()
        return result

    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(*_claimable(now))
            .order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(batch)
        )
    )
    db.session.commit()  # end the read: each claim below starts with its UPDATE
    started = time.monotonic()

    def clock() -> datetime:
        # ``now`` moved on by the time this batch has taken, so late claims stay valid.
        return now + timedelta(seconds=time.monotonic() - started)

    smtp: smtplib.SMTP | None = None
    try:
        for message_id in ids:
            at = clock()
            claim = _claim(message_id, at)
            if claim is None:
                result.taken += 1
                continue
            row, files = claim
            try:
                if smtp is None:
                    smtp = _connect(config)
            except OSError as exc:  # refused, timeout, TLS, login: smtplib errors are OSErrors
                _record_failure(row, exc, clock())
                result.failed += 1
                result.stopped = _error_text(exc)
                break
            try:
                smtp.send_message(build_message(config, row, at, files))
            except _MESSAGE_ERRORS as exc:
                _record_failure(row, exc, clock())
                result.failed += 1
            except OSError as exc:  # the connection broke
                _record_failure(row, exc, clock())
                result.failed += 1
                result.stopped = _error_text(exc)
                break
            else:
                _record_sent(message_id, clock())
                result.sent += 1
    finally:
        _quit(smtp)
    return result


def _claim(message_id: int, at: datetime) -> tuple[Any, list[Any]] | None:
    """Claim one message (conditional UPDATE); return its fields and attachments, or
    None if taken."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, *_claimable(at))
        .values(claimed_until=at + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return None
    row = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.attempts,
            OutboxMessage.created_at,
        ).where(OutboxMessage.id == message_id)
    ).one()
    files = _attachments(message_id)
    db.session.commit()
    return row, files


def _attachments(message_id: int) -> list[Any]:
    return list(
        db.session.execute(
            select(
                OutboxAttachment.filename, OutboxAttachment.content_type, OutboxAttachment.content
            )
            .where(OutboxAttachment.outbox_id == message_id)
            .order_by(OutboxAttachment.id)
        )
    )


def _record_sent(message_id: int, at: datetime) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(sent_at=at, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(row: Any, exc: BaseException, at: datetime) -> None:
    attempts = row.attempts + 1
    current_app.logger.warning("outbox message %s not sent: %s", row.id, _error_text(exc))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(
            attempts=OutboxMessage.attempts + 1,
            last_error=_error_text(exc),
            send_after=at + backoff(attempts),
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _tick(now: datetime) -> str:
    return send_outbox(now).summary()


register_tick_step("outbox", _tick, order=900)


# ---------------------------------------------------------------------------
# Administration
# ---------------------------------------------------------------------------


def status_of(message: OutboxMessage) -> str:
    if message.sent_at is not None:
        return STATUS_SENT
    if message.attempts >= MAX_ATTEMPTS:
        return STATUS_FAILED
    return STATUS_WAITING


def outbox_query(status: str | None = None) -> Select[tuple[OutboxMessage]]:
    """Outbox messages, newest first, optionally only those with ``status``."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status == STATUS_SENT:
        query = query.where(OutboxMessage.sent_at.is_not(None))
    elif status == STATUS_FAILED:
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= MAX_ATTEMPTS)
    elif status == STATUS_WAITING:
        query = query.where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
    return query


def attachment_names(message_ids: list[int]) -> dict[int, list[str]]:
    """The names of the files sent with these messages, by message (one query)."""
    names: dict[int, list[str]] = {}
    if message_ids:
        for outbox_id, filename in db.session.execute(
            select(OutboxAttachment.outbox_id, OutboxAttachment.filename)
            .where(OutboxAttachment.outbox_id.in_(message_ids))
            .order_by(OutboxAttachment.id)
        ):
            names.setdefault(outbox_id, []).append(filename)
    return names


def retry(actor: User, message: OutboxMessage, now: datetime) -> None:
    """Send an unsent message at the next tick again, with a fresh count of attempts.

    Refused while it is sent or a sender holds it right now (it might go out twice).
    """
    before = status_of(message)
    details = {"attempts": message.attempts, "last_error": message.last_error}
    changed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(send_after=now, attempts=0, claimed_until=None)
        .execution_options(synchronize_session="fetch")
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(N_("This message has been sent or is being sent right now."))
    record(
        actor,
        "outbox.retry",
        "outbox",
        message.id,
        from_state=before,
        to_state=STATUS_WAITING,
        details=details,
        now=now,
    )
    db.session.flush()
