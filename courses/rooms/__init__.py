"""Rooms and trainers: the resources sessions book (rooms per meeting, trainers per
session), HR's pages to keep them, the clash rules and the occupancy over a period."""

from __future__ import annotations


def register() -> None:
    """Tables, pages, audit sentences and the demo step of rooms and trainers."""
    from courses.rooms import audit, models  # noqa: F401 - tables
    from courses.rooms.demo.step import register_step
    from courses.rooms.personal_data import register_sections
    from courses.rooms.retention import register_retention_rules
    from courses.rooms.views import occupancy, rooms, trainers  # noqa: F401 - pages

    audit.register()  # sentences of rooms, trainers, double bookings, meeting attendance
    register_sections()  # the Art. 15 export: trainer records, attendance per meeting
    register_retention_rules()
    register_step()  # demo: rooms, trainers, meetings (after the courses step)
