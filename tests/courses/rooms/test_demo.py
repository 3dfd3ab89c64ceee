"""The ``meetings`` step of ``flask academy demo``: rooms and external trainers, every
session with its meetings (two-day workshops as two meetings), no room or trainer
booked twice, no session larger than its room, attendance per meeting that agrees with
the enrolments' states."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from academy.clock import to_berlin
from courses.enrolment.attendance import marks_of, settled_state
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.rooms.models import Room, SessionTrainer, Trainer, TrainerKind
from courses.sessions.models import CourseSession, SessionMeeting


@pytest.fixture()
def loaded(app: Flask, db: Any) -> None:
    result = app.test_cli_runner().invoke(
        args=["academy", "demo", "--employees", "400", "--seed", "5"]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Einzeltermine" in result.output


def overlapping(intervals: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    intervals = sorted(intervals)
    return [b for a, b in pairwise(intervals) if b[0] < a[1]]


def test_rooms_trainers_and_meetings(loaded, db):
    assert db.session.scalar(select(func.count()).select_from(Room)) >= 8
    externals = db.session.scalars(
        select(Trainer).where(Trainer.kind == TrainerKind.EXTERNAL)
    ).all()
    assert len(externals) >= 5 and all(t.fee_per_day for t in externals)
    without = db.session.scalar(
        select(func.count()).select_from(CourseSession).where(~CourseSession.meetings.any())
    )
    assert without == 0
    sessions = db.session.scalars(select(CourseSession)).all()
    workshops = [s for s in sessions if len(s.meetings) == 2]
    assert workshops, "no two-day workshops"
    for session in workshops:
        first, second = session.meetings
        assert (to_berlin(second.starts_at).date() - to_berlin(first.starts_at).date()).days == 1
        assert (first.starts_at, second.ends_at) == (session.starts_at, session.ends_at)
        assert to_berlin(first.ends_at).date() == to_berlin(first.starts_at).date()


def test_nothing_is_booked_twice_and_rooms_are_large_enough(loaded, db):
    rows = db.session.execute(
        select(
            SessionMeeting.room_id,
            SessionMeeting.starts_at,
            SessionMeeting.ends_at,
            CourseSession.capacity,
            Room.capacity,
        )
        .join(CourseSession, CourseSession.id == SessionMeeting.session_id)
        .join(Room, Room.id == SessionMeeting.room_id)
        .where(CourseSession.cancelled_at.is_(None))
    ).all()
    assert rows, "no meeting has a room"
    by_room: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for room_id, start, end, seats, room_seats in rows:
        assert seats <= room_seats
        by_room[room_id].append((start, end))
    assert all(not overlapping(v) for v in by_room.values())

    booked = db.session.execute(
        select(SessionTrainer.trainer_id, SessionMeeting.starts_at, SessionMeeting.ends_at)
        .join(SessionMeeting, SessionMeeting.session_id == SessionTrainer.session_id)
        .join(CourseSession, CourseSession.id == SessionTrainer.session_id)
        .where(CourseSession.cancelled_at.is_(None))
    ).all()
    by_trainer: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for trainer_id, start, end in booked:
        by_trainer[trainer_id].append((start, end))
    assert len(by_trainer) >= 5
    assert all(not overlapping(v) for v in by_trainer.values())


def test_attendance_per_meeting_agrees_with_the_states(loaded, db):
    """Every settled enrolment, also those later steps add (programme members'
    completions), has its meetings marked the way its state says."""
    settled = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.state.in_(["attended", "no_show", "completed", "failed"]))
        .order_by(Enrolment.id)
    ).all()
    assert settled
    by_session: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in settled:
        by_session[enrolment.session_id].append(enrolment)
    wrong = []
    for enrolments in by_session.values():
        meetings = list(enrolments[0].session.meetings)
        marks = marks_of(enrolments, meetings)
        for enrolment in enrolments:
            expected = (
                EnrolmentState.NO_SHOW if enrolment.state == "no_show" else EnrolmentState.ATTENDED
            )
            if settled_state(enrolment.id, meetings, marks) != expected:
                wrong.append((enrolment.id, enrolment.state, enrolment.session_id))
    assert not wrong
