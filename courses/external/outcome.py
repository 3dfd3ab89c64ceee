"""HR records how an approved external training went — from the certificate of
attendance the employee uploaded, or one HR received otherwise — through the usual
attendance and result services: completed (evidence and certificate follow), not passed,
or did not attend (the costs are kept)."""

from __future__ import annotations

from datetime import datetime

from academy.accounts.models import User
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.enrolment.attendance import mark_attendance, record_result
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.external import notices
from courses.external.models import ExternalRequest, RequestState

OUTCOMES = {
    "completed": N_("completed"),
    "failed": N_("not passed"),
    "no_show": N_("did not attend"),
}


def enrolment_of(request: ExternalRequest) -> Enrolment | None:
    if request.enrolment_id is None:
        return None
    return db.session.get(Enrolment, request.enrolment_id)


def may_record(user: User, request: ExternalRequest, now: datetime) -> bool:
    """Is HR's result form offered: an approved training that has started and whose
    enrolment has no result yet."""
    enrolment = enrolment_of(request)
    return (
        can(user, "external.record")
        and request.state == RequestState.APPROVED
        and enrolment is not None
        and enrolment.state in (EnrolmentState.CONFIRMED, EnrolmentState.ATTENDED)
        and now >= request.starts_at
    )


def record_outcome(actor: User, request: ExternalRequest, outcome: str, now: datetime) -> Enrolment:
    if not can(actor, "external.record"):
        raise PermissionDenied(N_("Only HR development can record the result."))
    if outcome not in OUTCOMES:
        raise ValidationFailed(N_("Please choose a result."), field="outcome")
    enrolment = enrolment_of(request)
    if request.state != RequestState.APPROVED or enrolment is None:
        raise Conflict(N_("Only an approved external training has a result."))
    if enrolment.state not in (EnrolmentState.CONFIRMED, EnrolmentState.ATTENDED):
        raise Conflict(N_("The result of this training has already been recorded."))
    if outcome == "no_show":
        mark_attendance(actor, enrolment, False, now)
    else:
        if enrolment.state == EnrolmentState.CONFIRMED:
            mark_attendance(actor, enrolment, True, now)
        record_result(actor, enrolment, outcome == "completed", now)
    notices.tell(
        [notices.employee_account(request)], notices.RESULT, request, now,
        result=notices.translated(OUTCOMES[outcome]),
    )  # fmt: skip
    return enrolment
