"""Notices of external training requests: English source texts (rendered in each
recipient's language by ``academy.notifications.notices.notify``), who gets them and the
link they carry (the request's page)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import LazyString, gettext

from academy.accounts.models import User
from academy.i18n import N_
from courses.budgets.money import euro
from courses.enrolment import notices as enrolment_notices
from courses.enrolment.notices import Notice, hr_users, people, send, site_path, when
from courses.external.models import ExternalRequest

SUBMITTED = Notice(
    "external.submitted",
    N_("Request for external training from %(employee)s: %(title)s"),
    N_(
        "%(employee)s asks to attend the external training “%(title)s” (%(provider)s) "
        "from %(date)s. Costs: %(total)s. Please decide on the request."
    ),
)
FOR_HR = Notice(
    "external.for_hr",
    N_("External training to approve: %(title)s (%(employee)s)"),
    N_(
        "The request of %(employee)s for the external training “%(title)s” "
        "(%(provider)s, from %(date)s, costs %(total)s) awaits the decision of HR "
        "development."
    ),
)
SECOND_NEEDED = Notice(
    "external.second_needed",
    N_("Second approval needed: %(title)s (%(employee)s)"),
    N_(
        "%(first)s has approved the external training “%(title)s” of %(employee)s. As it "
        "costs %(total)s, a second person of HR development must approve it as well."
    ),
)
HEAD_APPROVED = Notice(
    "external.head_approved",
    N_("Request supported: %(title)s"),
    N_(
        "Your department head has supported your request for “%(title)s”. HR development "
        "decides next."
    ),
)
APPROVED = Notice(
    "external.approved",
    N_("External training approved: %(title)s"),
    N_(
        "Your request for the external training “%(title)s” (%(provider)s, from %(date)s) "
        "has been approved and you are enrolled. Please book the training with the "
        "provider and upload the certificate of attendance afterwards."
    ),
)
APPROVED_HEAD = Notice(
    "external.approved_head",
    N_("External training approved: %(title)s (%(employee)s)"),
    N_(
        "HR development has approved the external training “%(title)s” of %(employee)s "
        "(from %(date)s, costs %(total)s)."
    ),
)
DECLINED = Notice(
    "external.declined",
    N_("Request declined: %(title)s"),
    N_("Your request for the external training “%(title)s” has been declined. Reason: %(reason)s"),
)
WITHDRAWN = Notice(
    "external.withdrawn",
    N_("Request withdrawn: %(title)s (%(employee)s)"),
    N_("%(employee)s has withdrawn the request for the external training “%(title)s”."),
)
CERTIFICATE = Notice(
    "external.certificate",
    N_("Certificate of attendance uploaded: %(title)s (%(employee)s)"),
    N_(
        "%(employee)s has uploaded a certificate of attendance for the external training "
        "“%(title)s”. Please check it and record the result."
    ),
)
RESULT = Notice(
    "external.result",
    N_("Result recorded: %(title)s"),
    N_("HR development has recorded the result of your external training “%(title)s”: %(result)s."),
)


def money_text(amount: Decimal) -> LazyString:
    """An amount formatted when the notice is rendered, in the reader's language."""
    return LazyString(lambda: euro(amount))


def link(request: ExternalRequest) -> str | None:
    return site_path(("courses.external_request", {"request_id": request.id}))


def params(request: ExternalRequest) -> dict[str, object]:
    return {
        "employee": request.employee.full_name,
        "title": request.title,
        "provider": request.provider,
        "date": when(request.starts_at),
        "total": money_text(request.total),
    }


def tell(
    recipients: Iterable[Any], notice: Notice, request: ExternalRequest, now: datetime,
    **extra: object,
) -> None:  # fmt: skip
    """Send ``notice`` about ``request`` to each of ``recipients`` (None is skipped)."""
    values = {**params(request), **extra}
    for recipient in recipients:
        send(recipient, notice, values, now, link(request))


def employee_account(request: ExternalRequest) -> Any:
    """Whom the employee's notices reach (with or without an account; None once they left)."""
    return people([request.employee_id]).get(request.employee_id)


def head_account(request: ExternalRequest) -> User | None:
    employee = request.employee
    return enrolment_notices.head_account(employee.id, employee.department)


def hr_except(*excluded: int | None) -> list[User]:
    """Every active HR account but these (and never the requester themselves)."""
    return [u for u in hr_users() if u.id not in excluded]


def translated(message: str) -> LazyString:
    """A label translated when the notice is rendered, in the reader's language."""
    return LazyString(lambda: gettext(message))
