"""The department head's statement on an application (endorsed or not, with a comment
the applicant reads) and the applications a head sees.

Services take ``actor`` and ``now``, flush only, raise ``DomainError`` subclasses, write
the audit log and notify the applicant."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User
from academy.audit import log as audit
from academy.auth.policy import can
from academy.auth.scope import scope_of
from academy.database import begin_write
from academy.errors import Conflict, PermissionDenied
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from talent.programmes.applications import UNDECIDED, checked_text, lock_application
from talent.programmes.cohort_models import Application
from talent.programmes.models import Cohort, CohortStatus, Endorsement
from talent.programmes.notices.applications import notify_endorsement

ENDORSABLE_COHORT = (CohortStatus.OPEN.value, CohortStatus.SELECTION.value)
COMMENT_MAX = 2000


# ---------------------------------------------------------------------------
# Endorsement
# ---------------------------------------------------------------------------


def endorse(
    actor: User, application: Application, endorsed: bool, comment: str, now: datetime
) -> None:
    """The head of the applicant's subtree endorses the application or not, with a
    comment the applicant reads; it may be changed until the selection has ended."""
    begin_write()
    if not can(actor, "programmes.candidates", application):
        raise PermissionDenied(N_("You can only give statements on applications of your team."))
    text = checked_text(
        comment,
        "comment",
        1,
        COMMENT_MAX,
        N_("Please explain your statement in a comment; the applicant can read it."),
    )
    application = lock_application(application)
    if application.state not in UNDECIDED:
        raise Conflict(N_("This application has already been decided or withdrawn."))
    cohort = application.cohort
    if cohort.status not in ENDORSABLE_COHORT:
        raise Conflict(N_("The selection has ended: the statement can no longer be changed."))
    new = Endorsement.ENDORSED.value if endorsed else Endorsement.NOT_ENDORSED.value
    old, old_comment = application.endorsement, application.endorsement_comment
    if (old, old_comment) == (new, text):
        return
    application.endorsement = new
    application.endorsement_comment = text
    application.endorsed_by_id = actor.id
    application.endorsed_at = now
    db.session.flush()
    audit.record(
        actor,
        "application.endorsed",
        "application",
        application.id,
        from_state=old,
        to_state=new,
        details={
            "cohort_id": application.cohort_id,
            "employee_id": application.employee_id,
            "old_comment": old_comment,
            "new_comment": text,
        },
        now=now,
    )
    notify_endorsement(cohort, application, actor, endorsed, text, now)


def may_endorse(application: Application) -> bool:
    """Whether a statement can still be given or changed (state and cohort only)."""
    return application.state in UNDECIDED and application.cohort.status in ENDORSABLE_COHORT


# ---------------------------------------------------------------------------
# The head's view
# ---------------------------------------------------------------------------


def head_applications_statement(head_user: User, today: date) -> Select[tuple[Application]]:
    """Applications of the head's subtree (never their own) to cohorts not yet ended and
    not cancelled — cohort closing soonest first, then by name — with employee,
    department, cohort and programme loaded in the same statement."""
    statement = (
        select(Application)
        .join(Application.employee)
        .join(Application.cohort)
        .options(
            joinedload(Application.employee).joinedload(Employee.department),
            joinedload(Application.cohort).joinedload(Cohort.programme),
        )
        .where(
            scope_of(head_user).where(Employee.department_id),
            Cohort.status != CohortStatus.CANCELLED.value,
            Cohort.ends_on >= today,
        )
        .order_by(
            Cohort.applications_close_on,
            Cohort.id,
            Employee.last_name,
            Employee.first_name,
            Application.id,
        )
    )
    if head_user.employee_id is not None:
        statement = statement.where(Application.employee_id != head_user.employee_id)
    return statement


def applications_for_head(head_user: User, today: date) -> list[Application]:
    """The applications a head sees (see ``head_applications_statement``), in two
    queries at most (the subtree, then the applications), however many there are."""
    return list(db.session.scalars(head_applications_statement(head_user, today)).unique())
