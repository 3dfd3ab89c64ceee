"""Heads book for their team: direct enrolment of members (approved by the booking),
seats reserved on a session for a unit, and proposals from the team's training plan
that members accept or decline."""

from __future__ import annotations


def register() -> None:
    """Tables, rules, pages, panels, scheduled steps and registries of team bookings."""
    from courses.teambooking import (  # noqa: F401
        audit_sentences,
        models,  # tables
        panels,
        personal_data,
        policy,  # permission rules
        retention,
        tick,
    )
    from courses.teambooking.demo import register_step
    from courses.teambooking.views import head, hr, member  # noqa: F401

    audit_sentences.register()
    panels.register()  # start-page panel, the section of "My learning"
    tick.register_tick_steps()
    personal_data.register_sections()  # Art. 15
    retention.register_retention_rules()
    register_step()  # demo data
