"""Writing the demo's plan: categories, courses, outcomes, prerequisites, sessions,
enrolments and notifications with a handful of bulk INSERTs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from academy.demo.steps import bulk_insert
from academy.extensions import db
from academy.frameworks.models import Competence, Framework
from academy.frameworks.registry import DIGCOMP_CODE, FACHKOMPETENZEN_CODE, load_default_frameworks
from academy.notifications.models import Notification
from courses.catalogue.models import (
    Category,
    Course,
    CourseOutcome,
    CoursePrerequisite,
)
from courses.demo.catalogue import (
    CATEGORIES,
    COURSES,
)
from courses.demo.schedule import (
    SEATED,
    CoursePlan,
)
from courses.enrolment import notices
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession


def competence_ids(now: datetime) -> dict[str, int]:
    """Competence ids by code ("F01", "1.1") of the two default frameworks; loads them
    (idempotent, as ``flask academy init`` does) when they are missing."""

    def read() -> dict[str, int]:
        rows = db.session.execute(
            select(Framework.code, Competence.code, Competence.id)
            .join(Framework, Framework.id == Competence.framework_id)
            .where(Framework.code.in_([DIGCOMP_CODE, FACHKOMPETENZEN_CODE]))
        )
        return {code: id_ for _, code, id_ in rows}

    found = read()
    wanted = {code for course in COURSES for code, _ in course.outcomes}
    if not wanted <= set(found):
        load_default_frameworks(None, now)
        db.session.flush()
        found = read()
    return found


def write_plan(plan: CoursePlan, now: datetime, competences: dict[str, int]) -> dict[str, int]:
    created = now - timedelta(days=400)
    categories = {
        spec.key: Category(name=spec.name, description=spec.description, position=i)
        for i, spec in enumerate(CATEGORIES, 1)
    }
    db.session.add_all(categories.values())
    courses = {
        spec.code: Course(
            code=spec.code,
            title=spec.title,
            description=spec.description,
            category=categories[spec.category],
            format=spec.format.value,
            duration_ue=spec.ue,
            level=spec.level.value,
            provider=spec.provider.value,
            provider_name=spec.provider_name,
            cost=Decimal(spec.cost),
            requires_approval=spec.approval,
            validity_months=spec.validity,
            archived=spec.archived,
            created_at=created,
            updated_at=created,
        )
        for spec in plan.courses
    }
    db.session.add_all(courses.values())
    db.session.flush()
    course_id = {code: c.id for code, c in courses.items()}
    bulk_insert(
        CourseOutcome,
        (
            {"course_id": course_id[spec.code], "competence_id": competences[code], "level": lv}
            for spec in plan.courses
            for code, lv in spec.outcomes
            if code in competences
        ),
    )
    bulk_insert(
        CoursePrerequisite,
        (
            {"course_id": course_id[spec.code], "required_course_id": course_id[required]}
            for spec in plan.courses
            for required in spec.prerequisites
        ),
    )

    seated = [0] * len(plan.sessions)
    for item in plan.enrolments:
        if EnrolmentState(item["state"]) in SEATED:
            seated[item["session"]] += 1
    session_rows = []
    for s in plan.sessions:
        flagged = None
        if (
            s.cancelled_at is None
            and s.enrolment_deadline < now < s.starts_at
            and seated[s.index] < s.min_participants
        ):
            flagged = s.enrolment_deadline
        reminder = s.starts_at - timedelta(days=2)
        session_rows.append(
            {
                "course_id": course_id[s.course.code],
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "location": s.location,
                "online_url": s.online_url,
                "trainer_id": plan.trainer_user if s.trainer else None,
                "capacity": s.capacity,
                "min_participants": s.min_participants,
                "enrolment_deadline": s.enrolment_deadline,
                "cancellation_deadline": s.cancellation_deadline,
                "confirmed_count": seated[s.index],
                "cancelled_at": s.cancelled_at,
                "cancel_reason": s.cancel_reason,
                "below_minimum_flagged_at": flagged,
                "reminder_sent_at": reminder if s.cancelled_at is None and reminder < now else None,
                "created_at": min(s.starts_at - timedelta(days=77), now - timedelta(days=28)),
            }
        )
    # Core INSERTs (tables, not models): the ORM would split rows whose None columns
    # differ into separate statements, thousands of them. No RETURNING either: psycopg
    # takes longer to prepare a multi-row INSERT with thousands of named parameters than
    # to send the rows one by one. A session is known by its course and start instead.
    bulk_insert(CourseSession.__table__, session_rows)
    by_start = {
        (course, starts_at): id_
        for id_, course, starts_at in db.session.execute(
            select(CourseSession.id, CourseSession.course_id, CourseSession.starts_at)
        )
    }
    session_ids = [by_start[course_id[s.course.code], s.starts_at] for s in plan.sessions]

    def enrolment_rows() -> Iterable[dict[str, Any]]:
        for item in plan.enrolments:
            row = dict(item)
            index = row.pop("session")
            row["session_id"] = session_ids[index]
            row["course_id"] = course_id[plan.sessions[index].course.code]
            yield row

    enrolments = bulk_insert(Enrolment.__table__, enrolment_rows())

    notes = [
        {
            "user_id": n["user_id"],
            "employee_id": n["employee_id"],
            "kind": n["kind"],
            "subject": n["subject"],
            "body": n["body"],
            "created_at": n["created_at"],
            "read_at": None,
            "link": notices.learning_link() if n["course"] else notices.approvals_link(),
        }
        for n in plan.notifications
    ]
    bulk_insert(Notification.__table__, notes)
    return {
        "courses": len(courses),
        "sessions": len(session_ids),
        "enrolments": enrolments,
        "notifications": len(notes),
    }
