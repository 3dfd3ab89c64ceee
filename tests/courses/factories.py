"""Factories for the courses package: real rows, no mocks. Reuse them in any test.

    from tests.courses import factories as cf
    course = cf.course(requires_approval=True, prerequisites=[basics])
    session = cf.session(course, starts_at=NOW + timedelta(days=30), capacity=2)
    enrolment = cf.enrolment(session, employee, state=EnrolmentState.WAITLISTED)

Times default to "from now" (``academy.clock.utcnow``); pass explicit aware UTC
datetimes when a test controls ``now``. ``enrolment`` keeps the session's seat counter
right for the states that hold a place.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from academy.accounts.models import User
from academy.clock import utcnow
from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Category, Course
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from tests import factories

_seq = itertools.count(1)

#: States in which an enrolment holds a seat (counted in ``confirmed_count``).
SEATED = {
    EnrolmentState.CONFIRMED,
    EnrolmentState.ATTENDED,
    EnrolmentState.NO_SHOW,
    EnrolmentState.COMPLETED,
    EnrolmentState.FAILED,
}


def category(name: str | None = None) -> Category:
    n = next(_seq)
    cat = Category(name=name or f"Testkategorie {n}", position=n)
    db.session.add(cat)
    db.session.flush()
    return cat


def course(
    title: str | None = None,
    *,
    code: str | None = None,
    requires_approval: bool = False,
    duration_ue: int = 8,
    in_category: Category | None = None,
    prerequisites: Iterable[Course] = (),
    **fields: Any,
) -> Course:
    """A course (by default without manager approval, 8 UE, in a new category)."""
    n = next(_seq)
    item = Course(
        code=code or f"K-{n:04d}",
        title=title or f"Testkurs {n}",
        description="",
        category=in_category or category(),
        duration_ue=duration_ue,
        requires_approval=requires_approval,
        **fields,
    )
    item.prerequisites = list(prerequisites)
    db.session.add(item)
    db.session.flush()
    return item


def session(
    course_: Course | None = None,
    *,
    starts_at: datetime | None = None,
    duration: timedelta = timedelta(hours=7),
    capacity: int = 10,
    min_participants: int = 0,
    enrolment_deadline: datetime | None = None,
    cancellation_deadline: datetime | None = None,
    trainer: User | None = None,
    **fields: Any,
) -> CourseSession:
    """A session (30 days from now by default; deadlines 7 and 3 days before it)."""
    if starts_at is None:
        starts_at = (utcnow() + timedelta(days=30)).replace(
            hour=7, minute=0, second=0, microsecond=0
        )
    item = CourseSession(
        course=course_ or course(),
        starts_at=starts_at,
        ends_at=starts_at + duration,
        location=fields.pop("location", "Rathaus, Raum 101"),
        capacity=capacity,
        min_participants=min_participants,
        enrolment_deadline=enrolment_deadline or starts_at - timedelta(days=7),
        cancellation_deadline=cancellation_deadline or starts_at - timedelta(days=3),
        confirmed_count=0,
        trainer=trainer,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def enrolment(
    session_: CourseSession | None = None,
    employee: Employee | None = None,
    *,
    state: EnrolmentState | str = EnrolmentState.CONFIRMED,
    requested_at: datetime | None = None,
    **fields: Any,
) -> Enrolment:
    """An enrolment put straight into ``state`` (no service, no audit entry). A seated
    state takes a seat (refused if the session is full); waitlisted gets the request
    time as rank."""
    session_ = session_ or session()
    employee = employee or factories.employee()
    state = EnrolmentState(state)
    requested_at = requested_at or session_.starts_at - timedelta(days=20)
    item = Enrolment(
        session_id=session_.id,
        course_id=session_.course_id,
        employee_id=employee.id,
        state=state.value,
        requested_at=requested_at,
        **fields,
    )
    if state == EnrolmentState.WAITLISTED and item.waitlist_rank is None:
        item.waitlist_rank = requested_at.timestamp()
    if state in SEATED:
        if session_.confirmed_count >= session_.capacity:
            raise ValueError("session is full")
        session_.confirmed_count += 1
        item.confirmed_at = item.confirmed_at or requested_at
    if state == EnrolmentState.COMPLETED and item.completed_on is None:
        item.completed_on = session_.ends_at.date()
    db.session.add(item)
    db.session.flush()
    return item


def completion(employee: Employee, course_: Course, on: date | None = None) -> Enrolment:
    """A completed enrolment in a past session of ``course_`` (e.g. a prerequisite)."""
    starts_at = utcnow() - timedelta(days=60)
    past = session(
        course_,
        starts_at=starts_at,
        enrolment_deadline=starts_at - timedelta(days=7),
        cancellation_deadline=starts_at - timedelta(days=3),
    )
    done = enrolment(past, employee, state=EnrolmentState.COMPLETED)
    if on is not None:
        done.completed_on = on
        db.session.flush()
    return done
