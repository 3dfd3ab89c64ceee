"""Scheduled work of team bookings (``flask academy tick``): reservations whose release
date has come are released (their free seats go back on sale and to the waiting list)
and suggestions past the enrolment deadline expire — each claimed by a conditional
UPDATE, so several hosts may run the tick at once."""

from __future__ import annotations

from academy.scheduler import register_tick_step
from courses.teambooking.proposals import expire_due
from courses.teambooking.reservations import release_due


def register_tick_steps() -> None:
    register_tick_step("teambooking.release_reservations", release_due, order=15)
    register_tick_step("teambooking.expire_proposals", expire_due, order=16)
