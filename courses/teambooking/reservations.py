"""Seats a head reserves on a session for their unit: held out of general sale (the
session's ``reserved_seats``) until the release date, given to members of the unit
(``courses.teambooking.booking``), released early by the head or HR, or at the release
date by the tick — then the seats nobody took are on sale again and go to the waiting
list at once. Every change is claimed with a conditional UPDATE, so capacity holds and
two hosts never release the same reservation twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from academy.accounts.models import User
from academy.audit.log import record
from academy.auth.policy import can
from academy.errors import Conflict, PermissionDenied, ValidationFailed
from academy.extensions import db
from academy.i18n import N_
from academy.org.heads import account_of
from academy.org.models import Department
from courses.enrolment import notices
from courses.enrolment.lifecycle import fill_free_seats, lock_session, start_write
from courses.sessions.models import CourseSession
from courses.teambooking import notices as team_notices
from courses.teambooking.models import Reservation

NOTE_MAX = 1000
REASON_MAX = 2000


def default_release(session: CourseSession) -> datetime:
    """``RESERVATION_RELEASE_DAYS`` before the enrolment deadline (not before now)."""
    days = int(current_app.config.get("RESERVATION_RELEASE_DAYS", 3))
    return session.enrolment_deadline - timedelta(days=max(days, 0))


def reserve(
    actor: User,
    session: CourseSession,
    department: Department,
    seats: int,
    now: datetime,
    *,
    release_at: datetime | None = None,
    note: str | None = None,
) -> Reservation:
    """Hold ``seats`` seats of ``session`` for ``department`` (a unit of the head's
    subtree) until ``release_at`` (default: a few days before the enrolment deadline)."""
    start_write()
    if not can(actor, "teambooking.book", department):
        raise PermissionDenied(N_("You can only reserve seats for a unit you head."))
    session = lock_session(session)
    if session.is_cancelled or now >= session.starts_at:
        raise Conflict(N_("Seats can no longer be reserved for this session."))
    if now >= session.enrolment_deadline:
        raise Conflict(N_("The enrolment deadline has passed."))
    if seats < 1:
        raise ValidationFailed(N_("Please reserve at least one seat."), field="seats")
    release_at = release_at or default_release(session)
    if release_at <= now:
        release_at = session.enrolment_deadline
    if release_at > session.enrolment_deadline:
        raise ValidationFailed(
            N_("The seats must be released by the enrolment deadline at the latest."),
            field="release_at",
        )
    new = db.session.execute(
        update(CourseSession)
        .where(
            CourseSession.id == session.id,
            CourseSession.confirmed_count + CourseSession.reserved_seats + seats
            <= CourseSession.capacity,
        )
        .values(reserved_seats=CourseSession.reserved_seats + seats)
        .returning(CourseSession.reserved_seats)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if new is None:
        raise ValidationFailed(
            N_("Free seats left: only %(n)s."), field="seats", n=session.seats_left
        )
    set_committed_value(session, "reserved_seats", new)
    reservation = Reservation(
        session_id=session.id,
        department_id=department.id,
        seats=seats,
        filled=0,
        release_at=release_at,
        note=(note or "").strip()[:NOTE_MAX] or None,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(reservation)
    db.session.flush()
    record(
        actor,
        "reservation.created",
        "seat_reservation",
        reservation.id,
        to_state="held",
        details={"seats": seats, "session_id": session.id},
        now=now,
    )
    return reservation


def release(
    actor: User | None, reservation: Reservation, now: datetime, *, reason: str | None = None
) -> int:
    """Release the reservation: the seats nobody took are on sale again (and go to the
    waiting list). HR releasing another's reservation gives a reason; ``actor`` None is
    the release date (the tick). Returns the seats handed back."""
    start_write()
    reason = (reason or "").strip()[:REASON_MAX] or None
    if actor is not None:
        if not can(actor, "teambooking.reservation", reservation):
            raise PermissionDenied(N_("You may not release this reservation."))
        if (
            reservation.created_by_id != actor.id
            and not reason
            and can(actor, "reservations.manage")
        ):
            raise ValidationFailed(N_("Please give a reason."), field="reason")
    session = lock_session(reservation.session)
    db.session.refresh(reservation)
    claimed = db.session.execute(
        update(Reservation)
        .where(Reservation.id == reservation.id, Reservation.released_at.is_(None))
        .values(
            released_at=now,
            released_by_id=actor.id if actor is not None else None,
            release_reason=reason,
            returned=Reservation.seats - Reservation.filled,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(N_("This reservation has already been released."))
    db.session.refresh(reservation)
    returned = reservation.returned or 0
    if returned:
        db.session.execute(
            update(CourseSession)
            .where(CourseSession.id == session.id)
            .values(reserved_seats=CourseSession.reserved_seats - returned)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(session, ["reserved_seats"])
        fill_free_seats(actor, session, now)
    record(
        actor,
        "reservation.released",
        "seat_reservation",
        reservation.id,
        from_state="held",
        to_state="released",
        reason=reason,
        details={"returned": returned, "automatic": actor is None},
        now=now,
    )
    if actor is None or actor.id != reservation.created_by_id:
        _tell_head(reservation, session, returned, reason, now)
    return returned


def _tell_head(
    reservation: Reservation,
    session: CourseSession,
    returned: int,
    reason: str | None,
    now: datetime,
) -> None:
    head = db.session.get(User, reservation.created_by_id) if reservation.created_by_id else None
    if head is None and reservation.department.head is not None:
        head = account_of(reservation.department.head)
    params = {
        **notices.session_params(session),
        "seats": reservation.seats,
        "returned": returned,
        "unit": reservation.department.name,
        "reason": notices.reason_text(reason),
    }
    link = notices.site_path(
        ("courses.teambooking_reservation", {"reservation_id": reservation.id})
    )
    notices.send(head, team_notices.RESERVATION_RELEASED, params, now, link)


def release_due(now: datetime) -> str:
    """Tick step: release every reservation whose release date has come (or whose
    session was cancelled), each claimed by a conditional UPDATE."""
    due = db.session.scalars(
        select(Reservation)
        .join(CourseSession, CourseSession.id == Reservation.session_id)
        .options(joinedload(Reservation.session).joinedload(CourseSession.course))
        .where(Reservation.released_at.is_(None), Reservation.release_at <= now)
        .order_by(Reservation.session_id, Reservation.id)
    ).all()
    released = returned = 0
    for reservation in due:
        try:
            returned += release(None, reservation, now, reason="Freigabedatum erreicht")
            released += 1
        except Conflict:
            db.session.rollback()
            continue
        db.session.commit()
    db.session.commit()
    return f"{released} Kontingent(e) freigegeben, {returned} Platz/Plätze wieder frei."
