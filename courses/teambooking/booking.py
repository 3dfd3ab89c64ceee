"""A head enrols members of their subtree directly: the booking counts as the head's
approval, so the member gets a seat if one is free, else a waiting-list place (in
request order), and is told. The usual rules hold (prerequisites, deadline, clashes, one
active enrolment per course — a head cannot override them) and the member may cancel
under the usual rules. Seats a reservation holds for the unit are given with
``from_reservation``; a member who accepts a head's proposal is placed the same way.

The services use the enrolment lifecycle's building blocks (write transaction, session
lock, seat counter, transition with audit entry and signal), so everything that listens
to enrolment changes (budgets, calendars) sees these enrolments like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from academy.accounts.models import User
from academy.auth.policy import can
from academy.errors import Conflict, DomainError, PermissionDenied
from academy.extensions import db
from academy.i18n import N_
from academy.org.models import Employee
from courses.enrolment import eligibility, notices
from courses.enrolment.invitations import REQUEST, calendar_invitation
from courses.enrolment.lifecycle import (
    NEW,
    confirm,
    lock_session,
    put_on_waitlist,
    start_write,
    take_seat,
    transition,
)
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.enrolment.queries import waitlist_position
from courses.sessions.models import CourseSession
from courses.teambooking import notices as team_notices
from courses.teambooking.models import Reservation, ReservedPlace

CLASH = N_("You already have a confirmed session at that time.")
THEIR_CLASH = N_("%(name)s already has a confirmed session at that time.")


@dataclass(frozen=True)
class Outcome:
    """What happened to one member: an enrolment, or why not."""

    employee: Employee
    enrolment: Enrolment | None = None
    error: DomainError | None = None

    @property
    def confirmed(self) -> bool:
        return self.enrolment is not None and self.enrolment.state == EnrolmentState.CONFIRMED


def _check(employee: Employee, session: CourseSession, now: datetime) -> None:
    for blocker in eligibility.check(employee, session, now):
        if blocker.message == CLASH:
            raise Conflict(THEIR_CLASH, name=employee.full_name)
        raise blocker.error()


def _take_reserved(reservation: Reservation, session: CourseSession) -> bool:
    """Move one of the reservation's held seats to a confirmed place."""
    filled = db.session.execute(
        update(Reservation)
        .where(
            Reservation.id == reservation.id,
            Reservation.released_at.is_(None),
            Reservation.filled < Reservation.seats,
        )
        .values(filled=Reservation.filled + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not filled:
        return False
    row = db.session.execute(
        update(CourseSession)
        .where(CourseSession.id == session.id, CourseSession.reserved_seats > 0)
        .values(
            reserved_seats=CourseSession.reserved_seats - 1,
            confirmed_count=CourseSession.confirmed_count + 1,
        )
        .returning(CourseSession.reserved_seats, CourseSession.confirmed_count)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        raise Conflict(N_("The reserved seats of this session are out of step; please ask HR."))
    set_committed_value(session, "reserved_seats", row[0])
    set_committed_value(session, "confirmed_count", row[1])
    db.session.refresh(reservation, ["filled"])
    return True


def place(
    actor: User,
    employee: Employee,
    session: CourseSession,
    now: datetime,
    *,
    approved_by: User,
    verb: str,
    reservation: Reservation | None = None,
    details: dict[str, Any] | None = None,
) -> Enrolment:
    """Enrol ``employee`` as approved by ``approved_by`` (call with the session locked,
    inside a savepoint): a reserved seat, a free seat, or the waiting list."""
    _check(employee, session, now)
    enrolment = Enrolment(
        session_id=session.id,
        course_id=session.course_id,
        employee_id=employee.id,
        state=EnrolmentState.WAITLISTED.value,
        requested_at=now,
        requested_by_id=actor.id,
        decided_at=now,
        decided_by_id=approved_by.id,
        updated_at=now,
    )
    db.session.add(enrolment)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(N_("There is already an active enrolment for this course.")) from exc
    if reservation is not None:
        if not _take_reserved(reservation, session):
            raise Conflict(N_("All seats of this reservation have been given."))
        confirm(enrolment, now)
        db.session.add(ReservedPlace(enrolment_id=enrolment.id, reservation_id=reservation.id))
    elif take_seat(session):
        confirm(enrolment, now)
    else:
        put_on_waitlist(enrolment)
    db.session.flush()
    info = {"session_id": session.id, **(details or {})}
    transition(
        actor,
        enrolment,
        EnrolmentState(enrolment.state),
        now,
        verb=verb,
        from_state=NEW,
        details=info,
    )
    _tell(enrolment, session, approved_by, now)
    return enrolment


def _tell(enrolment: Enrolment, session: CourseSession, head: User, now: datetime) -> None:
    params = {**notices.session_params(session), "head": head.display_name}
    link = notices.learning_link()
    if enrolment.state == EnrolmentState.CONFIRMED:
        invitation = calendar_invitation(session, enrolment.employee_id, REQUEST, now)
        notices.send_to_employee(
            enrolment.employee_id, team_notices.BOOKED, params, now, link, [invitation]
        )
    else:
        params["position"] = waitlist_position(enrolment)
        notices.send_to_employee(
            enrolment.employee_id, team_notices.BOOKED_WAITLISTED, params, now, link
        )


def _in_savepoint(work: Any, employee: Employee) -> Outcome:
    try:
        with db.session.begin_nested():
            return Outcome(employee, enrolment=work())
    except DomainError as error:
        return Outcome(employee, error=error)


def book_members(
    actor: User,
    session: CourseSession,
    members: Iterable[Employee],
    now: datetime,
    *,
    reservation: Reservation | None = None,
) -> list[Outcome]:
    """Enrol each member (each on its own: one who cannot be enrolled is reported and
    the others go ahead). ``reservation``: from the seats it holds for the unit."""
    start_write()
    members = list(members)
    for member in members:
        if not can(actor, "teambooking.book", member):
            raise PermissionDenied(N_("You can only book members of your own team."))
        if reservation is not None and not _in_unit(member, reservation):
            raise PermissionDenied(
                N_("This person does not belong to the unit of the reservation.")
            )
    session = lock_session(session)
    if reservation is not None:
        db.session.refresh(reservation)
        if reservation.released_at is not None or now >= reservation.release_at:
            raise Conflict(N_("This reservation has been released."))
    details = {"reservation_id": reservation.id} if reservation is not None else {}
    return [
        _in_savepoint(
            lambda m=member: place(
                actor,
                m,
                session,
                now,
                approved_by=actor,
                verb="booked_reserved" if reservation is not None else "booked",
                reservation=reservation,
                details=details,
            ),
            member,
        )
        for member in sorted(members, key=lambda e: (e.last_name, e.first_name, e.id))
    ]


def _in_unit(member: Employee, reservation: Reservation) -> bool:
    return member.department.path.startswith(reservation.department.path)
