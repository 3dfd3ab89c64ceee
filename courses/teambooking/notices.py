"""Notices of team bookings: English source texts (rendered in each recipient's
language)."""

from __future__ import annotations

from academy.i18n import N_
from courses.enrolment.notices import Notice

BOOKED = Notice(
    "teambooking.booked",
    N_("Enrolled by %(head)s: %(course)s"),
    N_(
        "%(head)s has enrolled you in “%(course)s” on %(date)s. Your place is confirmed. "
        "Location: %(place)s. If you cannot attend, please cancel under “My learning” "
        "before %(cancel_by)s."
    ),
)
BOOKED_WAITLISTED = Notice(
    "teambooking.booked",
    N_("Enrolled by %(head)s: %(course)s"),
    N_(
        "%(head)s has enrolled you in “%(course)s” on %(date)s. The session is full: you "
        "are number %(position)s on the waiting list. We will let you know as soon as a "
        "place becomes free. You can leave the waiting list under “My learning”."
    ),
)
PROPOSED = Notice(
    "teambooking.proposed",
    N_("Suggested by %(head)s: %(course)s"),
    N_(
        "%(head)s suggests that you attend “%(course)s” on %(date)s. Please accept or "
        "decline the suggestion under “My learning” before %(deadline)s."
    ),
)
PROPOSED_WITH_NOTE = Notice(
    "teambooking.proposed",
    N_("Suggested by %(head)s: %(course)s"),
    N_(
        "%(head)s suggests that you attend “%(course)s” on %(date)s: “%(note)s” Please "
        "accept or decline the suggestion under “My learning” before %(deadline)s."
    ),
)
PROPOSAL_ACCEPTED = Notice(
    "teambooking.proposal_accepted",
    N_("Suggestion accepted: %(course)s"),
    N_("%(employee)s has accepted your suggestion “%(course)s” on %(date)s (%(state)s)."),
)
PROPOSAL_DECLINED = Notice(
    "teambooking.proposal_declined",
    N_("Suggestion declined: %(course)s"),
    N_("%(employee)s has declined your suggestion “%(course)s” on %(date)s. Reason: %(reason)s"),
)
RESERVATION_RELEASED = Notice(
    "teambooking.reservation_released",
    N_("Reserved seats released: %(course)s"),
    N_(
        "The %(seats)s seats reserved for %(unit)s in “%(course)s” on %(date)s have been "
        "released; %(returned)s seats nobody had taken are on sale again. Reason: %(reason)s"
    ),
)
