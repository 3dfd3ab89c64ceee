"""The enrolment lifecycle: request and approval, eligibility, waiting list, cancellation,
attendance and results, notices, the approval inbox and "my learning"."""

from __future__ import annotations


def register() -> None:
    """Tables, pages, start-page panels and scheduled steps of enrolments."""
    from courses.enrolment import models, panels  # noqa: F401 - tables, panels
    from courses.enrolment.tick import register_tick_steps
    from courses.enrolment.views import approvals, learning, requests, roster  # noqa: F401

    register_tick_steps()
