"""The catalogue as the API shows it: courses with their outcomes and prerequisites, and
sessions (no people: neither participants nor the trainer; an online link only says
that there is one). A fixed number of statements per page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from academy.clock import berlin_to_utc
from academy.frameworks.models import Competence
from academy.web.urls import public_url
from courses.catalogue.models import Course, CourseOutcome
from courses.sessions.models import CourseSession
from courses.sessions.phase import SessionPhase, session_phase

COURSE_OPTIONS = (
    joinedload(Course.category),
    selectinload(Course.prerequisites),
    selectinload(Course.outcomes)
    .joinedload(CourseOutcome.competence)
    .joinedload(Competence.framework),
)
SESSION_OPTIONS = (joinedload(CourseSession.course),)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def courses_statement(args: dict[str, Any]) -> Select[tuple[Course]]:
    statement = select(Course).order_by(Course.code, Course.id)
    if not args.get("include_archived"):
        statement = statement.where(Course.archived.is_(False))
    if args.get("category_id") is not None:
        statement = statement.where(Course.category_id == args["category_id"])
    if args.get("q"):
        pattern = _like(args["q"].strip())
        statement = statement.where(
            or_(
                func.lower(Course.title).like(pattern, escape="\\"),
                func.lower(Course.code).like(pattern, escape="\\"),
            )
        )
    return statement


def course_item(course: Course) -> dict[str, Any]:
    outcomes = sorted(course.outcomes, key=lambda o: (o.competence.code, o.competence_id))
    return {
        "id": course.id,
        "code": course.code,
        "title": course.title,
        "description": course.description or "",
        "category": {"id": course.category.id, "name": course.category.name},
        "format": course.format,
        "level": course.level,
        "duration_ue": course.duration_ue,
        "provider": course.provider,
        "provider_name": course.provider_name,
        "cost": course.cost,
        "requires_approval": course.requires_approval,
        "validity_months": course.validity_months,
        "archived": course.archived,
        "prerequisites": sorted(p.code for p in course.prerequisites),
        "outcomes": [
            {
                "competence_id": o.competence_id,
                "competence_code": o.competence.code,
                "competence_name": o.competence.name_de,
                "framework": o.competence.framework.code,
                "level": o.level,
            }
            for o in outcomes
        ],
        "url": public_url("courses.course", course_id=course.id),
        "updated_at": course.updated_at,
    }


def day_start(day: date) -> datetime:
    """Midnight of a Berlin day, in UTC."""
    return berlin_to_utc(datetime.combine(day, time()))


def sessions_statement(args: dict[str, Any], today: date) -> Select[tuple[CourseSession]]:
    start = args.get("from_") or today
    statement = (
        select(CourseSession)
        .where(CourseSession.starts_at >= day_start(start))
        .order_by(CourseSession.starts_at, CourseSession.id)
    )
    if args.get("to") is not None:
        statement = statement.where(CourseSession.starts_at < day_start(args["to"] + timedelta(1)))
    if args.get("course_id") is not None:
        statement = statement.where(CourseSession.course_id == args["course_id"])
    if not args.get("include_cancelled"):
        statement = statement.where(CourseSession.cancelled_at.is_(None))
    return statement


def session_item(session: CourseSession, now: datetime) -> dict[str, Any]:
    phase = session_phase(session, now)
    course = session.course
    return {
        "id": session.id,
        "course": {"id": course.id, "code": course.code, "title": course.title},
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "location": session.location,
        "online": bool(session.online_url),
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "min_participants": session.min_participants,
        "enrolment_deadline": session.enrolment_deadline,
        "cancellation_deadline": session.cancellation_deadline,
        "phase": phase.value,
        "enrolment_open": phase == SessionPhase.SCHEDULED and session.enrolment_deadline > now,
        "url": public_url("courses.course", course_id=course.id),
    }
