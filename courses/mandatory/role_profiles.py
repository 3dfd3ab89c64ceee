"""Mandatory training named by a role profile (Soll-Profil): the talent package's role
profile page sets the courses every holder of a job role must complete, and this keeps
one assignment per job role (``origin = role_profile``) in step — created, changed, or
ended when the profile names no course any more. HR's own assignments for the same job
role are left alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import force_locale, gettext
from sqlalchemy import select

from academy.accounts.models import User
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import JobRole
from courses.mandatory.assignments import (
    AssignmentData,
    create_assignment,
    end_assignment,
    update_assignment,
)
from courses.mandatory.models import Assignment, Origin, TargetKind

DEFAULT_TITLE = N_("Mandatory training for %(role)s")
ENDED = "Im Soll-Profil entfernt"


def role_assignment(job_role_id: int) -> Assignment | None:
    """The active assignment the role profile of this job role maintains, if any."""
    return db.session.scalar(
        select(Assignment).where(
            Assignment.job_role_id == job_role_id,
            Assignment.origin == Origin.ROLE_PROFILE.value,
            Assignment.ended_at.is_(None),
        )
    )


def default_title(role: JobRole) -> str:
    with force_locale("de"):
        return gettext(DEFAULT_TITLE, role=role.title)


def set_role_requirement(
    actor: User,
    role: JobRole,
    course_ids: Sequence[int],
    now: datetime,
    *,
    due_days: int,
    recurrence_months: int | None,
    title: str | None = None,
) -> Assignment | None:
    """Make the role profile's mandatory training name these courses (none: end it)."""
    current = role_assignment(role.id)
    if not course_ids:
        if current is not None:
            end_assignment(actor, current, ENDED, now)
        return None
    data = AssignmentData(
        title=(title or "").strip() or default_title(role),
        course_ids=list(course_ids),
        target_kind=TargetKind.JOB_ROLE.value,
        job_role_id=role.id,
        due_days=due_days,
        recurrence_months=recurrence_months,
        description=current.description if current is not None else None,
    )
    if current is None:
        return create_assignment(actor, data, now, origin=Origin.ROLE_PROFILE.value)
    return update_assignment(actor, current, data, now)
