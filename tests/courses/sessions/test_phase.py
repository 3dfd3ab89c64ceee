"""A session's phase at a moment (the answer the session lists, the roster and the
trainer's panel show instead of comparing dates in the template)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from courses.sessions.models import CourseSession
from courses.sessions.phase import SessionPhase, session_phase, session_phases

START = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=7)


def a_session(*, id: int = 1, cancelled: bool = False) -> CourseSession:
    return CourseSession(
        id=id,
        starts_at=START,
        ends_at=END,
        cancelled_at=START - timedelta(days=1) if cancelled else None,
    )


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (START - timedelta(minutes=1), SessionPhase.SCHEDULED),
        (START, SessionPhase.RUNNING),
        (END - timedelta(minutes=1), SessionPhase.RUNNING),
        (END, SessionPhase.FINISHED),
        (END + timedelta(days=30), SessionPhase.FINISHED),
    ],
)
def test_phase_follows_the_dates(now, phase):
    assert session_phase(a_session(), now) == phase


@pytest.mark.parametrize("now", [START - timedelta(days=2), START, END + timedelta(days=1)])
def test_a_cancelled_session_is_cancelled_whatever_the_dates(now):
    assert session_phase(a_session(cancelled=True), now) == SessionPhase.CANCELLED


def test_started_means_running_or_finished():
    assert {p for p in SessionPhase if p.started} == {SessionPhase.RUNNING, SessionPhase.FINISHED}


def test_phases_of_a_list_by_id():
    sessions = [a_session(id=1), a_session(id=2, cancelled=True)]
    assert session_phases(sessions, START + timedelta(hours=1)) == {
        1: SessionPhase.RUNNING,
        2: SessionPhase.CANCELLED,
    }
