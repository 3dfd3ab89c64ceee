"""Deciding on an external training request: the department head supports or declines
it, then HR development approves or declines — above ``EXTERNAL_SECOND_APPROVAL_EUR``
a second HR person (not the first) must approve too. The final approval enrols the
employee (``courses.external.enrolling``). Approving a request that the budget does not
cover needs an explicit confirmation. Every decision is audited and told."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import current_app

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.database import begin_write
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from courses.budgets.inbox import RequestBudget, external_budget
from courses.external import notices
from courses.external.enrolling import enrol
from courses.external.models import ExternalRequest, RequestState
from courses.external.requesting import lock

COMMENT_MAX = 2000


def budget_check(request: ExternalRequest) -> RequestBudget:
    """The request's cost against the budget it is charged to."""
    return external_budget(request.employee.department, request.starts_at, request.total)


def needs_second_approval(request: ExternalRequest) -> bool:
    limit = Decimal(int(current_app.config["EXTERNAL_SECOND_APPROVAL_EUR"]))
    return request.total > limit


def _comment(text: str | None, *, required: bool) -> str | None:
    text = (text or "").strip() or None
    if required and not text:
        raise ValidationFailed(N_("Please give a reason for declining."), field="reason")
    if text and len(text) > COMMENT_MAX:
        raise ValidationFailed(
            N_("At most %(max)s characters, please."), field="reason", max=COMMENT_MAX
        )
    return text


def _prepare(actor: User, request: ExternalRequest) -> ExternalRequest:
    begin_write()
    request = lock(request)
    if not request.is_open:
        raise Conflict(N_("This request has already been decided."))
    if not can(actor, "external.decide", request):
        if request.state == RequestState.PENDING_SECOND and request.hr_id == actor.id:
            raise PermissionDenied(
                N_("The second approval must come from another person of HR development.")
            )
        raise PermissionDenied(N_("You may not decide on this request."))
    return request


def _audit(actor: User, request: ExternalRequest, action: str, before: str, now: datetime,
           reason: str | None = None) -> None:  # fmt: skip
    record(
        actor,
        action,
        "external_request",
        request.id,
        from_state=before,
        to_state=request.state,
        reason=reason,
        details={"total": f"{request.total:.2f}"},
        now=now,
    )


def decline(
    actor: User, request: ExternalRequest, reason: str | None, now: datetime
) -> ExternalRequest:
    """Decline the request (the head or HR, at their step), with a reason for the employee."""
    reason = _comment(reason, required=True)
    request = _prepare(actor, request)
    before = request.state
    request.state = RequestState.DECLINED.value
    request.decline_reason = reason
    request.updated_at = now
    if before == RequestState.PENDING_HEAD:
        request.head_id, request.head_decided_at = actor.id, now
    elif before == RequestState.PENDING_HR:
        request.hr_id, request.hr_decided_at = actor.id, now
    else:
        request.second_id, request.second_decided_at = actor.id, now
    db.session.flush()
    _audit(actor, request, "external.declined", before, now, reason)
    notices.tell([notices.employee_account(request)], notices.DECLINED, request, now, reason=reason)
    return request


def approve(
    actor: User,
    request: ExternalRequest,
    now: datetime,
    *,
    comment: str | None = None,
    over_budget: bool = False,
) -> ExternalRequest:
    """Approve the request at the actor's step: the head passes it to HR; HR approves it
    (or, above the limit, the first of two HR approvals); the last approval enrols."""
    comment = _comment(comment, required=False)
    request = _prepare(actor, request)
    before = request.state
    if before == RequestState.PENDING_HEAD:
        request.state = RequestState.PENDING_HR.value
        request.head_id, request.head_decided_at, request.head_comment = actor.id, now, comment
        request.updated_at = now
        db.session.flush()
        _audit(actor, request, "external.supported", before, now, comment)
        notices.tell(notices.hr_except(), notices.FOR_HR, request, now)
        notices.tell([notices.employee_account(request)], notices.HEAD_APPROVED, request, now)
        return request
    check = budget_check(request)
    if check.exceeds and not over_budget:
        raise ValidationFailed(
            N_(
                "The budget does not cover this training. Confirm that you approve it "
                "although the budget is exceeded."
            ),
            field="over_budget",
        )
    if before == RequestState.PENDING_HR and needs_second_approval(request):
        request.state = RequestState.PENDING_SECOND.value
        request.hr_id, request.hr_decided_at = actor.id, now
        request.updated_at = now
        db.session.flush()
        _audit(actor, request, "external.first_approved", before, now, comment)
        notices.tell(
            notices.hr_except(actor.id), notices.SECOND_NEEDED, request, now,
            first=actor.display_name,
        )  # fmt: skip
        return request
    if before == RequestState.PENDING_HR:
        request.hr_id, request.hr_decided_at = actor.id, now
    else:
        request.second_id, request.second_decided_at = actor.id, now
    request.state = RequestState.APPROVED.value
    request.updated_at = now
    db.session.flush()
    _audit(actor, request, "external.approved", before, now, comment)
    enrol(actor, request, now)
    notices.tell([notices.employee_account(request)], notices.APPROVED, request, now)
    notices.tell([notices.head_account(request)], notices.APPROVED_HEAD, request, now)
    return request
