"""From the team's training plan to suggestions: the (session, member) pairs a head
ticked on the plan page, checked (an unknown session or person: 404; a person outside
the head's team: 403) and handed to ``courses.teambooking.proposals.propose`` session by
session. Talent sits above courses, so the suggestions themselves live there."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import abort, request
from flask_babel import ngettext
from sqlalchemy import select

from academy.accounts.models import User
from academy.auth.policy import authorize
from academy.extensions import db
from academy.org.models import Employee
from courses.sessions.models import CourseSession
from courses.teambooking.proposals import propose

#: Most suggestions sent in one go.
MAX_PAIRS = 200
NOTE_MAX = 1000


def ticked_pairs() -> dict[CourseSession, list[Employee]]:
    """The ticked pairs, by session (400 for malformed or too many)."""
    pairs: set[tuple[int, int]] = set()
    for value in request.form.getlist("pair"):
        session_id, _, employee_id = value.partition(":")
        if not (session_id.isdigit() and employee_id.isdigit()):
            abort(400)
        pairs.add((int(session_id), int(employee_id)))
    if len(pairs) > MAX_PAIRS:
        abort(400)
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(CourseSession).where(CourseSession.id.in_({s for s, _ in pairs}))
        )
    }
    people = {
        e.id: e
        for e in db.session.scalars(select(Employee).where(Employee.id.in_({e for _, e in pairs})))
    }
    grouped: dict[CourseSession, list[Employee]] = defaultdict(list)
    for session_id, employee_id in sorted(pairs):
        if session_id not in sessions or employee_id not in people:
            abort(404)
        authorize("teambooking.book", people[employee_id])
        grouped[sessions[session_id]].append(people[employee_id])
    return grouped


def send_proposals(actor: User, grouped: dict[CourseSession, list[Employee]], now: datetime) -> str:
    """Suggest each session to its members; the flash message."""
    note = (request.form.get("note") or "").strip()[:NOTE_MAX] or None
    made = sum(len(propose(actor, s, members, now, note=note)) for s, members in grouped.items())
    ticked = sum(len(members) for members in grouped.values())
    message = ngettext("%(num)s suggestion sent.", "%(num)s suggestions sent.", made)
    if made < ticked:
        message += " " + ngettext(
            "%(num)s member already had one or is enrolled.",
            "%(num)s members already had one or are enrolled.",
            ticked - made,
        )
    return message
