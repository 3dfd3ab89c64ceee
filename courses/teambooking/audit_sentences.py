"""Sentences of team bookings' audit actions and the names of their objects."""

from __future__ import annotations

from sqlalchemy import literal, select

from academy.audit.sentences import (
    Resolved,
    int_ids,
    register_audit_object,
    register_audit_sentences,
)
from academy.clock import to_berlin
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.sessions.models import CourseSession
from courses.teambooking.models import Proposal, Reservation

SENTENCES = {
    "enrolment.booked": N_(
        "%(actor)s enrolled %(person)s, a member of their team, in “%(course)s” on %(date)s."
    ),
    "enrolment.booked_reserved": N_(
        "%(actor)s gave %(person)s a seat reserved for the unit in “%(course)s” on %(date)s."
    ),
    "enrolment.booked_on_proposal": N_(
        "%(person)s accepted the suggestion of their head and is enrolled in “%(course)s” "
        "on %(date)s."
    ),
    "reservation.created": N_(
        "%(actor)s reserved %(seats)s seats for %(unit)s in “%(course)s” on %(date)s."
    ),
    "reservation.released": N_(
        "%(actor)s released the seats reserved for %(unit)s in “%(course)s” on %(date)s "
        "(%(returned)s back on sale)."
    ),
    "proposal.created": N_("%(actor)s suggested “%(course)s” on %(date)s to %(person)s."),
    "proposal.accepted": N_("%(actor)s accepted the suggestion “%(course)s” on %(date)s."),
    "proposal.declined": N_("%(actor)s declined the suggestion “%(course)s” on %(date)s."),
    "proposal.withdrawn": N_(
        "%(actor)s withdrew the suggestion “%(course)s” on %(date)s to %(person)s."
    ),
    "proposal.expired": N_(
        "The suggestion “%(course)s” on %(date)s to %(person)s expired unanswered."
    ),
}


def _day(value: object) -> str:
    return to_berlin(value).strftime("%d.%m.%Y") if value is not None else "–"  # type: ignore[arg-type]


def reservations(ids: list[str]) -> Resolved:
    rows = db.session.execute(
        select(Reservation.id, Department.name, Course.title, CourseSession.starts_at)
        .join(Department, Department.id == Reservation.department_id)
        .join(CourseSession, CourseSession.id == Reservation.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(Reservation.id.in_(int_ids(ids)))
    )
    return {
        str(rid): {
            "name": f"{unit}: {title} ({_day(at)})",
            "unit": unit,
            "course": title,
            "date": _day(at),
        }
        for rid, unit, title, at in rows
    }


def proposals(ids: list[str]) -> Resolved:
    person = Employee.first_name + literal(" ") + Employee.last_name
    rows = db.session.execute(
        select(Proposal.id, person, Course.title, CourseSession.starts_at)
        .join(Employee, Employee.id == Proposal.employee_id)
        .join(CourseSession, CourseSession.id == Proposal.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .where(Proposal.id.in_(int_ids(ids)))
    )
    return {
        str(pid): {"name": f"{name}: {title}", "person": name, "course": title, "date": _day(at)}
        for pid, name, title, at in rows
    }


def register() -> None:
    register_audit_sentences(SENTENCES)
    register_audit_object("seat_reservation", reservations, detail_keys=["reservation_id"])
    register_audit_object("enrolment_proposal", proposals, detail_keys=["proposal_id"])
