"""Calendar invitations sent with the enrolment notices: an ``.ics`` file with
METHOD:REQUEST when a person's place is confirmed (and again, with a higher SEQUENCE,
when the session's date or place changes), METHOD:CANCEL when their place or the whole
session is cancelled. Calendar programs such as Outlook add, update and remove the same
entry (the UIDs of ``courses.sessions.calendar.invitation_calendar`` stay the same).

The SEQUENCE is counted from what happened, as the personal feed counts it: the
session's recorded changes plus the person's own ones (each place held adds one, each
place given up two), so every REQUEST or CANCEL sent outranks the ones before it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from academy.extensions import db
from academy.notifications.notices import Attachment
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.calendar import session_sequences
from courses.sessions.invitations import invitation_calendar
from courses.sessions.models import CourseSession

FILENAME = "einladung.ics"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def sequence_for(session: CourseSession, employee_id: int) -> int:
    """The SEQUENCE of the person's invitation to ``session`` now (two queries)."""
    rows = db.session.execute(
        select(Enrolment.state).where(
            Enrolment.session_id == session.id,
            Enrolment.employee_id == employee_id,
            Enrolment.confirmed_at.is_not(None),
        )
    ).scalars()
    own = sum(2 if state == EnrolmentState.CANCELLED else 1 for state in rows)
    return session_sequences([session.id]).get(session.id, 0) + max(own - 1, 0)


def calendar_invitation(
    session: CourseSession, employee_id: int, method: str, now: datetime, *, extra: int = 0
) -> Attachment:
    """The invitation file for the person (made in their language for their address
    when the notice is written). ``extra`` raises the SEQUENCE for a change that is not
    yet in the audit log when the notice is written (a session being cancelled)."""
    sequence = sequence_for(session, employee_id) + extra
    return Attachment(
        filename=FILENAME,
        content_type=f"text/calendar; method={method}",
        render=lambda address: invitation_calendar(
            session, method, sequence, now=now, attendee=address
        ),
    )
