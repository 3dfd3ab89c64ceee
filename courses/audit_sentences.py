"""Sentences of the courses package's audit actions and the names of its objects
(registered in ``courses.init_app``)."""

from __future__ import annotations

from sqlalchemy import literal, select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    named_rows,
    register_audit_object,
    register_audit_sentences,
)
from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.catalogue.models import Category, Course
from courses.enrolment.models import Enrolment
from courses.sessions.models import CourseSession

SENTENCES = {
    "course.created": N_("%(actor)s created the course “%(object)s”."),
    "course.updated": N_("%(actor)s changed the course “%(object)s”."),
    "course.archived": N_("%(actor)s archived the course “%(object)s”."),
    "course.unarchived": N_("%(actor)s restored the course “%(object)s” from the archive."),
    "course.deleted": N_("%(actor)s deleted the course “%(object)s”."),
    "category.created": N_("%(actor)s created the course category “%(object)s”."),
    "category.updated": N_("%(actor)s changed the course category “%(object)s”."),
    "session.created": N_("%(actor)s scheduled a session of “%(course)s” on %(date)s."),
    "session.updated": N_("%(actor)s changed the session of “%(course)s” on %(date)s."),
    "session.cancelled": N_("%(actor)s cancelled the session of “%(course)s” on %(date)s."),
    "session.capacity_changed": N_(
        "%(actor)s changed the capacity of the session of “%(course)s” on %(date)s."
    ),
    "session.below_minimum": N_(
        "The session of “%(course)s” on %(date)s has fewer participants than its minimum."
    ),
    "calendar_feed.created": N_("%(actor)s created a calendar feed."),
    "calendar_feed.revoked": N_("%(actor)s revoked a calendar feed."),
    "enrolment.requested": N_(
        "%(actor)s requested the enrolment of %(person)s in “%(course)s” on %(date)s."
    ),
    "enrolment.approved": N_(
        "%(actor)s confirmed the enrolment of %(person)s in “%(course)s” on %(date)s."
    ),
    "enrolment.declined": N_(
        "%(actor)s declined the enrolment of %(person)s in “%(course)s” on %(date)s."
    ),
    "enrolment.cancelled": N_(
        "%(actor)s cancelled the enrolment of %(person)s in “%(course)s” on %(date)s."
    ),
    "enrolment.expired": N_(
        "The enrolment request of %(person)s for “%(course)s” on %(date)s expired unanswered."
    ),
    "enrolment.reranked": N_(
        "%(actor)s changed the waiting list position of %(person)s for “%(course)s” on %(date)s."
    ),
    "enrolment.promoted": N_(
        "%(actor)s moved %(person)s up from the waiting list of “%(course)s” on %(date)s."
    ),
    "enrolment.moved_up": N_(
        "%(person)s moved up from the waiting list of “%(course)s” on %(date)s."
    ),
    "enrolment.attended": N_(
        "%(actor)s recorded that %(person)s attended “%(course)s” on %(date)s."
    ),
    "enrolment.no_show": N_(
        "%(actor)s recorded that %(person)s did not attend “%(course)s” on %(date)s."
    ),
    "enrolment.completed": N_(
        "%(actor)s recorded that %(person)s completed “%(course)s” on %(date)s."
    ),
    "enrolment.failed": N_(
        "%(actor)s recorded that %(person)s did not pass “%(course)s” on %(date)s."
    ),
}


def _day(value: object) -> str:
    return to_berlin(value).strftime("%d.%m.%Y") if value is not None else "–"  # type: ignore[arg-type]


def courses(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Course.id, Course.title.label("name")).where(Course.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def categories(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Category.id, Category.name.label("name")).where(Category.id.in_(int_ids(ids)))
    )
    return named_rows(rows)


def sessions(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(CourseSession.id, Course.title, CourseSession.starts_at)
        .join(Course, Course.id == CourseSession.course_id)
        .where(CourseSession.id.in_(int_ids(ids)))
    )
    return {
        str(sid): {"name": f"{title} ({_day(at)})", "course": title, "date": _day(at)}
        for sid, title, at in rows
    }


def enrolments(ids: list[str]) -> Resolved:
    person = Employee.first_name + literal(" ") + Employee.last_name
    rows = db.session.execute(
        select(Enrolment.id, person, Course.title, CourseSession.starts_at)
        .join(Employee, Employee.id == Enrolment.employee_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .where(Enrolment.id.in_(int_ids(ids)))
    )
    return {
        str(eid): {"name": f"{name}: {title}", "person": name, "course": title, "date": _day(at)}
        for eid, name, title, at in rows
    }


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("course", courses, detail_keys=["course_id"])
    register_audit_object("course_category", categories, detail_keys=["category_id"])
    register_audit_object("course_session", sessions, detail_keys=["session_id"])
    register_audit_object("enrolment", enrolments, detail_keys=["enrolment_id"])
