"""The ``teambooking`` step of ``flask academy demo``: the demo head has reserved three
seats in an upcoming session for his office and given one of them to a member of his
team; he has suggested a session to the demo employee (open, on her start page) and
another to a colleague, who declined. The rules hold as the services keep them: the
session's seat counters match, nobody gets a second active enrolment in a course or a
confirmed place at the same time as another."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update

from academy.demo.steps import DemoContext, register_demo_step
from academy.extensions import db
from courses.catalogue.models import Course
from courses.demo.people import people_from_context
from courses.enrolment.models import ACTIVE_STATES, Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from courses.teambooking.models import Proposal, ProposalState, Reservation, ReservedPlace

STEP_NAME = "teambooking"
STEP_ORDER = 27
RESERVED = 3


def _open_sessions(now: datetime, skip: set[int]) -> list[CourseSession]:
    """Upcoming sessions with room for the reservation, the soonest first."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .join(Course, Course.id == CourseSession.course_id)
            .where(
                CourseSession.cancelled_at.is_(None),
                CourseSession.enrolment_deadline > now + timedelta(days=10),
                CourseSession.confirmed_count + CourseSession.reserved_seats + RESERVED + 2
                <= CourseSession.capacity,
                Course.archived.is_(False),
                CourseSession.course_id.not_in(skip) if skip else and_(True),
            )
            .order_by(CourseSession.starts_at, CourseSession.id)
            .limit(20)
        )
    )


def _free(employee_id: int, session: CourseSession) -> bool:
    """No active enrolment in the course and no enrolment at an overlapping time."""
    busy = exists().where(
        Enrolment.employee_id == employee_id,
        Enrolment.state.in_([s.value for s in ACTIVE_STATES]),
        Enrolment.course_id == session.course_id,
    )
    overlap = (
        exists()
        .where(
            Enrolment.employee_id == employee_id,
            Enrolment.state.in_([EnrolmentState.CONFIRMED.value, EnrolmentState.WAITLISTED.value]),
            Enrolment.session_id == CourseSession.id,
        )
        .where(CourseSession.starts_at < session.ends_at, CourseSession.ends_at > session.starts_at)
    )
    return not db.session.scalar(select(busy)) and not db.session.scalar(select(overlap))


def _fill(
    reservation: Reservation, session: CourseSession, member: int, ctx: DemoContext, head: int
) -> None:
    at = ctx.now - timedelta(days=2)
    enrolment = Enrolment(
        session_id=session.id,
        course_id=session.course_id,
        employee_id=member,
        state=EnrolmentState.CONFIRMED.value,
        requested_at=at,
        requested_by_id=head,
        decided_at=at,
        decided_by_id=head,
        confirmed_at=at,
        updated_at=at,
    )
    db.session.add(enrolment)
    db.session.flush()
    db.session.add(ReservedPlace(enrolment_id=enrolment.id, reservation_id=reservation.id))
    reservation.filled = 1
    db.session.execute(
        update(CourseSession)
        .where(CourseSession.id == session.id)
        .values(
            reserved_seats=CourseSession.reserved_seats - 1,
            confirmed_count=CourseSession.confirmed_count + 1,
        )
    )


def teambooking_demo_step(ctx: DemoContext) -> str | None:
    people = people_from_context(ctx)
    head, employee = people.head_user, people.employee
    department = ctx.department_ids.get("12")
    if head is None or department is None or not people.team_ids:
        return None
    sessions = _open_sessions(ctx.now, set())
    if not sessions:
        return None
    session = sessions[0]
    db.session.execute(
        update(CourseSession)
        .where(CourseSession.id == session.id)
        .values(reserved_seats=CourseSession.reserved_seats + RESERVED)
    )
    reservation = Reservation(
        session_id=session.id,
        department_id=department,
        seats=RESERVED,
        filled=0,
        release_at=session.enrolment_deadline - timedelta(days=3),
        note="Für die neuen Kolleginnen und Kollegen im Amt.",
        created_at=ctx.now - timedelta(days=3),
        created_by_id=head,
    )
    db.session.add(reservation)
    db.session.flush()
    team = [m for m in people.team_ids if m != employee]
    members = ctx.rng.sample(team, min(len(team), 20))
    member = next((m for m in members if _free(m, session)), None)
    if member is not None:
        _fill(reservation, session, member, ctx, head)
    proposals = _proposals(ctx, people, members, session.course_id, head)
    db.session.flush()
    given = reservation.filled
    return f"Kontingente: 1 ({RESERVED} Plätze, {given} vergeben); Vorschläge: {proposals}"


def _proposals(ctx: DemoContext, people: Any, members: list[int], skip: int, head: int) -> int:
    made = 0
    candidates = _open_sessions(ctx.now, {skip})
    for person, state in (
        (people.employee, ProposalState.OPEN),
        (members[-1] if members else None, ProposalState.DECLINED),
    ):
        if person is None:
            continue
        session = next((s for s in candidates if _free(person, s)), None)
        if session is None:
            continue
        declined = state == ProposalState.DECLINED
        db.session.add(
            Proposal(
                session_id=session.id,
                course_id=session.course_id,
                employee_id=person,
                proposed_by_id=head,
                proposed_at=ctx.now - timedelta(days=5),
                note="Passt gut zu den Zielen aus dem Jahresgespräch.",
                state=state.value,
                decided_at=ctx.now - timedelta(days=1) if declined else None,
                decline_reason="Der Termin liegt in meinem Urlaub." if declined else None,
            )
        )
        made += 1
    return made


def register() -> None:
    register_demo_step(STEP_NAME, teambooking_demo_step, order=STEP_ORDER)
