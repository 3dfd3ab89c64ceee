"""Where a session stands at a moment: cancelled, scheduled, running or finished. Pages
show the phase; they do not work it out from the dates themselves."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from courses.sessions.models import CourseSession


class SessionPhase(enum.StrEnum):
    CANCELLED = "cancelled"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    FINISHED = "finished"

    @property
    def started(self) -> bool:
        """Running or finished (attendance can be recorded from the start)."""
        return self in (SessionPhase.RUNNING, SessionPhase.FINISHED)


def session_phase(session: CourseSession, now: datetime) -> SessionPhase:
    """A cancelled session is cancelled whatever its dates; otherwise scheduled until its
    start, running until its end, then finished."""
    if session.is_cancelled:
        return SessionPhase.CANCELLED
    if session.ends_at <= now:
        return SessionPhase.FINISHED
    if session.starts_at <= now:
        return SessionPhase.RUNNING
    return SessionPhase.SCHEDULED


def session_phases(sessions: Iterable[CourseSession], now: datetime) -> dict[int, SessionPhase]:
    """The phase of each session, by id (for lists)."""
    return {s.id: session_phase(s, now) for s in sessions}
