"""External evidence recorded by HR: a certificate from elsewhere, a briefing on paper.
It satisfies an assignment like a completion until its end of validity (by default the
completion date plus the assignment's recurrence; none: for good). Withdrawing keeps
the row, marked, and it no longer counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.mandatory.dates import add_months
from courses.mandatory.models import Assignment, Evidence
from courses.mandatory.status import Who, targets

TITLE_MAX = 300
PROVIDER_MAX = 200
NOTE_MAX = 2000


def _require_hr(actor: User) -> None:
    if not can(actor, "mandatory.manage"):
        raise PermissionDenied(N_("Only HR development can do this."))


def applies_to(assignment: Assignment, employee: Employee) -> bool:
    """Is ``employee`` in the assignment's target now (one statement)?"""
    if not assignment.is_active or not employee.active:
        return False
    found = targets([assignment], Who.person(employee.id))
    return db.session.scalar(select(found.c.employee_id).limit(1)) is not None


def record_evidence(
    actor: User,
    assignment: Assignment,
    employee: Employee,
    *,
    title: str,
    completed_on: date | None,
    now: datetime,
    valid_until: date | None = None,
    provider: str | None = None,
    note: str | None = None,
) -> Evidence:
    """Record that ``employee`` did the training elsewhere."""
    _require_hr(actor)
    today = to_berlin(now).date()
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(N_("Please enter a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(N_("The title is too long."), field="title")
    if completed_on is None:
        raise ValidationFailed(N_("Please enter the date of completion."), field="completed_on")
    if completed_on > today:
        raise ValidationFailed(
            N_("The date of completion cannot be in the future."), field="completed_on"
        )
    if valid_until is None and assignment.recurrence_months:
        valid_until = add_months(completed_on, assignment.recurrence_months)
    if valid_until is not None and valid_until < completed_on:
        raise ValidationFailed(
            N_("The end of validity cannot be before the date of completion."),
            field="valid_until",
        )
    if not applies_to(assignment, employee):
        raise Conflict(N_("This mandatory training does not apply to this person."))
    evidence = Evidence(
        assignment_id=assignment.id,
        employee_id=employee.id,
        title=title,
        provider=(provider or "").strip()[:PROVIDER_MAX] or None,
        completed_on=completed_on,
        valid_until=valid_until,
        note=(note or "").strip()[:NOTE_MAX] or None,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    db.session.add(evidence)
    db.session.flush()
    record(
        actor,
        "mandatory.evidence_recorded",
        "mandatory_evidence",
        evidence.id,
        to_state="valid",
        details={"assignment_id": assignment.id, "valid_until": str(valid_until or "")},
        now=now,
    )
    return evidence


def withdraw_evidence(actor: User, evidence: Evidence, reason: str, now: datetime) -> Evidence:
    """Withdraw evidence recorded by mistake (it stays, marked, and no longer counts)."""
    _require_hr(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Please give a reason."), field="reason")
    if evidence.withdrawn_at is not None:
        raise Conflict(N_("This evidence has already been withdrawn."))
    evidence.withdrawn_at = now
    evidence.withdrawn_by_id = actor.id
    evidence.withdraw_reason = reason
    db.session.flush()
    record(
        actor,
        "mandatory.evidence_withdrawn",
        "mandatory_evidence",
        evidence.id,
        from_state="valid",
        to_state="withdrawn",
        reason=reason,
        now=now,
    )
    return evidence
