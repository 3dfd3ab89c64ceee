"""Scheduled work of the reports package, run by ``flask academy tick``.

``reports.expiry_reminders``: once per certificate, ``REMIND_BEFORE`` before its
``valid_until``, the holder (if still in service, with or without an account) is told
that it expires.
Only valid, non-revoked certificates count. Each certificate is claimed with a
conditional UPDATE of ``expiry_reminded_at`` (only the host whose UPDATE changed the
row notifies), so two hosts running the tick at once never both send.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from academy.audit.log import record
from academy.clock import to_berlin
from academy.database import begin_write
from academy.extensions import db
from academy.i18n import N_
from academy.notifications.notices import notify
from academy.scheduler import register_tick_step
from courses.enrolment.notices import people
from reports.certificates.models import Certificate

#: The reminder goes out this long before the last day of validity.
REMIND_BEFORE = timedelta(days=60)

EXPIRY_SUBJECT = N_("Your certificate “%(title)s” expires on %(date)s")
EXPIRY_BODY = N_(
    "Your certificate “%(title)s” is valid until %(date)s. If you need it beyond that "
    "date, please plan a recertification in good time."
)


def send_expiry_reminders(now: datetime) -> str:
    """Remind the holders of certificates whose validity ends within ``REMIND_BEFORE``."""
    begin_write()
    today = to_berlin(now).date()
    due = and_(
        Certificate.expiry_reminded_at.is_(None),
        Certificate.revoked_at.is_(None),
        Certificate.valid_until.is_not(None),
        Certificate.valid_until >= today,
        Certificate.valid_until <= today + REMIND_BEFORE,
    )
    certificates = db.session.scalars(
        select(Certificate).where(due).order_by(Certificate.valid_until, Certificate.id)
    ).all()
    recipients = people(c.employee_id for c in certificates)
    claimed = sent = 0
    for cert in certificates:
        changed = db.session.execute(
            update(Certificate)
            .where(Certificate.id == cert.id, due)
            .values(expiry_reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            continue
        set_committed_value(cert, "expiry_reminded_at", now)
        claimed += 1
        recipient = recipients.get(cert.employee_id) if cert.employee_id is not None else None
        if recipient is None:
            continue
        notify(
            recipient,
            "certificate_expiry",
            EXPIRY_SUBJECT,
            EXPIRY_BODY,
            params={"title": cert.title, "date": cert.valid_until},
            link=f"/berichte/zertifikate/{cert.id}",
            now=now,
        )
        record(
            None,
            "certificate.expiry_reminded",
            "certificate",
            cert.id,
            details={"serial": cert.serial, "valid_until": cert.valid_until.isoformat()},
            now=now,
        )
        sent += 1
    db.session.commit()
    return f"Ablauferinnerungen für Zertifikate: {claimed} fällig, {sent} Nachricht(en) gesendet."


def register_tick_steps() -> None:
    register_tick_step("reports.expiry_reminders", send_expiry_reminders, order=60)
