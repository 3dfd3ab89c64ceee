"""The demo's plan: every course, session, enrolment and notification decided in Python
(``build_course_plan``, which only reads the context and the generator) before anything
is written."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

from academy.clock import to_berlin
from academy.demo.accounts import DEMO_ACCOUNTS
from courses.demo.catalogue import (
    COURSES,
    NOTICES,
)
from courses.demo.people import DemoPeople
from courses.demo.places import PlaceFilling
from courses.demo.schedule import (
    ENROLMENTS_PER_EMPLOYEE,
    REFERENCE_EMPLOYEES,
    CoursePlan,
    PlannedSession,
    S,
    SessionScheduling,
)


class Planner(SessionScheduling, PlaceFilling):
    def __init__(
        self, rng: random.Random, now: datetime, people: DemoPeople, employee_count: int
    ) -> None:
        self.rng = rng
        self.now = now
        self.today = to_berlin(now).date()
        self.people = people
        self.scale = employee_count / REFERENCE_EMPLOYEES
        self.budget = round(employee_count * ENROLMENTS_PER_EMPLOYEE)
        self.by_code = {c.code: c for c in COURSES}
        self.sessions: list[PlannedSession] = []
        self.by_course: dict[str, list[PlannedSession]] = {}
        self.trainer_busy: list[tuple[date, date]] = []
        self.starts: set[tuple[str, date]] = set()
        #: (employee, course code) already enrolled; per employee the busy intervals.
        self.taken: set[tuple[int, str]] = set()
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {}
        self.random_pool = [e for e in people.employee_ids if e not in people.demo_ids]
        self.head_pool = [e for e in people.head_ids if e not in people.demo_ids]
        self.it_pool = [e for e in people.it_ids if e not in people.demo_ids]
        self.team = set(people.team_ids)


def build_course_plan(
    rng: random.Random, now: datetime, people: DemoPeople, employee_count: int
) -> CoursePlan:
    """Every course, session and enrolment of the demo, without touching the database."""
    planner = Planner(rng, now, people, employee_count)
    planner.schedule()
    for session in planner.sessions:
        planner.profile(session)
    planner.ensure_profiles()
    planner.demo_people()
    planner.fit_budget()
    planner.fill()
    enrolments = planner.rows()
    return CoursePlan(
        courses=COURSES,
        sessions=planner.sessions,
        enrolments=enrolments,
        notifications=_notifications(planner, enrolments),
        trainer_user=people.trainer_user,
    )


def _notifications(planner: Planner, enrolments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A few unread notifications (German, as the service would have written them): for
    the demo employee about her confirmed and waiting-list places, for the demo head
    about her request awaiting his decision."""
    people, sessions, today = planner.people, planner.sessions, planner.today
    user = people.accounts.get(people.employee) if people.employee is not None else None
    if user is None:
        return []
    account = next(a for a in DEMO_ACCOUNTS if a.key == "employee")
    name = account.person.full_name if account.person else account.email

    def when(at: datetime) -> str:
        return f"{to_berlin(at):%d.%m.%Y, %H:%M} Uhr"

    found: list[dict[str, Any]] = []
    for item in enrolments:
        if item["employee_id"] != people.employee:
            continue
        session = sessions[item["session"]]
        title, code = session.course.title, session.course.code
        texts = {
            "title": title,
            "name": name,
            "when": when(session.starts_at),
            "deadline": when(session.enrolment_deadline),
            "place": session.location or session.online_url or "–",
        }
        base = {
            "kind": "enrolment.approved",
            "course": code,
            "user_id": user,
            "employee_id": people.employee,
            "subject": NOTICES["approved_subject"].format(**texts),
            "created_at": item["updated_at"],
        }
        if item["state"] == S.CONFIRMED.value and session.phase(today) == "future":
            found.append({**base, "body": NOTICES["approved_confirmed"].format(**texts)})
        elif item["state"] == S.WAITLISTED.value:
            found.append({**base, "body": NOTICES["approved_waitlisted"].format(**texts)})
        elif item["state"] == S.PENDING.value and people.head_user is not None:
            found.append(
                {
                    "kind": "enrolment.approval_requested",
                    "course": None,
                    "user_id": people.head_user,
                    "employee_id": people.head,
                    "subject": NOTICES["request_subject"].format(**texts),
                    "created_at": item["requested_at"],
                    "body": NOTICES["request_body"].format(**texts),
                }
            )
    return found
