"""Applications to fast-track cohorts (DOMAIN.md "Fast-track programmes"): employees apply
with a motivation; heads may nominate someone of their subtree, who then accepts (with a
motivation) or declines. Applicants may withdraw until the decisions are sent. The
head's statement (endorsement) is in ``talent.programmes.endorsements``.

Services take ``actor`` and ``now``, flush only, raise ``DomainError`` subclasses, write
the audit log (``application.<verb>``) and notify the people concerned (the texts and
recipients are in ``talent.programmes.notices.applications``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import LazyString
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit import log as audit
from academy.auth.policy import can
from academy.clock import to_berlin
from academy.database import begin_write
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_, fmt_date
from academy.org.models import Employee
from talent.programmes.cohort_models import Application
from talent.programmes.eligibility import ineligibility, reasons_text
from talent.programmes.models import ApplicationState, Cohort, CohortStatus, Endorsement
from talent.programmes.notices.applications import (
    notify_applied,
    notify_nominated,
    notify_nomination_accepted,
    notify_nomination_declined,
    notify_proposal_changed,
)

MOTIVATION_MIN = 50
MOTIVATION_MAX = 4000
NOTE_MAX = 2000

#: Applications still waiting for a decision.
UNDECIDED = (ApplicationState.NOMINATED.value, ApplicationState.SUBMITTED.value)
#: Until when an applicant may withdraw (the decisions are not sent yet).
WITHDRAWABLE_COHORT = (
    CohortStatus.OPEN.value,
    CohortStatus.SELECTION.value,
    CohortStatus.COUNCIL_REVIEW.value,
)
#: Until when a head may give or change their statement (the selection has not ended).


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def today_of(now: datetime) -> date:
    """The day in Berlin at ``now`` (the application window is in German days)."""
    return to_berlin(now).date()


def checked_text(value: str | None, field: str, low: int, high: int, message: str) -> str:
    text = (value or "").strip()
    if len(text) < low:
        raise ValidationFailed(message, field=field, min=low, max=high)
    if len(text) > high:
        raise ValidationFailed(N_("Please use at most %(max)s characters."), field=field, max=high)
    return text


def _motivation(value: str | None) -> str:
    return checked_text(
        value,
        "motivation",
        MOTIVATION_MIN,
        MOTIVATION_MAX,
        N_("Please describe your motivation in %(min)s to %(max)s characters."),
    )


def _require_window(cohort: Cohort, now: datetime) -> None:
    today = today_of(now)
    if cohort.status != CohortStatus.OPEN.value:
        raise Conflict(N_("This cohort is not open for applications."))
    if today < cohort.applications_open_on:
        opens = cohort.applications_open_on
        raise Conflict(N_("Applications open on %(date)s."), date=LazyString(fmt_date, opens))
    if today > cohort.applications_close_on:
        raise Conflict(N_("The application window of this cohort has closed."))


def _require_eligible(employee: Employee, cohort: Cohort, now: datetime, *, other: bool) -> None:
    reasons = ineligibility(employee, cohort, today_of(now), about_other=other)
    if reasons:
        message = (
            N_("%(name)s cannot be nominated for this cohort: %(reasons)s")
            if other
            else N_("You cannot apply to this cohort: %(reasons)s")
        )
        raise ValidationFailed(message, name=employee.full_name, reasons=reasons_text(reasons))


def lock_application(application: Application) -> Application:
    """Lock the application row (PostgreSQL) and read it and its cohort again."""
    locked = db.session.scalars(
        select(Application)
        .where(Application.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.refresh(locked.cohort)
    return locked


def _lock_cohort(cohort: Cohort) -> Cohort:
    """Read the cohort again, holding a share lock (PostgreSQL) so that HR cannot close
    or cancel it before this transaction ends (SQLite holds the write lock already)."""
    return db.session.scalars(
        select(Cohort)
        .where(Cohort.id == cohort.id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).one()


def _existing(cohort: Cohort, employee: Employee) -> Application | None:
    return db.session.scalars(
        select(Application)
        .where(Application.cohort_id == cohort.id, Application.employee_id == employee.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def _refuse_existing(existing: Application, *, nominating: bool) -> None:
    if existing.state == ApplicationState.NOMINATED.value:
        raise Conflict(
            N_("This person has already been nominated for this cohort.")
            if nominating
            else N_("You have been nominated for this cohort: please accept or decline.")
        )
    if existing.state == ApplicationState.SUBMITTED.value:
        raise Conflict(
            N_("This person has already applied to this cohort.")
            if nominating
            else N_("You have already applied to this cohort.")
        )
    raise Conflict(N_("The application to this cohort has already been decided."))


def _insert(application: Application) -> None:
    """Insert in a savepoint: the unique constraint (cohort, person) refuses a second
    application even when the check above raced with another request."""
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("There is already an application of this person to this cohort.")
        ) from exc


def _reset(application: Application) -> None:
    """A withdrawn application used again starts afresh (its history is in the audit log)."""
    application.motivation = None
    application.submitted_at = None
    application.withdrawn_at = None
    application.nominated_by_id = None
    application.nomination_note = None
    application.endorsement = Endorsement.PENDING.value
    application.endorsed_by_id = None
    application.endorsement_comment = None
    application.endorsed_at = None
    application.proposed = False
    application.decided_at = None


def _record(
    actor: User | None,
    application: Application,
    verb: str,
    from_state: str | None,
    now: datetime,
    **details: Any,
) -> None:
    audit.record(
        actor,
        f"application.{verb}",
        "application",
        application.id,
        from_state=from_state,
        to_state=application.state,
        details={"cohort_id": application.cohort_id, "employee_id": application.employee_id}
        | details,
        now=now,
    )


def _own(actor: User, application: Application) -> None:
    if actor.employee_id is None or actor.employee_id != application.employee_id:
        raise PermissionDenied(N_("This is not your application."))


# ---------------------------------------------------------------------------
# Applying and withdrawing
# ---------------------------------------------------------------------------


def apply(actor: User, cohort: Cohort, motivation: str, now: datetime) -> Application:
    """The actor applies to ``cohort`` with ``motivation`` (own account only): the cohort
    must be open, today within the window and the person eligible. A withdrawn
    application of theirs to this cohort is used again."""
    begin_write()
    if actor.employee_id is None or actor.employee is None:
        raise PermissionDenied(N_("Only employees can apply to a fast-track programme."))
    employee = actor.employee
    text = _motivation(motivation)
    cohort = _lock_cohort(cohort)
    _require_window(cohort, now)
    _require_eligible(employee, cohort, now, other=False)
    application = _existing(cohort, employee)
    from_state = None
    if application is not None:
        if application.state != ApplicationState.WITHDRAWN.value:
            _refuse_existing(application, nominating=False)
        from_state = application.state
        _reset(application)
    else:
        application = Application(cohort_id=cohort.id, employee_id=employee.id, created_at=now)
    application.state = ApplicationState.SUBMITTED.value
    application.motivation = text
    application.submitted_at = now
    if from_state is None:
        _insert(application)
    db.session.flush()
    _record(actor, application, "submitted", from_state, now)

    notify_applied(cohort, employee, now)
    return application


def withdraw(actor: User, application: Application, now: datetime) -> None:
    """The applicant withdraws a nomination or application until the decisions are sent;
    if it was in HR's proposal, it leaves the proposal and HR is told."""
    begin_write()
    _own(actor, application)
    application = lock_application(application)
    if application.state not in UNDECIDED:
        raise Conflict(N_("This application has already been decided or withdrawn."))
    cohort = application.cohort
    if cohort.status not in WITHDRAWABLE_COHORT:
        raise Conflict(
            N_("The decisions have been sent: the application can no longer be withdrawn.")
        )
    from_state = application.state
    was_proposed = application.proposed
    application.state = ApplicationState.WITHDRAWN.value
    application.withdrawn_at = now
    application.proposed = False
    db.session.flush()
    details: dict[str, Any] = {"proposal_changed": True} if was_proposed else {}
    _record(actor, application, "withdrawn", from_state, now, **details)
    if was_proposed:
        notify_proposal_changed(cohort, application, now)


# ---------------------------------------------------------------------------
# Nominations
# ---------------------------------------------------------------------------


def nominate(
    actor: User, cohort: Cohort, employee: Employee, note: str, now: datetime
) -> Application:
    """A head nominates someone of their subtree (never themselves) for an open cohort;
    the nomination counts as their endorsement, with ``note`` as its comment. The person
    is told and accepts (with a motivation) or declines."""
    begin_write()
    if not can(actor, "programmes.candidates", employee):
        raise PermissionDenied(N_("You can only nominate people of your own team."))
    text = checked_text(note, "note", 1, NOTE_MAX, N_("Please say why you nominate this person."))
    cohort = _lock_cohort(cohort)
    _require_window(cohort, now)
    _require_eligible(employee, cohort, now, other=True)
    application = _existing(cohort, employee)
    from_state = None
    if application is not None:
        if application.state != ApplicationState.WITHDRAWN.value:
            _refuse_existing(application, nominating=True)
        from_state = application.state
        _reset(application)
    else:
        application = Application(cohort_id=cohort.id, employee_id=employee.id, created_at=now)
    application.state = ApplicationState.NOMINATED.value
    application.nominated_by_id = actor.id
    application.nomination_note = text
    application.endorsement = Endorsement.ENDORSED.value
    application.endorsed_by_id = actor.id
    application.endorsement_comment = text
    application.endorsed_at = now
    if from_state is None:
        _insert(application)
    db.session.flush()
    _record(actor, application, "nominated", from_state, now)
    notify_nominated(cohort, employee, actor, text, now)
    return application


def accept_nomination(
    actor: User, application: Application, motivation: str, now: datetime
) -> None:
    """The nominee agrees, adding their motivation: the application is submitted."""
    begin_write()
    _own(actor, application)
    text = _motivation(motivation)
    application = lock_application(application)
    if application.state != ApplicationState.NOMINATED.value:
        raise Conflict(N_("This nomination has already been answered."))
    cohort = application.cohort
    _require_window(cohort, now)
    _require_eligible(application.employee, cohort, now, other=False)
    application.state = ApplicationState.SUBMITTED.value
    application.motivation = text
    application.submitted_at = now
    db.session.flush()
    _record(actor, application, "nomination_accepted", ApplicationState.NOMINATED.value, now)
    notify_nomination_accepted(cohort, application, now)


def decline_nomination(actor: User, application: Application, now: datetime) -> None:
    """The nominee declines: the nomination is withdrawn and the head told."""
    begin_write()
    _own(actor, application)
    application = lock_application(application)
    if application.state != ApplicationState.NOMINATED.value:
        raise Conflict(N_("This nomination has already been answered."))
    application.state = ApplicationState.WITHDRAWN.value
    application.withdrawn_at = now
    application.proposed = False
    db.session.flush()
    _record(actor, application, "nomination_declined", ApplicationState.NOMINATED.value, now)
    notify_nomination_declined(application, now)


def may_withdraw(application: Application) -> bool:
    return application.state in UNDECIDED and application.cohort.status in WITHDRAWABLE_COHORT
