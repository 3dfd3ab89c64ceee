"""The building blocks every enrolment service shares: the write transaction, the session
row lock, the seat counter, state transitions (audit log + signal) and the automatic
move-up from the waiting list.

Seats: ``CourseSession.confirmed_count`` counts the enrolments holding a place, i.e. in
the states confirmed, attended, no_show, completed and failed. A seat is taken only with
the conditional ``UPDATE … SET confirmed_count = confirmed_count + 1 WHERE confirmed_count
< capacity`` and freed with ``- 1`` (when a confirmed enrolment is cancelled), so the
capacity holds however many requests arrive at once; the CHECK constraint backs it up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from academy.accounts.models import User
from academy.audit.log import record
from academy.database import begin_write
from academy.extensions import db
from courses.catalogue.models import Course, CourseFormat
from courses.enrolment import notices
from courses.enrolment.invitations import REQUEST, calendar_invitation
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession, SessionMeeting
from courses.signals import enrolment_changed

#: ``transition(..., from_state=NEW)``: the enrolment has just been created.
NEW = "__new__"


def start_write() -> None:
    """Start (or keep) the write transaction: ``academy.database.begin_write``."""
    begin_write()


def lock_session(session: CourseSession) -> CourseSession:
    """Lock the session row (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite already holds the
    write lock) and reload it, so that what follows sees the current seats and state."""
    return db.session.scalars(
        select(CourseSession)
        .where(CourseSession.id == session.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def reload(enrolment: Enrolment) -> Enrolment:
    """Read the enrolment again after the lock (another request may have changed it)."""
    db.session.refresh(enrolment)
    return enrolment


def take_seat(session: CourseSession) -> bool:
    """Take one seat if one is free (seats reserved for a unit are not); False when the
    session is full."""
    new_count = db.session.execute(
        update(CourseSession)
        .where(
            CourseSession.id == session.id,
            CourseSession.confirmed_count + CourseSession.reserved_seats < CourseSession.capacity,
        )
        .values(confirmed_count=CourseSession.confirmed_count + 1)
        .returning(CourseSession.confirmed_count)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if new_count is None:
        return False
    set_committed_value(session, "confirmed_count", new_count)
    return True


def free_seat(session: CourseSession) -> None:
    new_count = db.session.execute(
        update(CourseSession)
        .where(CourseSession.id == session.id, CourseSession.confirmed_count > 0)
        .values(confirmed_count=CourseSession.confirmed_count - 1)
        .returning(CourseSession.confirmed_count)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if new_count is not None:
        set_committed_value(session, "confirmed_count", new_count)


def transition(
    actor: User | None,
    enrolment: Enrolment,
    to_state: EnrolmentState,
    now: datetime,
    *,
    verb: str,
    from_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Set the new state and write the audit entry ``enrolment.<verb>``. ``from_state``
    defaults to the current state; ``NEW`` for an enrolment just created (audited without
    a previous state)."""
    before = enrolment.state if from_state is None else from_state
    if before == NEW:
        before = None
    enrolment.state = to_state.value
    enrolment.updated_at = now
    db.session.flush()
    audit_transition(
        actor, enrolment, before, to_state, now, verb=verb, reason=reason, details=details
    )


def audit_transition(
    actor: User | None,
    enrolment: Enrolment,
    from_state: str | None,
    to_state: EnrolmentState,
    now: datetime,
    *,
    verb: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """The audit entry and the signal of a state change already made."""
    record(
        actor,
        f"enrolment.{verb}",
        "enrolment",
        enrolment.id,
        from_state=from_state,
        to_state=to_state.value,
        reason=reason,
        details=details,
        now=now,
    )
    enrolment_changed.send(
        enrolment, actor=actor, from_state=from_state, to_state=to_state.value, now=now
    )


def confirm(enrolment: Enrolment, now: datetime) -> None:
    enrolment.state = EnrolmentState.CONFIRMED.value
    enrolment.confirmed_at = now
    enrolment.waitlist_rank = None


def put_on_waitlist(enrolment: Enrolment) -> None:
    """Waiting list order is the original request time."""
    enrolment.state = EnrolmentState.WAITLISTED.value
    enrolment.waitlist_rank = enrolment.requested_at.timestamp()


def waiting(session: CourseSession) -> list[Enrolment]:
    """The session's waiting list in order."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(
                Enrolment.session_id == session.id,
                Enrolment.state == EnrolmentState.WAITLISTED.value,
            )
            .order_by(Enrolment.waitlist_rank, Enrolment.id)
        )
    )


def automatic_move_up_allowed(session: CourseSession, now: datetime) -> bool:
    """No automatic move-up after the enrolment deadline or once the session started:
    then HR decides (``promote_from_waitlist``)."""
    return not session.is_cancelled and now < session.enrolment_deadline and now < session.starts_at


def has_clash(employee_id: int, session: CourseSession, *, exclude_id: int | None = None) -> bool:
    """Does the employee hold a confirmed place in another session with a meeting at the
    same time as one of this session's meetings? (Meetings are compared, not the span
    from first to last: a workshop on 3 and 10 March leaves 5 March free.)

    Self-paced courses (e-learning over weeks) are learnt whenever it suits, so they
    neither clash nor are clashed with."""
    if session.course.format == CourseFormat.SELF_PACED.value:
        return False
    mine, theirs = aliased(SessionMeeting), aliased(SessionMeeting)
    other = (
        select(Enrolment.id)
        .join(CourseSession, CourseSession.id == Enrolment.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .join(theirs, theirs.session_id == CourseSession.id)
        .join(
            mine,
            and_(
                mine.session_id == session.id,
                mine.starts_at < theirs.ends_at,
                mine.ends_at > theirs.starts_at,
            ),
        )
    )
    other = other.where(
        Course.format != CourseFormat.SELF_PACED.value,
        Enrolment.employee_id == employee_id,
        Enrolment.state == EnrolmentState.CONFIRMED.value,
        CourseSession.id != session.id,
        CourseSession.cancelled_at.is_(None),
        CourseSession.starts_at < session.ends_at,
        CourseSession.ends_at > session.starts_at,
    )
    if exclude_id is not None:
        other = other.where(Enrolment.id != exclude_id)
    return db.session.scalar(other.limit(1)) is not None


def notify_moved_up(enrolment: Enrolment, now: datetime) -> None:
    """Tell the person and their department head that they now have a place."""
    session = enrolment.session
    params = notices.session_params(session)
    notices.send_to_employee(
        enrolment.employee_id,
        notices.MOVED_UP,
        params,
        now,
        notices.learning_link(),
        [calendar_invitation(session, enrolment.employee_id, REQUEST, now)],
    )
    employee = enrolment.employee
    head = notices.head_account(employee.id, employee.department)
    notices.send(
        head,
        notices.MOVED_UP_HEAD,
        {**params, "employee": employee.full_name},
        now,
        notices.approvals_link(),
    )


def fill_free_seats(actor: User | None, session: CourseSession, now: datetime) -> list[Enrolment]:
    """Move waiting people up, first come first served, while seats are free (call with
    the session locked). Nothing happens after the enrolment deadline or once the session
    has started. Someone who meanwhile holds a confirmed place at the same time is passed
    over (and keeps their place on the list)."""
    if not automatic_move_up_allowed(session, now) or session.seats_left <= 0:
        return []
    moved: list[Enrolment] = []
    for enrolment in waiting(session):
        if session.seats_left <= 0:
            break
        if has_clash(enrolment.employee_id, session):
            continue
        if not take_seat(session):
            break
        confirm(enrolment, now)
        transition(
            actor,
            enrolment,
            EnrolmentState.CONFIRMED,
            now,
            verb="moved_up",
            from_state=EnrolmentState.WAITLISTED.value,
            details={"automatic": True},
        )
        notify_moved_up(enrolment, now)
        moved.append(enrolment)
    return moved
