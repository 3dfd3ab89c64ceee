"""Notifications of the enrolment lifecycle: English source texts (translated into each
recipient's language by ``academy.notifications.notices.notify``) and who receives them.

Notices to participants go to the person, whether or not they have an account (by
e-mail to the address in their personnel record; in the app once they sign in); people
who left get none. Notices that ask for a decision go to accounts (heads, HR).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import LazyString, format_date, format_time, gettext
from sqlalchemy import select
from werkzeug.routing import BuildError

from academy.accounts.models import Role, RoleAssignment, User
from academy.extensions import db
from academy.i18n import N_
from academy.notifications.notices import Attachment, notify
from academy.notifications.recipients import Addressee, Recipient, recipients_for
from academy.org.models import Department
from courses.sessions.models import CourseSession


@dataclass(frozen=True)
class Notice:
    kind: str
    subject: str
    body: str


APPROVAL_REQUESTED = Notice(
    "enrolment.approval_requested",
    N_("Enrolment request from %(employee)s: %(course)s"),
    N_(
        "%(employee)s asks to attend “%(course)s” on %(date)s. Please approve or decline "
        "the request before the enrolment deadline (%(deadline)s)."
    ),
)
APPROVED_CONFIRMED = Notice(
    "enrolment.approved",
    N_("Enrolment approved: %(course)s"),
    N_(
        "Your request for “%(course)s” on %(date)s has been approved. Your place is "
        "confirmed. Location: %(place)s."
    ),
)
APPROVED_WAITLISTED = Notice(
    "enrolment.approved",
    N_("Enrolment approved: %(course)s"),
    N_(
        "Your request for “%(course)s” on %(date)s has been approved. The session is "
        "full: you are number %(position)s on the waiting list. We will let you know as "
        "soon as a place becomes free."
    ),
)
DECLINED = Notice(
    "enrolment.declined",
    N_("Enrolment declined: %(course)s"),
    N_("Your request for “%(course)s” on %(date)s has been declined. Reason: %(reason)s"),
)
CONFIRMED = Notice(
    "enrolment.confirmed",
    N_("Place confirmed: %(course)s"),
    N_("You are enrolled in “%(course)s” on %(date)s. Location: %(place)s."),
)
WAITLISTED = Notice(
    "enrolment.waitlisted",
    N_("Waiting list: %(course)s"),
    N_(
        "The session “%(course)s” on %(date)s is full: you are number %(position)s on "
        "the waiting list. We will let you know as soon as a place becomes free."
    ),
)
MOVED_UP = Notice(
    "enrolment.moved_up",
    N_("You have a place: %(course)s"),
    N_(
        "A place in “%(course)s” on %(date)s has become free and is now yours. "
        "Location: %(place)s. If you cannot attend, please cancel before %(cancel_by)s."
    ),
)
MOVED_UP_HEAD = Notice(
    "enrolment.moved_up_head",
    N_("Team member has a place: %(course)s"),
    N_(
        "%(employee)s has moved up from the waiting list and now has a place in "
        "“%(course)s” on %(date)s."
    ),
)
CANCELLED = Notice(
    "enrolment.cancelled",
    N_("Enrolment cancelled: %(course)s"),
    N_("Your enrolment for “%(course)s” on %(date)s has been cancelled. Reason: %(reason)s"),
)
SESSION_CANCELLED = Notice(
    "session.cancelled",
    N_("Session cancelled: %(course)s"),
    N_(
        "The session “%(course)s” on %(date)s has been cancelled, and your enrolment with "
        "it. Reason: %(reason)s"
    ),
)
SESSION_CHANGED = Notice(
    "session.changed",
    N_("Session changed: %(course)s"),
    N_(
        "The session “%(course)s” you are enrolled in has been changed. It now takes "
        "place on %(date)s. Location: %(place)s."
    ),
)
EXPIRED = Notice(
    "enrolment.expired",
    N_("Request expired: %(course)s"),
    N_(
        "Your request for “%(course)s” on %(date)s was not approved before the enrolment "
        "deadline and has expired."
    ),
)
REMINDER = Notice(
    "session.reminder",
    N_("Reminder: %(course)s on %(date)s"),
    N_("Your session “%(course)s” starts on %(date)s. Location: %(place)s."),
)
BELOW_MINIMUM = Notice(
    "session.below_minimum",
    N_("Too few participants: %(course)s"),
    N_(
        "The enrolment deadline of “%(course)s” on %(date)s has passed with fewer confirmed "
        "participants than the minimum (confirmed: %(count)s, minimum: %(minimum)s). "
        "Please decide whether the session takes place."
    ),
)

NO_REASON = N_("none given")


# ---------------------------------------------------------------------------
# Parameters: dates are formatted when the text is rendered, in the reader's language
# ---------------------------------------------------------------------------


def when(value: datetime) -> LazyString:
    """A date and time shown in Europe/Berlin, formatted in the reader's language."""
    return LazyString(lambda: f"{format_date(value, 'medium')}, {format_time(value, 'short')}")


def reason_text(reason: str | None) -> object:
    """The reason given, or "none given" in the reader's language."""
    if reason:
        return reason
    return LazyString(lambda: gettext(NO_REASON))


def session_params(session: CourseSession) -> dict[str, object]:
    place = session.location or session.online_url or "–"
    return {
        "course": session.course.title,
        "date": when(session.starts_at),
        "deadline": when(session.enrolment_deadline),
        "cancel_by": when(session.cancellation_deadline),
        "place": place,
    }


def site_path(*candidates: tuple[str, dict[str, object]]) -> str | None:
    """The path of the first of these pages that exists (endpoint, values), for a
    notification's link; None if none does. Works outside a request (the tick)."""
    adapter = current_app.url_map.bind("localhost")
    for endpoint, values in candidates:
        try:
            return adapter.build(endpoint, values)
        except BuildError:
            continue
    return None


def learning_link() -> str | None:
    """Where the employee sees their enrolment: their learning page."""
    return site_path(("courses.my_learning", {}))


def approvals_link() -> str | None:
    return site_path(("courses.approvals", {}))


def hr_session_link(session: CourseSession) -> str | None:
    """Where HR manages the session."""
    return site_path(("courses.manage_session_edit", {"session_id": session.id}))


# ---------------------------------------------------------------------------
# Recipients
# ---------------------------------------------------------------------------


def people(employee_ids: Iterable[int | None]) -> dict[int, Recipient]:
    """Everyone in service among these employees, with or without an account, by
    employee id (one query): whom a participant's notice reaches."""
    return recipients_for(employee_ids)


def hr_users() -> list[User]:
    """Every active HR account (they approve when nobody else can, and get session flags)."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.HR.value, User.active.is_(True))
            .order_by(User.id)
        )
    )


def head_account(employee_id: int, department: Department) -> User | None:
    """The account of the nearest department head above (or of) ``department`` who is
    not the employee themselves; None when there is none (then HR decides)."""
    ids = [int(part) for part in department.path.strip("/").split("/") if part]
    if not ids:
        ids = [department.id]
    rows = db.session.execute(
        select(Department.id, User)
        .outerjoin(User, (User.employee_id == Department.head_id) & User.active.is_(True))
        .where(Department.id.in_(ids), Department.head_id.is_not(None))
        .where(Department.head_id != employee_id)
    ).all()
    by_department = {dept_id: user for dept_id, user in rows if user is not None}
    for dept_id in reversed(ids):
        if dept_id in by_department:
            return by_department[dept_id]
    return None


def send(
    to: Addressee | None,
    notice: Notice,
    params: Mapping[str, object],
    now: datetime,
    link: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Send ``notice`` to a person, an account or a recipient from ``people`` (nothing
    for None: no head, a person who left)."""
    if to is None:
        return
    notify(
        to,
        notice.kind,
        notice.subject,
        notice.body,
        params=dict(params),
        link=link,
        now=now,
        attachments=attachments,
    )


def send_to_employee(
    employee_id: int,
    notice: Notice,
    params: Mapping[str, object],
    now: datetime,
    link: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Send ``notice`` to the employee (account or not; nothing if they left)."""
    send(people([employee_id]).get(employee_id), notice, params, now, link, attachments)
