"""The trainer's pages: their own sessions (/kurse/trainer), a session's roster with
participants and waiting list (trainer and HR; attendance per meeting, ``?termin=<id>``)
and the printable sign-in sheets (one per meeting). What HR and the trainer do on the
roster (attendance, results, waiting list, late cancellation) is in
``courses.enrolment.views.roster``."""

from __future__ import annotations

from flask import render_template, request

import courses.policy  # noqa: F401 - registers the roster actions before @requires
from academy.auth.policy import authorize, requires
from academy.clock import utcnow
from academy.i18n import N_
from academy.web.kit import acting_user
from academy.web.navigation import NavItem, add_nav
from courses import bp
from courses.sessions.pages import (
    load_session,
    roster_context,
    sheet_context,
    trainer_sessions_context,
)

add_nav(
    NavItem("courses.trainer_sessions", N_("My sessions"), "trainer.sessions", "main", order=40)
)


@bp.get("/trainer")
@requires("trainer.sessions")
def trainer_sessions() -> str:
    past = request.args.get("zeit") == "vergangen"
    context = trainer_sessions_context(acting_user(), utcnow(), past=past)
    return render_template("courses/sessions/trainer_sessions.html", **context)


@bp.get("/termine/<int:session_id>/teilnehmende", endpoint="session_roster")
@requires("session.roster")
def roster_page(session_id: int) -> str:
    session = load_session(session_id)
    authorize("session.roster", session)
    context = roster_context(acting_user(), session, utcnow(), request.args.get("termin"))
    return render_template("courses/sessions/roster.html", **context)


@bp.get("/termine/<int:session_id>/anwesenheitsliste", endpoint="sign_in_sheet")
@requires("session.roster")
def sign_in_sheet(session_id: int) -> str:
    session = load_session(session_id)
    authorize("session.roster", session)
    context = sheet_context(session, utcnow(), request.args.get("termin"))
    return render_template("courses/sessions/sign_in_sheet.html", **context)
