"""Sessions: dated runs of a course (scheduling, capacity), rosters and sign-in sheets,
iCal files and feeds, the trainer's and HR's start-page panels."""

from __future__ import annotations


def register() -> None:
    """Tables, pages and start-page panels of sessions."""
    from courses.sessions import agenda, models, panels  # noqa: F401 - tables, listener, panels
    from courses.sessions.views import calendar, management, roster  # noqa: F401 - pages
