"""Cohorts of a fast-track programme (HR): the status machine of a cohort:

    draft → open → selection → council_review → running → completed
                   council_review → selection (the council objects)
    draft / open / selection / council_review → cancelled

``open_applications``, ``close_applications`` (also the tick step
``close_due_applications``), ``cancel_cohort`` and ``complete_cohort`` are here; the
selection's transitions (``selection`` ↔ ``council_review`` → ``running``) are in
``talent.programmes.selection``. ``change_status`` moves a cohort along ``TRANSITIONS`` with a
conditional update of the locked row, audits ``cohort.<verb>`` and sets
``status_changed_at``. Creating and editing a cohort (its window, seats, eligibility by
career stage — never age) and its weighted selection criteria are in
``talent.programmes.cohort_settings``.

Plain service functions: ``actor`` and ``now`` are arguments, they flush only (the tick
step commits its own work); the view commits. Business-rule errors raise
``ValidationFailed`` / ``Conflict`` whose ``field`` names the form field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from academy.accounts.models import User
from academy.audit.log import record
from academy.clock import to_berlin
from academy.database import begin_write
from academy.errors import Conflict, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.notifications.notices import notify
from academy.scheduler import register_tick_step
from courses.enrolment.notices import hr_users, people, site_path
from talent.programmes.cohort_models import Application, CohortMember
from talent.programmes.models import (
    COHORT_STATUS_LABELS,
    ApplicationState,
    Cohort,
    CohortStatus,
    MemberState,
)

MAX_REASON = 2000

#: Cohorts whose settings and criteria HR may still change.
EDITABLE = frozenset({CohortStatus.DRAFT, CohortStatus.OPEN})
#: Cohorts HR may still cancel.
CANCELLABLE = frozenset(
    {CohortStatus.DRAFT, CohortStatus.OPEN, CohortStatus.SELECTION, CohortStatus.COUNCIL_REVIEW}
)
#: The status machine: (from, to) → the verb of the audit action ``cohort.<verb>``.
TRANSITIONS: dict[tuple[CohortStatus, CohortStatus], str] = {
    (CohortStatus.DRAFT, CohortStatus.OPEN): "opened",
    (CohortStatus.OPEN, CohortStatus.SELECTION): "closed",
    (CohortStatus.SELECTION, CohortStatus.COUNCIL_REVIEW): "submitted",
    (CohortStatus.COUNCIL_REVIEW, CohortStatus.SELECTION): "objected",
    (CohortStatus.COUNCIL_REVIEW, CohortStatus.RUNNING): "started",
    (CohortStatus.RUNNING, CohortStatus.COMPLETED): "completed",
    **{(status, CohortStatus.CANCELLED): "cancelled" for status in CANCELLABLE},
}
#: Applications whose people are told when the cohort is cancelled.
PENDING_APPLICATIONS = (ApplicationState.NOMINATED.value, ApplicationState.SUBMITTED.value)

#: What ``allowed_transitions`` may return (the buttons of ``talent/cohorts/_actions.html``).
ACTION_EDIT = "edit"
ACTION_OPEN = "open"
ACTION_CLOSE = "close"
ACTION_CANCEL = "cancel"
ACTION_COMPLETE = "complete"

CANCELLED_NOTICE_KIND = "cohort.cancelled"
CANCELLED_SUBJECT = N_("Fast-track programme cancelled: %(programme)s")
CANCELLED_BODY = N_(
    "The cohort “%(cohort)s” of the programme “%(programme)s” has been cancelled, so your "
    "application or nomination will not be taken further. We are sorry. Reason: %(reason)s"
)
CLOSED_NOTICE_KIND = "cohort.closed"
CLOSED_SUBJECT = N_("Applications closed: %(cohort)s")
CLOSED_BODY = N_(
    "The application window of the cohort “%(cohort)s” (%(programme)s) ended on %(date)s. "
    "The cohort is now in selection: please score the applications."
)
#: The employee page of the fast-track programmes (helper "applications"), the HR
#: cohort dashboard (helper "selection"): links in notifications when they exist.
APPLICANT_ENDPOINT = "talent.my_programmes"
DASHBOARD_ENDPOINT = "talent.cohort_dashboard"


def berlin_today(now: datetime) -> date:
    return to_berlin(now).date()


def status_of(cohort: Cohort) -> CohortStatus:
    return CohortStatus(cohort.status)


# ---------------------------------------------------------------------------
# The status machine
# ---------------------------------------------------------------------------


def lock_cohort(cohort: Cohort) -> Cohort:
    """Lock the cohort row (PostgreSQL ``FOR UPDATE``; SQLite holds the write lock) and
    read it again, so that the checks that follow see the current status."""
    begin_write()
    return db.session.scalars(
        select(Cohort)
        .where(Cohort.id == cohort.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def change_status(
    actor: User | None,
    cohort: Cohort,
    to_status: CohortStatus | str,
    now: datetime,
    *,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Move the cohort along the status machine (a conditional update: a cohort whose
    status changed meanwhile gives a Conflict), audit ``cohort.<verb>`` and set
    ``status_changed_at``. Callers check their own preconditions first (after
    ``lock_cohort``)."""
    from_status = status_of(cohort)
    target = CohortStatus(to_status)
    verb = TRANSITIONS.get((from_status, target))
    if verb is None:
        raise Conflict(
            N_("A cohort in status “%(current)s” cannot change to “%(wanted)s”."),
            current=lazy_gettext(COHORT_STATUS_LABELS[from_status]),
            wanted=lazy_gettext(COHORT_STATUS_LABELS[target]),
        )
    changed = db.session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.status == from_status.value)
        .values(status=target.value, status_changed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise Conflict(N_("The cohort was changed by someone else meanwhile. Please try again."))
    set_committed_value(cohort, "status", target.value)
    set_committed_value(cohort, "status_changed_at", now)
    record(
        actor,
        f"cohort.{verb}",
        "cohort",
        cohort.id,
        from_state=from_status.value,
        to_state=target.value,
        reason=reason,
        details=details,
        now=now,
    )
    db.session.flush()


def _require_status(cohort: Cohort, *allowed: CohortStatus, message: str) -> None:
    if cohort.status not in {s.value for s in allowed}:
        raise Conflict(message)


def opening_problems(cohort: Cohort, today: date) -> list[str]:
    """Why a draft cannot be opened yet (``N_`` messages; empty: it can)."""
    problems: list[str] = []
    if not cohort.criteria:
        problems.append(N_("Add at least one selection criterion before opening applications."))
    if cohort.applications_close_on < today:
        problems.append(
            N_("The application window has already ended: move its end to today or later.")
        )
    return problems


def open_applications(actor: User, cohort: Cohort, now: datetime) -> None:
    """draft → open: needs at least one criterion and a window that has not ended."""
    cohort = lock_cohort(cohort)
    _require_status(
        cohort,
        CohortStatus.DRAFT,
        message=N_("Only a draft cohort can be opened for applications."),
    )
    problems = opening_problems(cohort, berlin_today(now))
    if problems:
        raise Conflict(problems[0])
    change_status(actor, cohort, CohortStatus.OPEN, now)


def close_applications(
    actor: User | None, cohort: Cohort, now: datetime, *, reason: str | None = None
) -> None:
    """open → selection (HR at any time, or the tick once the window has ended)."""
    cohort = lock_cohort(cohort)
    _require_status(
        cohort, CohortStatus.OPEN, message=N_("Only a cohort open for applications can be closed.")
    )
    change_status(actor, cohort, CohortStatus.SELECTION, now, reason=reason)


def _notify_applicants(cohort: Cohort, reason: str, now: datetime) -> int:
    """Tell everyone with a pending application or nomination that the cohort is off."""
    employee_ids = list(
        db.session.scalars(
            select(Application.employee_id).where(
                Application.cohort_id == cohort.id, Application.state.in_(PENDING_APPLICATIONS)
            )
        )
    )
    recipients = people(employee_ids)
    link = site_path((APPLICANT_ENDPOINT, {}))
    params = {"cohort": cohort.name, "programme": cohort.programme.title, "reason": reason}
    sent = 0
    for employee_id in employee_ids:
        recipient = recipients.get(employee_id)
        if recipient is None:
            continue
        notify(
            recipient,
            CANCELLED_NOTICE_KIND,
            CANCELLED_SUBJECT,
            CANCELLED_BODY,
            params=params,
            link=link,
            now=now,
        )
        sent += 1
    return sent


def cancel_cohort(actor: User, cohort: Cohort, reason: str, now: datetime) -> None:
    """draft / open / selection / council_review → cancelled; a reason is required and
    everyone with a pending application or nomination is told."""
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(N_("Please give a reason for the cancellation."), field="reason")
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            N_("The text is too long (at most %(max)s characters)."), field="reason", max=MAX_REASON
        )
    cohort = lock_cohort(cohort)
    _require_status(
        cohort,
        *CANCELLABLE,
        message=N_("A running, completed or cancelled cohort cannot be cancelled."),
    )
    change_status(actor, cohort, CohortStatus.CANCELLED, now, reason=text)
    _notify_applicants(cohort, text, now)
    db.session.flush()


def active_member_count(cohort: Cohort) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(CohortMember)
            .where(
                CohortMember.cohort_id == cohort.id,
                CohortMember.state == MemberState.ACTIVE.value,
            )
        )
        or 0
    )


def complete_cohort(actor: User, cohort: Cohort, now: datetime) -> None:
    """running → completed, once no member is still active (all graduated or dropped
    out)."""
    cohort = lock_cohort(cohort)
    _require_status(
        cohort, CohortStatus.RUNNING, message=N_("Only a running cohort can be completed.")
    )
    active = active_member_count(cohort)
    if active:
        raise Conflict(
            N_(
                "Members still active: %(count)s. The cohort can be completed once everyone "
                "has graduated or dropped out."
            ),
            count=active,
        )
    change_status(actor, cohort, CohortStatus.COMPLETED, now)


def allowed_transitions(cohort: Cohort, today: date) -> list[str]:
    """The actions HR may take on the cohort now, for its buttons: ``edit``, ``open``,
    ``close``, ``cancel``, ``complete`` (at most one query: active members)."""
    status = status_of(cohort)
    actions: list[str] = []
    if status in EDITABLE:
        actions.append(ACTION_EDIT)
    if status == CohortStatus.DRAFT and not opening_problems(cohort, today):
        actions.append(ACTION_OPEN)
    if status == CohortStatus.OPEN:
        actions.append(ACTION_CLOSE)
    if status == CohortStatus.RUNNING and active_member_count(cohort) == 0:
        actions.append(ACTION_COMPLETE)
    if status in CANCELLABLE:
        actions.append(ACTION_CANCEL)
    return actions


# ---------------------------------------------------------------------------
# Tick step: close applications when the window has ended
# ---------------------------------------------------------------------------


def _dashboard_link(cohort: Cohort) -> str | None:
    return site_path((DASHBOARD_ENDPOINT, {"cohort_id": cohort.id}))


def close_due_applications(now: datetime) -> int:
    """Every open cohort whose application window has ended (its last day lies before
    today, Berlin time) goes to selection; HR is told. Idempotent: a cohort is claimed
    by a conditional update, so running it twice (or on two hosts) closes it once.
    Flushes only; returns how many cohorts were closed."""
    begin_write()
    today = berlin_today(now)
    due = list(
        db.session.scalars(
            select(Cohort)
            .where(Cohort.status == CohortStatus.OPEN.value, Cohort.applications_close_on < today)
            .order_by(Cohort.applications_close_on, Cohort.id)
        )
    )
    hr = hr_users() if due else []
    closed = 0
    for cohort in due:
        try:
            with db.session.begin_nested():
                change_status(
                    None, cohort, CohortStatus.SELECTION, now, reason="application window ended"
                )
        except Conflict:
            continue  # closed by someone else meanwhile
        params = {
            "cohort": cohort.name,
            "programme": cohort.programme.title,
            "date": cohort.applications_close_on,
        }
        link = _dashboard_link(cohort)
        for user in hr:
            notify(
                user,
                CLOSED_NOTICE_KIND,
                CLOSED_SUBJECT,
                CLOSED_BODY,
                params=params,
                link=link,
                now=now,
            )
        closed += 1
    db.session.flush()
    return closed


def tick_close_applications(now: datetime) -> str:
    """The tick step ``cohort-close``: closes due cohorts and commits."""
    closed = close_due_applications(now)
    db.session.commit()
    return f"{closed} cohort(s) closed for applications (window ended)."


def register_tick_steps() -> None:
    register_tick_step("cohort-close", tick_close_applications, order=25)
