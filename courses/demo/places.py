"""Placing people in the demo's sessions (the demo people's own records first, then
everyone else within the budget) and turning the places into enrolment rows with the
states, dates and deciders the lifecycle would have given them. A part of ``Planner``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from academy.clock import to_berlin
from courses.demo.catalogue import (
    CANCEL_REASONS,
    COURSES,
    DECLINE_REASONS,
    LATE_CANCEL_REASONS,
)
from courses.demo.schedule import (
    BASIC,
    CANCEL,
    DECLINED,
    EXPIRED,
    LATE_CANCEL,
    PENDING,
    SEAT,
    SP,
    WAIT,
    PlannedSession,
    S,
    Slot,
    between,
)
from courses.enrolment.models import EnrolmentState


class PlaceFilling:
    """The planner's people and rows (a part of ``Planner``)."""

    # -- who ----------------------------------------------------------------------------

    def free(self, employee_id: int, session: PlannedSession) -> bool:
        if (employee_id, session.course.code) in self.taken:
            return False
        return all(
            session.ends_at <= start or session.starts_at >= end
            for start, end in self.busy.get(employee_id, ())
        )

    def take(self, session: PlannedSession, slot: Slot) -> None:
        self.taken.add((slot.employee_id, session.course.code))
        self.busy.setdefault(slot.employee_id, []).append((session.starts_at, session.ends_at))
        session.slots.append(slot)

    def find(
        self, employee_id: int, code: str, kind: str, test: Callable[[PlannedSession], bool]
    ) -> PlannedSession | None:
        for session in self.by_course.get(code, []):
            if session.profile == "cancelled" or not test(session):
                continue
            if kind == SEAT and len(session.kinds(SEAT)) >= session.capacity - 1:
                continue
            if self.free(employee_id, session):
                return session
        return None

    def place(
        self,
        employee_id: int | None,
        codes: Sequence[str],
        kind: str,
        test: Callable[[PlannedSession], bool],
        state: EnrolmentState | None = None,
    ) -> PlannedSession | None:
        """Give a demo person a place of ``kind`` in the first suitable session of the
        first of ``codes`` that has one."""
        if employee_id is None:
            return None
        for code in codes:
            session = self.find(employee_id, code, kind, test)
            if session is None:
                continue
            if kind == WAIT and session.profile != "full":
                session.profile, session.scalable = "full", False
                session.counts[SEAT] = session.capacity
                session.counts[WAIT] = max(session.counts[WAIT], 2)
            session.counts[kind] = max(session.counts[kind], len(session.kinds(kind)) + 1)
            self.take(session, Slot(employee_id, kind, state))
            return session
        return None

    def demo_people(self) -> None:
        """The demo employee's rich record, the demo head's own courses and his team's
        requests (so that his approval inbox has content)."""
        today, p = self.today, self.people

        def past(s: PlannedSession) -> bool:
            return s.phase(today) == "past" and s.awaiting is None

        def open_(s: PlannedSession) -> bool:
            return s.phase(today) == "future" and (s.start_day - today).days >= 14

        def closed(s: PlannedSession) -> bool:
            return s.phase(today) == "future" and s.deadline_passed(today)

        self.place(p.employee, ["UX-101"], SEAT, past, S.COMPLETED)
        self.place(
            p.employee, ["SIC-101", "SIC-102", "SIC-103", "CLD-102"], SEAT, past, S.COMPLETED
        )
        self.place(p.employee, ["UX-201", "UX-103"], SEAT, open_)
        self.place(p.employee, ["UX-102", "UX-202"], PENDING, open_)
        self.place(p.employee, ["OZG-201", "UX-203"], WAIT, open_)
        self.place(p.employee, ["AGI-101", "CLD-101"], CANCEL, open_)
        self.place(p.head, ["FUE-101"], SEAT, past, S.COMPLETED)
        self.place(p.head, ["FUE-301", "DAT-301"], PENDING, open_)
        self.place(p.head, ["SIC-203", "FUE-202"], SEAT, open_)
        team = [e for e in p.team_ids if e != p.employee and e not in p.demo_ids]
        approval_codes = [c.code for c in COURSES if c.approval and not c.archived]
        self.rng.shuffle(approval_codes)
        for i, employee_id in enumerate(team[:8]):
            codes = approval_codes[i % len(approval_codes) :] + approval_codes
            self.place(employee_id, codes, PENDING, open_)
        for employee_id in team[8:10]:
            self.place(employee_id, approval_codes, DECLINED, open_)
        for employee_id in team[10:11] or team[:1]:
            self.place(employee_id, approval_codes, EXPIRED, closed)

    def fill(self) -> None:
        rng = self.rng
        for session in self.sessions:
            course = session.course
            preferred = (
                self.head_pool
                if course.audience == "heads"
                else self.it_pool
                if course.audience == "it"
                else []
            )
            for kind, wanted in session.counts.items():
                for _ in range(wanted - len(session.kinds(kind))):
                    for _attempt in range(200):
                        pool = preferred if preferred and rng.random() < 0.6 else self.random_pool
                        employee_id = pool[rng.randrange(len(pool))]
                        if self.free(employee_id, session):
                            self.take(session, Slot(employee_id, kind))
                            break
            # A waiting list only when the session is full (else the first would move up).
            waiting = session.kinds(WAIT)
            free = session.capacity - len(session.kinds(SEAT))
            for slot in waiting[:free] if free > 0 else []:
                slot.kind = SEAT

    # -- rows ---------------------------------------------------------------------------

    def approver(self, employee_id: int) -> int | None:
        if employee_id in self.team:
            return self.people.head_user
        return self.people.hr_user

    def marker(self, session: PlannedSession) -> int | None:
        return self.people.trainer_user if session.trainer else self.people.hr_user

    def rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for session in self.sessions:
            rows.extend(self.session_rows(session))
        return rows

    def session_rows(self, session: PlannedSession) -> list[dict[str, Any]]:
        rng, now, today = self.rng, self.now, self.today
        course = session.course
        phase = session.phase(today)
        opened = min(session.starts_at - timedelta(days=70), now - timedelta(days=21))
        last = min(session.enrolment_deadline, now) - timedelta(hours=1)
        if session.cancelled_at is not None:
            last = min(last, session.cancelled_at - timedelta(hours=1))
        opened = min(opened, last - timedelta(days=14))
        out: list[dict[str, Any]] = []
        seated_times: list[datetime] = []

        def row(slot: Slot, state: EnrolmentState, requested: datetime) -> dict[str, Any]:
            own = self.people.accounts.get(slot.employee_id)
            item = {
                "session": session.index,
                "employee_id": slot.employee_id,
                "state": state.value,
                "requested_at": requested,
                "requested_by_id": own,
                "decided_at": None,
                "decided_by_id": None,
                "decline_reason": None,
                "waitlist_rank": None,
                "confirmed_at": None,
                "cancelled_at": None,
                "cancelled_by_id": None,
                "cancel_reason": None,
                "late_cancellation": False,
                "override_reason": None,
                "attendance_marked_at": None,
                "completed_on": None,
                "result_marked_by_id": None,
                "updated_at": requested,
            }
            out.append(item)
            return item

        def decide(item: dict[str, Any], slot: Slot, latest: datetime) -> datetime:
            """The approval (for courses that need one): when, by whom."""
            if not course.approval:
                return item["requested_at"]
            requested = item["requested_at"]
            decided = between(rng, requested + timedelta(hours=2), requested + timedelta(days=4))
            decided = min(decided, latest)
            decided = max(decided, requested)
            item["decided_at"] = decided
            item["decided_by_id"] = self.approver(slot.employee_id)
            return decided

        cancel_by = (self.people.trainer_user if session.trainer else None) or self.people.hr_user
        for slot in session.slots:
            kind = slot.kind
            if session.cancelled_at is not None:
                requested = between(rng, opened, last)
                item = row(slot, S.CANCELLED, requested)
                decide(item, slot, session.cancelled_at)
                item.update(
                    cancelled_at=session.cancelled_at,
                    cancelled_by_id=self.people.hr_user,
                    cancel_reason=session.cancel_reason,
                    updated_at=session.cancelled_at,
                )
                continue
            if kind == SEAT:
                requested = between(rng, opened, last)
                item = row(slot, S.CONFIRMED, requested)
                confirmed = decide(item, slot, last)
                item["confirmed_at"] = item["updated_at"] = confirmed
                seated_times.append(requested)
                self.outcome(session, slot, item, phase)
            elif kind == PENDING:
                item = row(
                    slot, S.PENDING, between(rng, max(opened, now - timedelta(days=10)), last)
                )
            elif kind == DECLINED:
                item = row(slot, S.DECLINED, between(rng, opened, last))
                decide(item, slot, last)
                item["decline_reason"] = rng.choice(DECLINE_REASONS)
                item["updated_at"] = item["decided_at"]
            elif kind == EXPIRED:
                item = row(slot, S.EXPIRED, between(rng, opened, last))
                item["updated_at"] = session.enrolment_deadline + timedelta(
                    minutes=rng.randint(5, 50)
                )
            elif kind in (CANCEL, LATE_CANCEL):
                requested = between(rng, opened, last)
                item = row(slot, S.CANCELLED, requested)
                decided = decide(item, slot, last)
                item["confirmed_at"] = decided
                late = kind == LATE_CANCEL
                if late:
                    cancelled = between(
                        rng, session.cancellation_deadline, min(session.starts_at, now)
                    )
                    by, reason = cancel_by, rng.choice(LATE_CANCEL_REASONS)
                else:
                    end = min(session.cancellation_deadline, now) - timedelta(minutes=30)
                    cancelled = between(rng, decided + timedelta(hours=1), end)
                    by = self.people.accounts.get(slot.employee_id) or self.people.hr_user
                    reason = rng.choice(CANCEL_REASONS)
                item.update(
                    cancelled_at=cancelled,
                    cancelled_by_id=by,
                    cancel_reason=reason,
                    late_cancellation=late,
                    updated_at=cancelled,
                )
        # The waiting list: requested after the last seat went, ranked by request time.
        waiting = session.kinds(WAIT) if session.cancelled_at is None else []
        if waiting:
            full_at = max(seated_times, default=opened)
            times = sorted(between(rng, full_at, last) for _ in waiting)
            for slot, requested in zip(waiting, times, strict=True):
                item = row(slot, S.WAITLISTED, requested)
                decided = decide(item, slot, last)
                item["waitlist_rank"] = requested.timestamp()
                item["updated_at"] = decided
        return out

    def outcome(
        self, session: PlannedSession, slot: Slot, item: dict[str, Any], phase: str
    ) -> None:
        """What became of a seat: still confirmed (upcoming, or waiting for the demo
        trainer), attended, completed, failed or no-show."""
        rng, now = self.rng, self.now
        if phase == "future":
            return
        if phase == "running":
            if slot.state is None and rng.random() < 0.4:
                done = between(rng, session.starts_at + timedelta(days=1), now - timedelta(hours=1))
                self._mark(item, S.COMPLETED, done, self.people.hr_user)
            return
        if session.awaiting == "attendance":
            return
        marked = between(
            rng,
            session.ends_at + timedelta(minutes=30),
            min(session.ends_at + timedelta(hours=36), now - timedelta(minutes=10)),
        )
        if session.course.format == SP:
            marked = between(rng, session.starts_at + timedelta(days=2), session.ends_at)
        if session.awaiting == "results":
            state = S.NO_SHOW if rng.random() < 0.12 else S.ATTENDED
            self._mark(item, state, marked, self.marker(session))
            return
        state = slot.state
        if state is None:
            roll = rng.random()
            exam = session.course.level != BASIC or session.course.format == SP
            state = S.NO_SHOW if roll < 0.07 else S.FAILED if exam and roll < 0.11 else S.COMPLETED
        self._mark(item, state, marked, self.marker(session))

    @staticmethod
    def _mark(item: dict[str, Any], state: EnrolmentState, at: datetime, by: int | None) -> None:
        item["state"] = state.value
        item["attendance_marked_at"] = at
        item["result_marked_by_id"] = by
        item["updated_at"] = at
        if state == S.COMPLETED:
            item["completed_on"] = to_berlin(at).date()
