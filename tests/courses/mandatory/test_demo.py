"""The ``mandatory`` and ``teambooking`` steps of ``flask academy demo``: data protection
for everyone (some people overdue), IT security for the IT office, the heads' training,
a role profile's training; the demo employee has done data protection and has something
due; the demo head has reserved seats (one given) and made suggestions — the seat
counters still match."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.clock import to_berlin, utcnow
from academy.demo.accounts import DEMO_ACCOUNTS
from academy.extensions import db as _db
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.mandatory.compliance import person_items
from courses.mandatory.models import Evidence, Origin, Status
from courses.mandatory.status import Who, active_assignments, counts, pairs
from courses.sessions.models import CourseSession
from courses.teambooking.models import Proposal, ProposalState, Reservation, ReservedPlace

SEATED = ("confirmed", "attended", "no_show", "completed", "failed")


def load(app: Flask, seed: int = 5) -> None:
    result = app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", "300", "--seed", str(seed)]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Pflichtschulungen angelegt: 4" in result.output
    assert "Kontingente: 1" in result.output


def employee_of(key: str) -> int:
    email = next(a.email for a in DEMO_ACCOUNTS if a.key == key)
    user = _db.session.scalar(select(User).where(User.email == email))
    assert user is not None and user.employee_id is not None
    return user.employee_id


def test_the_demo_shows_mandatory_training_and_team_bookings(app: Flask, db: Any) -> None:
    load(app)
    today = to_berlin(utcnow()).date()
    assignments = active_assignments()
    assert {a.title for a in assignments} >= {
        "Datenschutz-Unterweisung",
        "IT-Sicherheit: jährliche Basisschulung",
    }
    assert any(a.origin == Origin.ROLE_PROFILE for a in assignments)
    figures = counts(pairs(assignments, Who.everyone(), today))
    assert figures[Status.OVERDUE] > 0 and figures[Status.DONE] > figures[Status.OVERDUE]
    assert db.session.scalar(select(func.count()).select_from(Evidence)) > 100

    mine = {
        i.assignment.title: i.state.status for i in person_items(employee_of("employee"), today)
    }
    assert mine["Datenschutz-Unterweisung"] == Status.DONE
    assert Status.OPEN in mine.values()  # something due (IT security or accessibility)
    heads = {i.assignment.title: i.state.status for i in person_items(employee_of("head"), today)}
    assert heads["Datenschutz für Führungskräfte"] == Status.OVERDUE

    [reservation] = db.session.scalars(select(Reservation)).all()
    assert (reservation.seats, reservation.filled) == (3, 1)
    place = db.session.scalar(select(ReservedPlace))
    assert db.session.get(Enrolment, place.enrolment_id).state == EnrolmentState.CONFIRMED
    session = db.session.get(CourseSession, reservation.session_id)
    seated = db.session.scalar(
        select(func.count()).where(Enrolment.session_id == session.id, Enrolment.state.in_(SEATED))
    )
    assert session.confirmed_count == seated and session.reserved_seats == 2
    assert session.confirmed_count + session.reserved_seats <= session.capacity
    states = set(db.session.scalars(select(Proposal.state)))
    assert ProposalState.OPEN.value in states
    open_to = db.session.scalar(select(Proposal.employee_id).where(Proposal.state == "open"))
    assert open_to == employee_of("employee")
