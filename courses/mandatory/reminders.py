"""Scheduled work of mandatory training (``flask academy tick``, step
``mandatory.reminders``), idempotent and safe on several hosts:

1. everyone newly in the target of an assignment gets their row (since when, first due
   date) — rows another host wrote are skipped;
2. reminders, each once per person, assignment and due date: ``due_soon``
   (``MANDATORY_DUE_REMINDER_DAYS`` before the first due date, while not started),
   ``expires_soon`` (``MANDATORY_EXPIRY_REMINDER_DAYS`` before a completion runs out),
   ``overdue`` (to the person). A reminder is claimed by inserting its marker row (unique
   key); only the rows this run inserted are notified;
3. HR's digest, at most once a day (the day's row is the claim) and only when someone
   became overdue that day.

Candidates are found set-based (``courses.mandatory.status``); exact dates are worked
out per candidate in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select

from academy.clock import berlin_to_utc, to_berlin
from academy.database import begin_write
from academy.extensions import db
from academy.notifications.recipients import recipients_for
from academy.scheduler import register_tick_step
from courses.enrolment.notices import Notice, hr_users, send
from courses.mandatory import notices
from courses.mandatory.assignments import sync_assignees
from courses.mandatory.claims import insert_new
from courses.mandatory.dates import valid_from
from courses.mandatory.models import Assignment, Digest, NoticeKind, SentNotice, Status
from courses.mandatory.status import Who, active_assignments, pairs, people_overdue, status_of


def _config_days(key: str) -> int:
    return max(int(current_app.config.get(key, 0)), 0)


def _candidates(subquery: Any, assignments: list[Assignment], today: date) -> list[Any]:
    """Rows that may need a reminder today (a coarse SQL filter; exact in Python)."""
    due_days = _config_days("MANDATORY_DUE_REMINDER_DAYS")
    expiry_days = _config_days("MANDATORY_EXPIRY_REMINDER_DAYS")
    horizon = today + timedelta(days=expiry_days)
    soon = [
        and_(subquery.c.recurrence_months == r, subquery.c.done_on < valid_from(r, horizon))
        for r in sorted({a.recurrence_months for a in assignments if a.recurrence_months})
    ]
    conditions = [
        subquery.c.status == Status.OVERDUE.value,
        and_(
            subquery.c.status == Status.OPEN.value,
            subquery.c.due_on <= today + timedelta(days=due_days),
        ),
        and_(subquery.c.status == Status.DONE.value, subquery.c.evidence_until <= horizon),
    ]
    if soon:
        conditions.append(and_(subquery.c.status == Status.DONE.value, or_(*soon)))
    query = (
        select(subquery)
        .where(or_(*conditions))
        .order_by(subquery.c.assignment_id, subquery.c.employee_id)
    )
    return list(db.session.execute(query).all())


def _kind(state: Any, today: date, due_days: int, expiry_days: int) -> NoticeKind | None:
    """Which reminder a person's state calls for today, if any."""
    if state.due_on is None:
        return None
    if state.status == Status.OVERDUE:
        return NoticeKind.OVERDUE
    if state.status == Status.OPEN and state.due_on <= today + timedelta(days=due_days):
        return NoticeKind.DUE_SOON
    horizon = today + timedelta(days=expiry_days)
    if state.status == Status.DONE and not state.enrolled and state.due_on <= horizon:
        return NoticeKind.EXPIRES_SOON
    return None


def _markers(rows: Iterable[Any], today: date) -> list[dict[str, Any]]:
    due_days = _config_days("MANDATORY_DUE_REMINDER_DAYS")
    expiry_days = _config_days("MANDATORY_EXPIRY_REMINDER_DAYS")
    markers = []
    for row in rows:
        state = status_of(row, today)
        kind = _kind(state, today, due_days, expiry_days)
        if kind is not None:
            markers.append(
                {
                    "assignment_id": row.assignment_id,
                    "employee_id": row.employee_id,
                    "kind": kind.value,
                    "due_on": state.due_on,
                }
            )
    return markers


NOTICES = {
    NoticeKind.DUE_SOON: notices.DUE_SOON,
    NoticeKind.EXPIRES_SOON: notices.EXPIRES_SOON,
    NoticeKind.OVERDUE: notices.OVERDUE,
}


def _notify(written: list[Any], assignments: dict[int, Assignment], now: datetime) -> None:
    people = recipients_for(row.employee_id for row in written)
    link = notices.learning_link()
    for row in written:
        assignment = assignments[row.assignment_id]
        notice: Notice = NOTICES[NoticeKind(row.kind)]
        params = {
            "title": assignment.title,
            "date": row.due_on,
            "courses": ", ".join(f"{c.title} ({c.code})" for c in assignment.courses),
        }
        send(people.get(row.employee_id), notice, params, now, link)


def _digest(subquery: Any, today: date, now: datetime) -> bool:
    """HR's digest of the day, once, when someone became overdue today."""
    midnight = berlin_to_utc(datetime.combine(today, time.min))
    newly = int(
        db.session.scalar(
            select(func.count()).where(
                SentNotice.kind == NoticeKind.OVERDUE.value, SentNotice.sent_at >= midnight
            )
        )
        or 0
    )
    if not newly:
        return False
    overdue = people_overdue(subquery)
    claimed = insert_new(
        Digest,
        [{"day": today, "sent_at": now, "newly_overdue": newly, "overdue": overdue}],
        ("day",),
        returning=("day",),
    )
    if not claimed:
        return False
    params = {"new": newly, "count": overdue}
    for user in hr_users():
        send(user, notices.HR_DIGEST, params, now, notices.overview_link())
    return True


def send_reminders(now: datetime) -> str:
    """The tick step ``mandatory.reminders`` (see the module docstring)."""
    begin_write()
    today = to_berlin(now).date()
    assignments = active_assignments()
    added = sync_assignees(assignments, today)
    subquery = pairs(assignments, Who.everyone(), today)
    sent: dict[str, int] = {}
    digest = False
    if subquery is not None:
        markers = _markers(_candidates(subquery, assignments, today), today)
        for marker in markers:
            marker["sent_at"] = now
        written = insert_new(
            SentNotice,
            markers,
            ("assignment_id", "employee_id", "kind", "due_on"),
            returning=("assignment_id", "employee_id", "kind", "due_on"),
        )
        _notify(written, {a.id: a for a in assignments}, now)
        for row in written:
            sent[row.kind] = sent.get(row.kind, 0) + 1
        db.session.flush()
        digest = _digest(subquery, today, now)
    db.session.commit()
    return (
        f"Pflichtschulungen: {added} Person(en) neu zugeordnet; Erinnerungen: "
        f"{sent.get(NoticeKind.DUE_SOON.value, 0)} vor Fälligkeit, "
        f"{sent.get(NoticeKind.EXPIRES_SOON.value, 0)} vor Ablauf, "
        f"{sent.get(NoticeKind.OVERDUE.value, 0)} überfällig"
        + ("; Sammelmeldung an die Personalentwicklung." if digest else ".")
    )


def register_tick_steps() -> None:
    register_tick_step("mandatory.reminders", send_reminders, order=45)
