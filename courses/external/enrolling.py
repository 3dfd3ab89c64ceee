"""An approved external training becomes an enrolment: a course of its own (archived
from the start and flagged ``external``, so the catalogue never shows it) with one
session of one place, in which the employee is confirmed — through the enrolment
lifecycle, so the audit log, the budget booking, attendance, completion, evidence and
certificate follow the usual rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from academy.accounts.models import User
from academy.audit.log import record
from academy.extensions import db
from courses.catalogue.models import (
    Category,
    Course,
    CourseFormat,
    CourseLevel,
    CourseOutcome,
    Provider,
)
from courses.enrolment.lifecycle import NEW, confirm, take_seat, transition
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.external.models import ExternalRequest
from courses.sessions.models import CourseSession

#: The category of the courses made for external trainings (created when first needed).
CATEGORY_NAME = "Externe Fortbildungen"
CATEGORY_DESCRIPTION = (
    "Fortbildungen außerhalb des Katalogs, auf Antrag genehmigt (Konferenzen, Angebote "
    "anderer Anbieter, Zertifizierungen). Sie erscheinen nicht im Katalog."
)
CATEGORY_POSITION = 9999


def external_category() -> Category:
    category = db.session.scalar(select(Category).where(Category.name == CATEGORY_NAME))
    if category is None:
        category = Category(
            name=CATEGORY_NAME, description=CATEGORY_DESCRIPTION, position=CATEGORY_POSITION
        )
        db.session.add(category)
        db.session.flush()
    return category


def course_code(request: ExternalRequest) -> str:
    return f"EXT-{request.id:06d}"


def _course(actor: User, request: ExternalRequest, now: datetime) -> Course:
    course = Course(
        code=course_code(request),
        title=request.title,
        description=f"Externe Fortbildung bei {request.provider}.",
        category=external_category(),
        format=(CourseFormat.ONLINE if request.online else CourseFormat.IN_PERSON).value,
        duration_ue=request.duration_ue,
        level=CourseLevel.BASIC.value,
        provider=Provider.EXTERNAL.value,
        provider_name=request.provider,
        cost=request.cost,
        requires_approval=False,
        archived=True,
        external=True,
        created_at=now,
        updated_at=now,
    )
    course.outcomes = [
        CourseOutcome(competence_id=c.competence_id, level=c.level) for c in request.competences
    ]
    db.session.add(course)
    db.session.flush()
    record(
        actor, "course.created", "course", course.id,
        details={"external_request_id": request.id}, now=now,
    )  # fmt: skip
    return course


def _session(request: ExternalRequest, course: Course, now: datetime) -> CourseSession:
    days = int(current_app.config["EXTERNAL_CANCELLATION_DAYS"])
    session = CourseSession(
        course_id=course.id,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        location=None if request.online else request.location,
        online_url=None,
        capacity=1,
        min_participants=0,
        enrolment_deadline=min(now, request.starts_at),
        cancellation_deadline=max(
            min(now, request.starts_at), request.starts_at - timedelta(days=days)
        ),
        confirmed_count=0,
        created_at=now,
    )
    db.session.add(session)
    db.session.flush()
    return session


def enrol(actor: User, request: ExternalRequest, now: datetime) -> Enrolment:
    """Create the course, its session and the confirmed enrolment of the request."""
    course = _course(actor, request, now)
    session = _session(request, course, now)
    request.course_id, request.session_id = course.id, session.id
    db.session.flush()  # the booking reads the travel costs through the session
    enrolment = Enrolment(
        session_id=session.id,
        course_id=course.id,
        employee_id=request.employee_id,
        state=EnrolmentState.PENDING.value,
        requested_at=request.submitted_at,
        decided_at=now,
        decided_by_id=actor.id,
        updated_at=now,
    )
    db.session.add(enrolment)
    db.session.flush()
    take_seat(session)
    confirm(enrolment, now)
    transition(
        actor,
        enrolment,
        EnrolmentState.CONFIRMED,
        now,
        verb="approved",
        from_state=NEW,
        details={"external_request_id": request.id},
    )
    request.enrolment_id = enrolment.id
    db.session.flush()
    return enrolment
