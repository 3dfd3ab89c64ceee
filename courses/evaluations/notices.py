"""The notices of course evaluations (in-app and e-mail, in each recipient's language):
the invitation after the last meeting and one reminder before the round closes. Sent to
the person (with or without an account, ``academy.notifications``); nobody gets a notice
when they have answered — that would record when they did."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from flask_babel import LazyString, format_date

from academy.i18n import N_
from courses.enrolment.notices import Notice, people, send, site_path, when
from courses.sessions.models import CourseSession

INVITED = Notice(
    "evaluation.invited",
    N_("Your opinion on “%(course)s”"),
    N_(
        "You took part in “%(course)s” on %(date)s. Please tell us what you thought of "
        "it: the questionnaire takes about three minutes. It is anonymous – your answers "
        "are stored without your name and only shown as a summary once at least "
        "%(minimum)s people have answered. You can answer until %(closes)s."
    ),
)
REMINDER = Notice(
    "evaluation.reminder",
    N_("Reminder: your opinion on “%(course)s”"),
    N_(
        "The evaluation of “%(course)s” on %(date)s is open until %(closes)s. We would "
        "be glad to hear from you – your answers are anonymous. If you have answered in "
        "the meantime, please ignore this message."
    ),
)


def _day(value: date) -> LazyString:
    return LazyString(lambda: format_date(value, "medium"))


def answer_link(session: CourseSession) -> str | None:
    return site_path(("courses.evaluation_answer", {"session_id": session.id}))


def send_to(
    notice: Notice,
    session: CourseSession,
    closes_on: date,
    employee_ids: Iterable[int],
    now: datetime,
) -> int:
    """Send ``notice`` about ``session`` to these people; how many were reached."""
    params = {
        "course": session.course.title,
        "date": when(session.starts_at),
        "closes": _day(closes_on),
        "minimum": int(current_app.config["MIN_GROUP_SIZE"]),
    }
    link = answer_link(session)
    recipients = people(employee_ids)
    for employee_id in sorted(recipients):
        send(recipients[employee_id], notice, params, now, link)
    return len(recipients)
