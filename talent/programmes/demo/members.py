"""The members part of the fast-track programmes demo's plan: the planner's state, the
members' mentors, their milestone sign-offs and progress, and the completed enrolments
added for the curriculum (``Planner`` in ``talent.programmes.demo.plan`` builds on it)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from academy.clock import berlin_to_utc, to_berlin
from courses.enrolment.models import EnrolmentState
from talent.programmes.demo.content import (
    AHEAD_COURSES,
    DECISIONS,
    DROP_OUT_REASONS,
    HR_SIGNOFF,
    MENTOR_YEARS,
    SIGNOFF_NOTES,
    BusyLoader,
    CourseRecord,
    PlannedApplication,
    PlannedMember,
    SessionSeat,
    Staff,
    Timeline,
    between,
    office_time,
    pay_level,
)
from talent.programmes.models import MemberState

S = EnrolmentState


class MemberPlanner:
    """The state of a plan being built and what it decides about the members."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        staff: Staff,
        record: CourseRecord,
        busy: BusyLoader,
    ) -> None:
        self.rng = rng
        self.load_busy = busy
        self.now = now
        self.today = to_berlin(now).date()
        self.t = Timeline.of(self.today)
        self.cap = self.t.yesterday_evening
        self.staff = staff
        self.record = record
        self.applications: list[PlannedApplication] = []
        self.members: list[PlannedMember] = []
        self.enrolments: list[dict[str, Any]] = []
        self.seats_added: dict[int, int] = defaultdict(int)
        demo_ids = set(staff.employee_of.values())
        self.employee = staff.employee_of.get("employee")
        self.head = staff.employee_of.get("head")
        self.trainer = staff.employee_of.get("trainer")
        self.hr_user = staff.users.get("hr")
        self.council_user = staff.users.get("council")
        self.head_user = staff.users.get("head")
        #: Ordinary people (no demo account), in personnel-number order.
        self.ordinary = [e for e in staff.order if e not in demo_ids]

    def mentors(self, members: list[PlannedMember]) -> None:
        """The demo trainer mentors the demo employee, the demo head two members on
        schedule from other offices; everyone else an experienced person (at least ten
        years of service, pay group 11 or higher if possible) from another office."""
        rng, staff, today = self.rng, self.staff, self.today
        taken = {m.employee_id for m in members}
        head_office = staff.people[self.head].office if self.head in staff.people else None
        experienced = [
            e
            for e in self.ordinary
            if e not in taken and staff.service_years(e, today) >= MENTOR_YEARS
        ]
        rng.shuffle(experienced)
        senior = [e for e in experienced if pay_level(staff.people[e].pay_group) >= 11]
        used: set[int] = set()
        head_mentees = 0
        ordered = sorted(members, key=lambda m: m.role != "on_track")  # stable
        for member in ordered:
            office = staff.people[member.employee_id].office
            if member.employee_id == self.employee and self.trainer in staff.people:
                member.mentor_id = self.trainer
            elif self.head in staff.people and head_mentees < 2 and office != head_office:
                member.mentor_id = self.head
                head_mentees += 1
            else:
                member.mentor_id = next(
                    (
                        e
                        for group, fresh in ((senior, True), (senior, False), (experienced, False))
                        for e in group
                        if staff.people[e].office != office and not (fresh and e in used)
                    ),
                    None,
                )
                if member.mentor_id is not None:
                    used.add(member.mentor_id)

    def signoff(self, member: PlannedMember, key: str, met_on: date) -> None:
        rng = self.rng
        mentor_user = self.staff.user_of.get(member.mentor_id) if member.mentor_id else None
        by = mentor_user or self.hr_user
        note = rng.choice(SIGNOFF_NOTES.get(key, ("Erledigt.",)))
        if mentor_user is None:
            note = f"{note} {HR_SIGNOFF}"
        latest = self.today - timedelta(days=1)
        day = min(met_on + timedelta(days=rng.randint(0, 4)), latest)
        member.signoffs[key] = (met_on, office_time(rng, day), by, note)

    def progress(self, member: PlannedMember) -> None:
        """Sign-offs, the drop-out and courses completed ahead of schedule."""
        rng, start, record = self.rng, self.t.running_start, self.record
        e = member.employee_id
        if member.role != "behind" or e == self.employee:
            self.signoff(member, "mentoring1", start + timedelta(days=rng.randint(12, 35)))
        if member.role == "dropped":
            member.state = MemberState.DROPPED_OUT
            member.dropped_out_on = start + timedelta(days=rng.randint(100, 150))
            member.drop_out_reason = rng.choice(DROP_OUT_REASONS)
        if member.role != "on_track":
            return
        if rng.random() < 0.6:
            codes = list(AHEAD_COURSES)
            rng.shuffle(codes)
            for code in codes[: rng.choice((1, 1, 2))]:
                course_id = record.course_ids.get(code)
                if course_id is not None and (e, course_id) not in record.enrolled:
                    self.complete(e, course_id)
        if rng.random() < 0.35:
            self.signoff(member, "mentoring2", self.today - timedelta(days=rng.randint(5, 45)))

    def complete(self, employee_id: int, course_id: int) -> bool:
        """A completed enrolment in the earliest usable session with a free seat that
        does not clash with the person's other sessions."""
        record = self.record
        busy = record.busy.setdefault(employee_id, [])
        for session in record.sessions.get(course_id, ()):
            if session.free <= 0:
                continue
            if not session.self_paced and any(
                session.starts_at < end and start < session.ends_at for start, end in busy
            ):
                continue
            session.free -= 1
            self.seats_added[session.id] += 1
            record.enrolled.add((employee_id, course_id))
            record.completed.add((employee_id, course_id))
            if not session.self_paced:
                busy.append((session.starts_at, session.ends_at))
            self.enrolments.append(self.enrolment_row(session, employee_id))
            return True
        return False

    def enrolment_row(self, session: SessionSeat, employee_id: int) -> dict[str, Any]:
        rng, cap, staff = self.rng, self.cap, self.staff
        joined = berlin_to_utc(datetime.combine(self.t.running_step(DECISIONS), time(18)))
        opened = max(min(session.starts_at - timedelta(days=70), cap), joined)
        last = min(session.enrolment_deadline, cap) - timedelta(hours=1)
        requested = between(rng, opened, last)
        decided_at = decided_by = None
        confirmed = requested
        if session.approval:
            decided_at = between(rng, requested + timedelta(hours=2), requested + timedelta(days=4))
            decided_at = max(min(decided_at, last), requested)
            decided_by = self.head_user if employee_id in staff.team else self.hr_user
            confirmed = decided_at
        if session.self_paced:
            marked = between(rng, session.starts_at + timedelta(days=1), min(session.ends_at, cap))
        else:
            marked = between(
                rng,
                session.ends_at + timedelta(minutes=30),
                min(session.ends_at + timedelta(hours=36), cap),
            )
        return {
            "session_id": session.id,
            "course_id": session.course_id,
            "employee_id": employee_id,
            "state": S.COMPLETED.value,
            "requested_at": requested,
            "requested_by_id": staff.user_of.get(employee_id),
            "decided_at": decided_at,
            "decided_by_id": decided_by,
            "decline_reason": None,
            "waitlist_rank": None,
            "confirmed_at": confirmed,
            "cancelled_at": None,
            "cancelled_by_id": None,
            "cancel_reason": None,
            "late_cancellation": False,
            "override_reason": None,
            "attendance_marked_at": marked,
            "completed_on": to_berlin(marked).date(),
            "result_marked_by_id": session.trainer_id or self.hr_user,
            "updated_at": marked,
        }
