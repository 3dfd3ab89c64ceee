"""Archiving, reactivating and deleting courses (HR): a course with any session or
enrolment is kept (archived), only an unused one can be deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.audit.log import record
from academy.errors import Conflict
from academy.extensions import db
from academy.i18n import N_
from courses.catalogue.models import (
    Course,
    CoursePrerequisite,
)
from courses.enrolment.models import Enrolment
from courses.sessions.models import CourseSession


def course_in_use(course: Course) -> bool:
    """A course with any session or enrolment is kept (archived), never deleted."""
    sessions = select(CourseSession.id).where(CourseSession.course_id == course.id).limit(1)
    enrolments = select(Enrolment.id).where(Enrolment.course_id == course.id).limit(1)
    return db.session.scalar(sessions) is not None or db.session.scalar(enrolments) is not None


def archive_course(
    actor: User, course: Course, now: datetime, *, reason: str | None = None
) -> Course:
    """Hide the course from the catalogue; its history stays. Upcoming sessions that are
    not cancelled keep running (HR cancels them separately)."""
    if course.archived:
        raise Conflict(N_("The course is already archived."))
    course.archived = True
    course.updated_at = now
    db.session.flush()
    record(
        actor,
        "course.archived",
        "course",
        course.id,
        from_state="active",
        to_state="archived",
        reason=reason,
        now=now,
    )
    db.session.flush()
    return course


def unarchive_course(actor: User, course: Course, now: datetime) -> Course:
    if not course.archived:
        raise Conflict(N_("The course is not archived."))
    if course.external:
        raise Conflict(N_("An external training approved on request never enters the catalogue."))
    course.archived = False
    course.updated_at = now
    db.session.flush()
    record(
        actor,
        "course.unarchived",
        "course",
        course.id,
        from_state="archived",
        to_state="active",
        now=now,
    )
    db.session.flush()
    return course


def delete_course(actor: User, course: Course, now: datetime) -> None:
    """Delete a course that was never used. A used one can only be archived."""
    if course_in_use(course):
        raise Conflict(
            N_("%(code)s has sessions or enrolments: it can be archived, but not deleted."),
            code=course.code,
        )
    dependants = list(
        db.session.scalars(
            select(Course.code)
            .join(CoursePrerequisite, CoursePrerequisite.course_id == Course.id)
            .where(CoursePrerequisite.required_course_id == course.id)
            .order_by(Course.code)
        )
    )
    if dependants:
        raise Conflict(
            N_("%(code)s is a prerequisite of %(courses)s: remove it there first."),
            code=course.code,
            courses=", ".join(dependants),
        )
    details = {"code": course.code, "title": course.title}
    course_id, archived = course.id, course.archived
    try:
        with db.session.begin_nested():
            db.session.delete(course)
            db.session.flush()
    except IntegrityError as exc:  # referenced elsewhere (e.g. a programme curriculum)
        raise Conflict(
            N_("%(code)s is still referenced elsewhere: archive it instead."),
            code=details["code"],
        ) from exc
    record(
        actor,
        "course.deleted",
        "course",
        course_id,
        from_state="archived" if archived else "active",
        details=details,
        now=now,
    )
    db.session.flush()
