"""Calendar files: one session (/kurse/termine/<id>/kalender.ics, for anyone who may see
the catalogue), the personal feed (/kurse/kalender/<token>.ics, public: the token is the
key) and the page where a person makes or revokes their feed link (/kurse/kalender)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

import courses.policy  # noqa: F401 - registers the actions before @requires
from academy.accounts.models import User
from academy.auth.policy import can, public, requires
from academy.clock import utcnow
from academy.extensions import db
from academy.notifications.notices import recipient_locale
from academy.web.kit import acting_user
from academy.web.urls import public_url
from courses import bp
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.calendar import (
    active_feed,
    create_feed,
    feed_calendar,
    feed_owner,
    revoke_feed,
    session_calendar,
)
from courses.sessions.models import CourseSession

ICAL_TYPE = "text/calendar; charset=utf-8"


def ical_response(body: bytes, filename: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = ICAL_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------
# One session
# ---------------------------------------------------------------------------


def holds_place(user: User, session: CourseSession) -> bool:
    """Whether the user has a confirmed place in the session (then the file carries the
    online link, as the course page shows it to them)."""
    if user.employee_id is None:
        return False
    found = db.session.scalar(
        select(Enrolment.id)
        .where(
            Enrolment.session_id == session.id,
            Enrolment.employee_id == user.employee_id,
            Enrolment.state == EnrolmentState.CONFIRMED.value,
        )
        .limit(1)
    )
    return found is not None


@bp.get("/termine/<int:session_id>/kalender.ics")
@requires("catalogue.view")
def session_ics(session_id: int) -> Response:
    session = db.session.scalar(
        select(CourseSession)
        .options(joinedload(CourseSession.course), joinedload(CourseSession.trainer))
        .where(CourseSession.id == session_id)
    )
    user: User = acting_user()
    if session is None or (
        session.course.archived
        and not can(user, "catalogue.manage")
        and not holds_place(user, session)  # an external training of one's own
    ):
        abort(404)
    staff = can(user, "session.roster", session)
    body = session_calendar(session, utcnow(), show_link=staff or holds_place(user, session))
    return ical_response(body, f"termin-{session.id}.ics")


# ---------------------------------------------------------------------------
# The personal feed
# ---------------------------------------------------------------------------


@bp.get("/kalender/<token>.ics")
@public
def calendar_feed(token: str) -> Response:
    owner = feed_owner(token)
    if owner is None:
        abort(404)
    with force_locale(recipient_locale(owner)):
        body = feed_calendar(owner, utcnow())
    return ical_response(body, "digitalakademie.ics")


def feed_url(token: str) -> str:
    return public_url("courses.calendar_feed", token=token)


@bp.get("/kalender")
@requires("learning.view")
def calendar_settings() -> str:
    return render_template(
        "courses/sessions/calendar.html",
        feed=active_feed(acting_user()),
        new_url=None,
    )


@bp.post("/kalender/neu")
@requires("learning.view")
def calendar_create() -> str:
    """Make a new link and show it this once (the token itself is not stored)."""
    feed, token = create_feed(acting_user(), utcnow())
    db.session.commit()
    return render_template("courses/sessions/calendar.html", feed=feed, new_url=feed_url(token))


@bp.post("/kalender/widerrufen")
@requires("learning.view")
def calendar_revoke() -> Response:
    count = revoke_feed(acting_user(), utcnow())
    db.session.commit()
    if count:
        flash(gettext("Your calendar link has been revoked; it no longer works."), "success")
    else:
        flash(gettext("You had no calendar link."), "info")
    return redirect(url_for("courses.calendar_settings"))
