"""Demo data of external training: requests in every state, from the offers and
scenarios of ``offers.toml`` — the demo employee's request waits for the demo head, one
waits for HR, one (above the limit) for the second approval, which the demo HR account
can give because a colleague of HR development gave the first; approved ones are
enrolled (upcoming, completed, not attended), others declined by the head or HR, or
withdrawn — and, in larger organisations, more approved and open ones across the units.

The requests are written as rows with their audit entries (as the services would);
approved ones are enrolled with the service, so course, session, enrolment and budget
booking are made as in real use. Dates are relative to the demo's day and never fall on
it. No files are written (attachments are the people's own uploads)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from academy.accounts.models import Role, RoleAssignment, User
from academy.audit.log import record
from academy.clock import berlin_to_utc, to_berlin
from academy.demo.steps import DemoContext
from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.demo.people import people_from_context
from courses.demo.writing import competence_ids
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.external import notices
from courses.external.decisions import needs_second_approval
from courses.external.enrolling import enrol
from courses.external.models import ExternalRequest, ExternalRequestCompetence, RequestState
from courses.sessions.models import CourseSession

#: Enrolment states that hold a place (and so cost money).
SEATED = (
    EnrolmentState.CONFIRMED,
    EnrolmentState.ATTENDED,
    EnrolmentState.COMPLETED,
    EnrolmentState.FAILED,
    EnrolmentState.NO_SHOW,
)
STEP_NAME = "external"
STEP_ORDER = 25
_DATA = tomllib.loads((Path(__file__).parent / "offers.toml").read_text(encoding="utf-8"))
OFFERS = {offer["key"]: offer for offer in _DATA["offer"]}
SCENARIOS = _DATA["scenario"]
#: One more request per this many employees, beyond the hand-picked scenarios.
EMPLOYEES_PER_EXTRA = 250
#: The HR colleague who gives first approvals (department of HR development).
COLLEAGUE_DEPARTMENT = "11.2"
START, END = time(9, 0), time(16, 30)


@dataclass
class _Actors:
    head: User | None
    hr: User
    colleague: User


def _colleague(ctx: DemoContext, taken: set[int]) -> User:
    """A second HR account: a member of HR development without an account so far."""
    dept = ctx.department_ids.get(COLLEAGUE_DEPARTMENT)
    candidates = [e for e in ctx.employees_by_department.get(dept, []) if e not in taken]
    employee = db.session.get(Employee, candidates[0])
    user = User(
        email=employee.email or f"personalentwicklung.{employee.id}@example.org",
        display_name=employee.full_name,
        employee_id=employee.id,
        active=True,
        created_at=ctx.now - timedelta(days=400),
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=user.id, role=Role.HR.value, granted_at=user.created_at))
    db.session.flush()
    return user


def _at(day: datetime, clock: time) -> datetime:
    return berlin_to_utc(datetime.combine(to_berlin(day).date(), clock))


def _request(ctx: DemoContext, offer: dict[str, Any], employee_id: int, days: int,
             competences: dict[str, int]) -> ExternalRequest:  # fmt: skip
    start = _at(ctx.now + timedelta(days=days), START)
    end = _at(start + timedelta(days=offer["days"] - 1), END)
    lead = ctx.rng.randint(21, 35) if days < 0 else ctx.rng.randint(3, 12)
    submitted = _at(min(start, ctx.now) - timedelta(days=lead), time(10, ctx.rng.randint(0, 59)))
    request = ExternalRequest(
        employee_id=employee_id,
        title=offer["title"],
        provider=offer["provider"],
        starts_at=start,
        ends_at=end,
        online=bool(offer.get("online", False)),
        location=offer.get("location"),
        duration_ue=offer["ue"],
        cost=Decimal(offer["cost"]),
        travel_cost=Decimal(offer["travel"]),
        reason=offer["reason"],
        state=RequestState.PENDING_HEAD.value,
        submitted_at=submitted,
        updated_at=submitted,
    )
    request.competences = [
        ExternalRequestCompetence(competence_id=competences[code], level=level)
        for code, level in offer["competences"]
        if code in competences
    ]
    db.session.add(request)
    db.session.flush()
    return request


def _audit(actor: User | None, action: str, request: ExternalRequest, at: datetime,
           before: str | None, reason: str | None = None) -> None:  # fmt: skip
    record(
        actor, action, "external_request", request.id, from_state=before,
        to_state=request.state, reason=reason,
        details={"total": f"{request.total:.2f}"}, now=at,
    )  # fmt: skip


def _play(ctx: DemoContext, request: ExternalRequest, outcome: str, actors: _Actors,
          submitter: User | None, reason: str | None) -> None:  # fmt: skip
    """Take the request from its submission to ``outcome``, as the services would."""
    step = request.submitted_at
    request.state = (
        RequestState.PENDING_HEAD.value if actors.head else RequestState.PENDING_HR.value
    )
    _audit(submitter, "external.submitted", request, step, None)

    def later() -> datetime:
        nonlocal step
        step = min(step + timedelta(hours=ctx.rng.randint(20, 60)), ctx.now - timedelta(hours=1))
        return step

    if outcome == "withdrawn":
        before, request.state, request.withdrawn_at = (
            request.state,
            RequestState.WITHDRAWN.value,
            later(),
        )
        _audit(submitter, "external.withdrawn", request, step, before)
        return
    if outcome == "pending_head" and actors.head:
        notices.tell([actors.head], notices.SUBMITTED, request, step)
        return
    if actors.head:
        if outcome == "declined_head":
            request.state, request.decline_reason = RequestState.DECLINED.value, reason
            request.head_id, request.head_decided_at = actors.head.id, later()
            _audit(actors.head, "external.declined", request, step, "pending_head", reason)
            return
        request.state = RequestState.PENDING_HR.value
        request.head_id, request.head_decided_at = actors.head.id, later()
        _audit(actors.head, "external.supported", request, step, "pending_head")
    if outcome in ("pending_head", "pending_hr"):
        notices.tell([actors.hr], notices.FOR_HR, request, step)
        return
    if outcome == "declined_hr":
        request.state, request.decline_reason = RequestState.DECLINED.value, reason
        request.hr_id, request.hr_decided_at = actors.hr.id, later()
        _audit(actors.hr, "external.declined", request, step, "pending_hr", reason)
        return
    if needs_second_approval(request):
        first = actors.colleague
        request.state = RequestState.PENDING_SECOND.value
        request.hr_id, request.hr_decided_at = first.id, later()
        _audit(first, "external.first_approved", request, step, "pending_hr")
        if outcome == "pending_second":
            notices.tell(
                [actors.hr], notices.SECOND_NEEDED, request, step, first=first.display_name
            )
            return
        request.second_id, request.second_decided_at = actors.hr.id, later()
        before = "pending_second"
    else:
        request.hr_id, request.hr_decided_at = actors.hr.id, later()
        before = "pending_hr"
    request.state = RequestState.APPROVED.value
    _audit(actors.hr, "external.approved", request, step, before)
    enrolment = enrol(actors.hr, request, step)
    if outcome in ("completed", "no_show"):
        marked = request.ends_at + timedelta(days=ctx.rng.randint(2, 6))
        enrolment.attendance_marked_at = min(marked, ctx.now - timedelta(hours=1))
        enrolment.result_marked_by_id = actors.hr.id
        if outcome == "completed":
            enrolment.state = EnrolmentState.COMPLETED.value
            enrolment.completed_on = to_berlin(enrolment.attendance_marked_at).date()
        else:
            enrolment.state = EnrolmentState.NO_SHOW.value
    db.session.flush()


def _units_without_spending(ctx: DemoContext) -> list[int]:
    """Units with staff where nobody holds a place in a paid course this year."""
    year = to_berlin(ctx.now).year
    start = berlin_to_utc(datetime(year, 1, 1))
    end = berlin_to_utc(datetime(year + 1, 1, 1))
    paid = set(
        db.session.scalars(
            select(Employee.department_id)
            .join(Enrolment, Enrolment.employee_id == Employee.id)
            .join(CourseSession, CourseSession.id == Enrolment.session_id)
            .join(Course, Course.id == CourseSession.course_id)
            .where(
                Course.cost > 0,
                CourseSession.starts_at >= start,
                CourseSession.starts_at < end,
                Enrolment.state.in_([s.value for s in SEATED]),
            )
            .distinct()
        )
    )
    return [d for d in sorted(ctx.employees_by_department) if d not in paid]


def external_demo_step(ctx: DemoContext) -> str:
    people = people_from_context(ctx)
    competences = competence_ids(ctx.now)
    taken = set(people.accounts)
    hr = db.session.get(User, people.hr_user)
    head = db.session.get(User, people.head_user) if people.head_user else None
    colleague = _colleague(ctx, taken)
    taken.add(colleague.employee_id or 0)
    team = [e for e in people.team_ids if e not in taken]
    others = [e for e in people.employee_ids if e not in taken and e not in set(people.team_ids)]
    used: set[int] = set()

    def person(kind: str) -> int:
        if kind == "employee" and people.employee:
            return people.employee
        if kind.startswith("unit:"):
            members = ctx.employees_by_department.get(int(kind[5:]), [])
            pool = [e for e in members if e not in used and e not in taken] or others
        else:
            pool = [e for e in (team if kind == "team" else others) if e not in used] or others
        chosen = ctx.rng.choice(pool)
        used.add(chosen)
        return chosen

    accounts = {
        u.employee_id: u
        for u in db.session.scalars(select(User).where(User.employee_id.is_not(None)))
    }
    count = 0
    plan = [
        (s["state"], s["offer"], s["person"], s["starts_in_days"], s.get("decline_reason"))
        for s in SCENARIOS
    ]
    extra_states = ["completed", "completed", "approved", "pending_hr", "declined_hr"]
    keys = sorted(OFFERS)
    for _ in range(ctx.employee_count // EMPLOYEES_PER_EXTRA):
        state = ctx.rng.choice(extra_states)
        days = ctx.rng.randint(-150, -10) if state == "completed" else ctx.rng.randint(10, 150)
        reason = (
            "Das Budget des Bereichs ist für dieses Jahr ausgeschöpft."
            if state == "declined_hr"
            else None
        )
        plan.append((state, ctx.rng.choice(keys), "any", days, reason))
    # Every unit shows spending this year: a completed (or, early in January, an
    # approved) external training for a member of each unit without a paid place.
    today = to_berlin(ctx.now).date()
    into_year = (today - today.replace(month=1, day=1)).days
    for dept_id in _units_without_spending(ctx):
        if into_year > 25:
            state, days = "completed", -ctx.rng.randint(12, min(150, into_year - 5))
        else:
            state, days = "approved", ctx.rng.randint(5, 20)
        plan.append((state, ctx.rng.choice(keys), f"unit:{dept_id}", days, None))
    for state, key, kind, days, reason in plan:
        employee_id = person(kind)
        request = _request(ctx, OFFERS[key], employee_id, days, competences)
        in_team = head is not None and (
            employee_id in set(people.team_ids) or employee_id == people.employee
        )
        actors = _Actors(head if in_team else None, hr, colleague)
        _play(ctx, request, state, actors, accounts.get(employee_id), reason)
        count += 1
    db.session.flush()
    return f"Anträge auf externe Fortbildung: {count}"
