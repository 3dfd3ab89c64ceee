"""A room is never booked twice, also when many people book it at the same instant:
the rooms and trainers are locked before the clash check (real threads, each with its
own connection, committing for real — on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask import Flask
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.extensions import db
from courses.catalogue.models import Course
from courses.sessions.models import SessionMeeting
from courses.sessions.scheduling import create_session
from tests.courses import factories as cf
from tests.courses.enrolment.test_concurrency import THREADS, own_app, run_at_once
from tests.courses.rooms.support import data, external, hr, meeting, room
from tests.courses.support import NOW

__all__ = ["own_app"]  # the fixture, used by name


def test_fifty_bookings_of_one_room_and_trainer_at_once(own_app: Flask) -> None:
    with own_app.app_context():
        hall, coach, staff = room(capacity=20), external(), hr()
        courses = [cf.course().id for _ in range(THREADS)]
        ids = (hall.id, coach.id, staff.id)
        db.session.commit()
    room_id, trainer_id, staff_id = ids

    def book(i: int) -> str:
        actor = db.session.get(User, staff_id)
        course = db.session.get(Course, courses[i])
        wanted = data(
            meeting(datetime(2031, 6, 3), 9 + i % 3, 13, room_id=room_id),
            co_trainer_ids=[trainer_id] if i % 2 else [],
        )
        create_session(actor, course, wanted, NOW)
        return "booked"

    outcomes, errors = run_at_once(own_app, book)
    assert errors == []
    assert outcomes == Counter({"booked": 1, "BookingClash": THREADS - 1})
    with own_app.app_context():
        booked = db.session.scalar(
            select(func.count())
            .select_from(SessionMeeting)
            .where(SessionMeeting.room_id == room_id)
        )
        assert booked == 1
