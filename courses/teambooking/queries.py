"""Read-side queries of team bookings: sessions a head can book, the members of their
team (with what they already have for a course), reservations and proposals. A fixed
number of statements each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from academy.auth.scope import Scope, subtree_statement
from academy.extensions import db
from academy.org.models import Department, Employee
from courses.catalogue.models import Course
from courses.enrolment.models import ACTIVE_STATES, Enrolment
from courses.sessions.models import CourseSession
from courses.teambooking.models import Proposal, ProposalState, Reservation, ReservedPlace


def bookable_sessions(now: datetime, text: str | None) -> Select[Any]:
    """Upcoming sessions open for enrolment, soonest first (optionally by course title
    or code)."""
    query = (
        select(CourseSession)
        .join(Course, Course.id == CourseSession.course_id)
        .options(joinedload(CourseSession.course))
        .where(
            CourseSession.cancelled_at.is_(None),
            CourseSession.enrolment_deadline > now,
            Course.archived.is_(False),
        )
        .order_by(CourseSession.starts_at, CourseSession.id)
    )
    text = (text or "").strip().lower()
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(func.lower(Course.title).like(pattern), func.lower(Course.code).like(pattern))
        )
    return query


def members(
    scope: Scope, *, exclude: int | None, text: str | None, unit: Department | None
) -> Select[Any]:
    """Active members of the head's subtree (optionally of one unit and by name), by name."""
    query = (
        select(Employee)
        .options(joinedload(Employee.department))
        .where(Employee.active.is_(True), scope.where(Employee.department_id))
        .order_by(func.lower(Employee.last_name), func.lower(Employee.first_name), Employee.id)
    )
    if exclude is not None:
        query = query.where(Employee.id != exclude)
    if unit is not None:
        query = query.where(Employee.department_id.in_(subtree_statement(unit.path)))
    text = (text or "").strip().lower()
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(
                func.lower(Employee.last_name + ", " + Employee.first_name).like(pattern),
                func.lower(Employee.first_name + " " + Employee.last_name).like(pattern),
                func.lower(Employee.personnel_no).like(pattern),
            )
        )
    return query


def course_states(course_id: int, employee_ids: Iterable[int]) -> dict[int, Enrolment]:
    """The active enrolment in the course of each of these people (one statement)."""
    ids = sorted(set(employee_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Enrolment)
        .options(joinedload(Enrolment.session))
        .where(
            Enrolment.course_id == course_id,
            Enrolment.employee_id.in_(ids),
            Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
        )
    )
    return {e.employee_id: e for e in rows}


def open_proposals_for(session_id: int, employee_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(employee_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Proposal.employee_id).where(
                Proposal.session_id == session_id,
                Proposal.employee_id.in_(ids),
                Proposal.state == ProposalState.OPEN.value,
            )
        )
    )


def reservations_in(scope: Scope | None, *, open_only: bool = True) -> Select[Any]:
    """Reservations (of units in ``scope``; None: all), the next session first."""
    query = (
        select(Reservation)
        .join(CourseSession, CourseSession.id == Reservation.session_id)
        .options(
            joinedload(Reservation.session).joinedload(CourseSession.course),
            joinedload(Reservation.department),
            joinedload(Reservation.created_by),
        )
        .order_by(CourseSession.starts_at, Reservation.id)
    )
    if open_only:
        query = query.where(Reservation.released_at.is_(None))
    if scope is not None:
        query = query.where(scope.where(Reservation.department_id))
    return query


def places_of(reservation: Reservation) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(ReservedPlace, ReservedPlace.enrolment_id == Enrolment.id)
            .options(joinedload(Enrolment.employee))
            .where(ReservedPlace.reservation_id == reservation.id)
            .order_by(Enrolment.id)
        )
    )


def proposals_by(scope: Scope, proposer_id: int) -> Select[Any]:
    """Suggestions to the team (made by this head or to people in their subtree), the
    newest first."""
    return (
        select(Proposal)
        .join(Employee, Employee.id == Proposal.employee_id)
        .options(
            joinedload(Proposal.session).joinedload(CourseSession.course),
            joinedload(Proposal.employee),
        )
        .where(or_(Proposal.proposed_by_id == proposer_id, scope.where(Employee.department_id)))
        .order_by(Proposal.proposed_at.desc(), Proposal.id.desc())
    )


def my_open_proposals(employee_id: int, now: datetime) -> list[Proposal]:
    """The person's suggestions still open (session before its enrolment deadline)."""
    return list(
        db.session.scalars(_open_proposals_statement(), {"employee_id": employee_id, "now": now})
    )


@cache
def _open_proposals_statement() -> Select[tuple[Proposal]]:
    """Built once (asked for on every "My learning" and start page of an employee)."""
    return (
        select(Proposal)
        .join(CourseSession, CourseSession.id == Proposal.session_id)
        .options(
            joinedload(Proposal.session).joinedload(CourseSession.course),
            joinedload(Proposal.proposed_by),
        )
        .where(
            Proposal.employee_id == bindparam("employee_id"),
            Proposal.state == ProposalState.OPEN.value,
            CourseSession.enrolment_deadline > bindparam("now"),
            CourseSession.cancelled_at.is_(None),
        )
        .order_by(CourseSession.starts_at, Proposal.id)
    )
