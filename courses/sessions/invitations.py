"""Calendar invitations sent by e-mail (iTIP, RFC 5546): the session's events
(``courses.sessions.calendar.session_events``: one per meeting, UIDs that stay the same
for the session's life) with METHOD:REQUEST when a place is confirmed or the session
changes, METHOD:CANCEL when the place or the session is cancelled, the academy's sender
as organiser and the participant as attendee — so Outlook and other calendar programs
add, update and remove the same entries. ``courses.enrolment.invitations`` attaches them
to the notices."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext
from icalendar import Calendar, vCalAddress, vText

from academy.clock import utcnow
from courses.sessions.calendar import PRODID, session_events
from courses.sessions.models import CourseSession

#: The methods an invitation is sent with.
INVITATION_METHODS = ("REQUEST", "CANCEL")


def invitation_calendar(
    session: CourseSession,
    method: str,
    sequence: int,
    *,
    now: datetime | None = None,
    attendee: str | None = None,
) -> bytes:
    """The calendar of an invitation e-mail: one VEVENT per meeting of the session;
    ``sequence`` must grow with every change sent; ``attendee`` is the recipient's
    address."""
    if method not in INVITATION_METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    cancel = method == "CANCEL"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    for event in session_events(
        session, now or utcnow(), cancelled=cancel, sequence=sequence, show_link=not cancel
    ):
        event.add("organizer", _organiser())
        if attendee:
            guest = vCalAddress(f"mailto:{attendee}")
            guest.params["role"] = vText("REQ-PARTICIPANT")
            guest.params["partstat"] = vText("DECLINED" if cancel else "ACCEPTED")
            guest.params["rsvp"] = vText("FALSE")
            event.add("attendee", guest)
        cal.add_component(event)
    return cal.to_ical()


def _organiser() -> vCalAddress:
    organiser = vCalAddress(f"mailto:{parseaddr(current_app.config['MAIL_FROM'])[1]}")
    organiser.params["cn"] = vText(gettext("Digital Academy"))
    return organiser
