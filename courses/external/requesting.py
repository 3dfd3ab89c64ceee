"""An employee requests a training outside the catalogue, and may withdraw the request
while it is undecided. Plain services: ``actor`` and ``now`` are arguments, they flush
only, write the audit log and tell the next decider."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.database import begin_write
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.i18n import N_
from academy.org.models import Employee
from courses.budgets.money import MAX_AMOUNT, cents
from courses.enrolment.requests import approver_for
from courses.external import notices
from courses.external.models import (
    ExternalRequest,
    ExternalRequestCompetence,
    RequestState,
)

TEXT_MAX = 200
REASON_MAX = 5000
MAX_UE = 1000
#: The longest training a request may cover (a certification course over a year).
MAX_LENGTH = timedelta(days=366)
#: How far ahead a training may be requested.
MAX_AHEAD = timedelta(days=3 * 366)
MAX_COMPETENCES = 10


@dataclass
class RequestData:
    """What the employee enters. Times are aware (UTC); ``competences`` are
    ``(competence id, level)``."""

    title: str
    provider: str
    starts_at: datetime | None
    ends_at: datetime | None
    online: bool
    location: str | None
    duration_ue: int | None
    cost: Decimal | None
    travel_cost: Decimal | None
    reason: str
    competences: list[tuple[int, int]] = field(default_factory=list)


def _text(value: str | None, name: str, message: str, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=name)
    if len(text) > limit:
        raise ValidationFailed(N_("At most %(max)s characters, please."), field=name, max=limit)
    return text


def _amount(value: Decimal | None, name: str, *, required: bool) -> Decimal:
    if value is None:
        if required:
            raise ValidationFailed(N_("Please enter the cost in euros (0 if free)."), field=name)
        return Decimal("0.00")
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise ValidationFailed(N_("Please enter an amount of 0 or more."), field=name)
    if value != cents(value):
        raise ValidationFailed(N_("At most two decimal places, please."), field=name)
    return cents(value)


def _dates(data: RequestData, now: datetime) -> tuple[datetime, datetime]:
    if data.starts_at is None:
        raise ValidationFailed(N_("Please enter when the training starts."), field="starts_at")
    if data.ends_at is None:
        raise ValidationFailed(N_("Please enter when the training ends."), field="ends_at")
    if data.starts_at <= now:
        raise ValidationFailed(N_("The training must start in the future."), field="starts_at")
    if data.starts_at > now + MAX_AHEAD:
        raise ValidationFailed(
            N_("A training can be requested at most three years ahead."), field="starts_at"
        )
    if data.ends_at <= data.starts_at:
        raise ValidationFailed(N_("The end must be after the start."), field="ends_at")
    if data.ends_at - data.starts_at > MAX_LENGTH:
        raise ValidationFailed(N_("A training may last at most one year."), field="ends_at")
    return data.starts_at, data.ends_at


def _competences(rows: list[tuple[int, int]]) -> dict[int, int]:
    """``{competence id: level}``, each level within its framework's range."""
    if len(rows) > MAX_COMPETENCES:
        raise ValidationFailed(
            N_("At most %(max)s competences, please."), field="competences", max=MAX_COMPETENCES
        )
    wanted = dict(rows)
    if not wanted:
        return {}
    found = {
        c.id: c
        for c in db.session.scalars(select(Competence).where(Competence.id.in_(sorted(wanted))))
    }
    seen: set[int] = set()
    for index, (competence_id, level) in enumerate(rows):
        competence = found.get(competence_id)
        if competence is None:
            raise ValidationFailed(
                N_("Please choose a competence from the list."),
                field=f"competences.{index}.competence",
            )
        if competence_id in seen:
            raise ValidationFailed(
                N_("The competence %(code)s is listed twice."),
                field=f"competences.{index}.competence",
                code=competence.code,
            )
        seen.add(competence_id)
        low, high = competence.framework.level_min, competence.framework.level_max
        if level is None or not low <= level <= high:
            raise ValidationFailed(
                N_("The level must be between %(low)s and %(high)s."),
                field=f"competences.{index}.level",
                low=low,
                high=high,
            )
    return wanted


def validated(data: RequestData, now: datetime) -> dict[str, object]:
    """The request's columns from ``data``, or a ``ValidationFailed`` at the field."""
    values: dict[str, object] = {
        "title": _text(data.title, "title", N_("Please enter the title of the training.")),
        "provider": _text(data.provider, "provider", N_("Please enter the provider.")),
    }
    values["starts_at"], values["ends_at"] = _dates(data, now)
    location = (data.location or "").strip() or None
    if not data.online and not location:
        raise ValidationFailed(
            N_("Please enter where the training takes place, or choose online."),
            field="location",
        )
    if location and len(location) > TEXT_MAX:
        raise ValidationFailed(
            N_("At most %(max)s characters, please."), field="location", max=TEXT_MAX
        )
    values["online"], values["location"] = bool(data.online), location
    if data.duration_ue is None or not 1 <= data.duration_ue <= MAX_UE:
        raise ValidationFailed(
            N_("The length must be between 1 and %(max)s UE."), field="duration_ue", max=MAX_UE
        )
    values["duration_ue"] = data.duration_ue
    values["cost"] = _amount(data.cost, "cost", required=True)
    values["travel_cost"] = _amount(data.travel_cost, "travel_cost", required=False)
    values["reason"] = _text(
        data.reason, "reason", N_("Please say why you need this training."), REASON_MAX
    )
    return values


def submit(actor: User, employee: Employee, data: RequestData, now: datetime) -> ExternalRequest:
    """The employee's own request: to their department head, or to HR when there is none."""
    begin_write()
    if not can(actor, "external.request") or actor.employee_id != employee.id:
        raise PermissionDenied(N_("You can only request external training for yourself."))
    values = validated(data, now)
    levels = _competences(data.competences)
    head = approver_for(employee)
    request = ExternalRequest(
        employee_id=employee.id,
        state=(RequestState.PENDING_HEAD if head else RequestState.PENDING_HR).value,
        submitted_at=now,
        updated_at=now,
        **values,
    )
    request.competences = [
        ExternalRequestCompetence(competence_id=cid, level=level) for cid, level in levels.items()
    ]
    db.session.add(request)
    db.session.flush()
    record(
        actor,
        "external.submitted",
        "external_request",
        request.id,
        to_state=request.state,
        details={"total": f"{request.total:.2f}"},
        now=now,
    )
    if head is not None:
        notices.tell([head], notices.SUBMITTED, request, now)
    else:
        notices.tell(notices.hr_except(actor.id), notices.FOR_HR, request, now)
    return request


def lock(request: ExternalRequest) -> ExternalRequest:
    """Lock the request's row and read it again (two deciders at once: one wins)."""
    return db.session.scalars(
        select(ExternalRequest)
        .where(ExternalRequest.id == request.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def withdraw(actor: User, request: ExternalRequest, now: datetime) -> ExternalRequest:
    """The employee withdraws their undecided request; whoever was to decide is told."""
    begin_write()
    request = lock(request)
    if actor.employee_id is None or actor.employee_id != request.employee_id:
        raise PermissionDenied(N_("Only the person who made a request can withdraw it."))
    if not request.is_open:
        raise Conflict(N_("This request has already been decided."))
    before = request.state
    request.state = RequestState.WITHDRAWN.value
    request.withdrawn_at = now
    request.updated_at = now
    db.session.flush()
    record(
        actor, "external.withdrawn", "external_request", request.id,
        from_state=before, to_state=request.state, now=now,
    )  # fmt: skip
    if before == RequestState.PENDING_HEAD:
        notices.tell([notices.head_account(request)], notices.WITHDRAWN, request, now)
    else:
        notices.tell(notices.hr_except(actor.id), notices.WITHDRAWN, request, now)
    return request
