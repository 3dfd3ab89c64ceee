"""Planning the demo's sessions: every course's sessions spread over the year (dates,
places, capacity, the demo trainer's calendar) and how full each gets ("profiles").
The planner's parts share its state (``Planner`` in ``planner.py``)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from academy.clock import berlin_to_utc
from courses.catalogue.models import (
    CourseFormat,
    CourseLevel,
    Provider,
)
from courses.demo.catalogue import (
    COURSES,
    EXTERNAL_ROOMS,
    KC_ROOMS,
    LEARN_URL,
    MEET_URL,
    ROOMS,
    SESSION_CANCEL_REASONS,
    CourseSpec,
)
from courses.enrolment.models import EnrolmentState

#: Enrolments per employee the demo aims at (about 3,000 at 5,000 employees).
ENROLMENTS_PER_EMPLOYEE = 0.6
#: Sessions per course (``CourseSpec.sessions``) are meant for this many employees.
REFERENCE_EMPLOYEES = 5000
#: Sessions lie within this many days before and after the demo's day.
HORIZON_DAYS = 180
ENROL_DEADLINE = timedelta(days=7)
CANCEL_DEADLINE = timedelta(days=3)
#: The demo trainer's sessions that ended this recently still wait for her marks.
AWAITING_DAYS = 14
#: Days between two sessions of the demo trainer (at most about one and a half a week).
TRAINER_GAP_DAYS = 2

S = EnrolmentState
SEATED = frozenset({S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.COMPLETED, S.FAILED})


ON, B, SP = CourseFormat.ONLINE, CourseFormat.BLENDED, CourseFormat.SELF_PACED
BASIC = CourseLevel.BASIC
INT, KC = Provider.INTERNAL, Provider.KOMMUNALCAMPUS

#: Kinds of places in a session, before the session's timing decides the final state.
SEAT, WAIT, PENDING, DECLINED, EXPIRED, CANCEL, LATE_CANCEL = (
    "seat", "wait", "pending", "declined", "expired", "cancel", "late_cancel",
)  # fmt: skip


@dataclass
class Slot:
    employee_id: int
    kind: str
    state: EnrolmentState | None = None  #: forced final state (demo people)


@dataclass
class PlannedSession:
    index: int
    course: CourseSpec
    start_day: date
    end_day: date
    starts_at: datetime
    ends_at: datetime
    location: str | None
    online_url: str | None
    capacity: int
    min_participants: int
    trainer: bool = False
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    profile: str = "normal"
    #: How many places of each kind; SEAT counts may be scaled to the budget.
    counts: dict[str, int] = field(default_factory=dict)
    scalable: bool = False
    slots: list[Slot] = field(default_factory=list)
    awaiting: str | None = None  #: "attendance" | "results" (the demo trainer's recent ones)

    @property
    def enrolment_deadline(self) -> datetime:
        return self.starts_at - ENROL_DEADLINE

    @property
    def cancellation_deadline(self) -> datetime:
        return self.starts_at - CANCEL_DEADLINE

    def phase(self, today: date) -> str:
        if self.end_day < today:
            return "past"
        if self.start_day < today:
            return "running"
        return "future"

    def deadline_passed(self, today: date) -> bool:
        return self.start_day - ENROL_DEADLINE < today

    def kinds(self, kind: str) -> list[Slot]:
        return [s for s in self.slots if s.kind == kind]


@dataclass
class CoursePlan:
    courses: tuple[CourseSpec, ...]
    sessions: list[PlannedSession]
    #: Enrolment rows without ``session_id``/``course_id``: ``session`` is the index.
    enrolments: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    trainer_user: int | None  #: the demo trainer's account (trainer of her sessions)


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


class SessionScheduling:
    """The planner's dates and profiles (a part of ``Planner``)."""

    # -- dates ----------------------------------------------------------------------

    def _days(self, course: CourseSpec) -> int:
        if course.format == SP:
            return 7 * self.rng.randint(6, 11) - 2  # Monday to Friday, weeks later
        return max(1, math.ceil(course.ue / 8))

    def _fix_start(self, start: date, days: int, self_paced: bool) -> date:
        """Move ``start`` forward so that the session fits into the working week (a
        self-paced window runs from a Monday to a Friday), does not touch the demo's day
        and has no deadline on it."""
        today = self.today
        while True:
            if self_paced and start.weekday() != 0:
                start += timedelta(days=7 - start.weekday())  # next Monday
                continue
            if start.weekday() + days - 1 > 4 and not self_paced:
                start += timedelta(days=7 - start.weekday())
                continue
            end = start + timedelta(days=days - 1)
            # A running self-paced window is fine, only not starting or ending today.
            touches_today = today in (start, end) if self_paced else start <= today <= end
            if touches_today or (start - today).days in (3, 7):
                start += timedelta(days=7 if self_paced else 1)
                continue
            return start

    def _times(self, course: CourseSpec, start: date, days: int) -> tuple[datetime, datetime]:
        end = start + timedelta(days=days - 1)
        if course.format == SP:
            begin, finish = time(8, 0), time(18, 0)
        elif course.ue <= 2:
            begin, finish = time(10, 0), time(11, 30)
        elif course.ue <= 4:
            begin, finish = self.rng.choice(
                ((time(9, 0), time(12, 15)), (time(13, 0), time(16, 15)))
            )
        else:
            begin, finish = time(9, 0), time(16, 0)
        return (
            berlin_to_utc(datetime.combine(start, begin)),
            berlin_to_utc(datetime.combine(end, finish)),
        )

    def _place(self, course: CourseSpec, start: date) -> tuple[str | None, str | None]:
        slug = f"{course.code.lower()}-{start:%Y%m%d}"
        if course.format == SP:
            return "Lernplattform (E-Learning)", f"{LEARN_URL}{course.code.lower()}"
        if course.format == ON:
            return "Online (Videokonferenz)", f"{MEET_URL}{slug}"
        rooms = (
            ROOMS
            if course.provider == INT
            else KC_ROOMS
            if course.provider == KC
            else (EXTERNAL_ROOMS)
        )
        room = self.rng.choice(rooms)
        return room, f"{MEET_URL}{slug}" if course.format == B else None

    def _capacity(self, course: CourseSpec) -> tuple[int, int]:
        if course.format == SP:
            return self.rng.choice((30, 40, 40, 50, 60)), 0
        if course.format == ON:
            capacity = self.rng.choice((12, 15, 16, 18, 20, 20))
        else:
            capacity = self.rng.choice((8, 10, 12, 12, 14, 15, 16, 16, 18, 20))
        return capacity, max(3, capacity // 3)

    def _trainer_free(self, start: date, end: date) -> bool:
        """No other session of the demo trainer within a few days (she also prepares)."""
        gap = timedelta(days=TRAINER_GAP_DAYS)
        return all(end + gap < s or start - gap > e for s, e in self.trainer_busy)

    def add_session(
        self, course: CourseSpec, wanted: date, *, trainer: bool | None = None
    ) -> PlannedSession:
        days = self._days(course)
        if course.format == SP:  # the whole window within the horizon
            overflow = (wanted + timedelta(days=days + 6) - self.today).days - HORIZON_DAYS
            wanted -= timedelta(days=max(overflow, 0))
        start = self._fix_start(wanted, days, course.format == SP)
        while (course.code, start) in self.starts:  # one session of a course per day
            start = self._fix_start(start + timedelta(days=1), days, course.format == SP)
        self.starts.add((course.code, start))
        end = start + timedelta(days=days - 1)
        if trainer is None:
            trainer = course.trainer and self._trainer_free(start, end)
        if trainer:
            self.trainer_busy.append((start, end))
        starts_at, ends_at = self._times(course, start, days)
        location, url = self._place(course, start)
        capacity, minimum = self._capacity(course)
        session = PlannedSession(
            index=len(self.sessions),
            course=course,
            start_day=start,
            end_day=end,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            online_url=url,
            capacity=capacity,
            min_participants=minimum,
            trainer=trainer,
        )
        self.sessions.append(session)
        self.by_course.setdefault(course.code, []).append(session)
        return session

    def schedule(self) -> None:
        """Every course's sessions, spread over the year; first the demo trainer's two
        recent sessions (so that she has something to mark)."""
        # The demo trainer's two recent sessions first: on the latest weekday at least two
        # (and eight) days ago.
        for code, back in (("AGI-101", 2), ("EAK-101", 8)):
            wanted = self.today - timedelta(days=back)
            while wanted.weekday() > 4:
                wanted -= timedelta(days=1)
            self.add_session(self.by_code[code], wanted, trainer=True)
        for course in COURSES:
            count = max(1, round(course.sessions * self.scale))
            if course.archived:
                first, span = -HORIZON_DAYS + 5, HORIZON_DAYS - 40
            else:
                count = max(2, count)
                first, span = -HORIZON_DAYS + 5, 2 * HORIZON_DAYS - 20
            if course.code in ("AGI-101", "EAK-101"):
                count = max(1, count - 1)
            spacing = span / count
            for i in range(count):
                offset = first + spacing * (i + 0.5) + self.rng.uniform(-0.35, 0.35) * spacing
                self.add_session(course, self.today + timedelta(days=round(offset)))
        for sessions in self.by_course.values():
            sessions.sort(key=lambda s: (s.starts_at, s.index))
        # The demo trainer's recent sessions: the latest waits for attendance, the
        # others of the last two weeks for results.
        recent_sessions = sorted(
            (
                s
                for s in self.sessions
                if s.trainer
                and s.phase(self.today) == "past"
                and (self.today - s.end_day).days <= AWAITING_DAYS
            ),
            key=lambda s: s.ends_at,
        )
        for i, session in enumerate(reversed(recent_sessions)):
            session.awaiting = "attendance" if i == 0 else "results"

    # -- how full ---------------------------------------------------------------------

    def profile(self, session: PlannedSession) -> None:
        rng, course, today = self.rng, session.course, self.today
        cap, minimum = session.capacity, session.min_participants
        phase = session.phase(today)
        approval = course.approval
        counts = dict.fromkeys((SEAT, WAIT, PENDING, DECLINED, EXPIRED, CANCEL, LATE_CANCEL), 0)
        session.counts = counts
        special = session.awaiting is not None
        if not special and course.format != SP and rng.random() < 0.04:
            session.profile = "cancelled"
            counts[CANCEL] = rng.randint(1, max(1, minimum - 1))
            if phase == "future":
                latest = min(self.now, session.starts_at - ENROL_DEADLINE)
                session.cancelled_at = between(rng, latest - timedelta(days=10), latest)
            else:
                session.cancelled_at = session.starts_at - timedelta(days=rng.randint(4, 10))
            session.cancel_reason = rng.choice(SESSION_CANCEL_REASONS)
            return
        roll = rng.random()
        if phase == "future" and course.format != SP:
            if roll < 0.14:
                session.profile = "full"
                counts[SEAT], counts[WAIT] = cap, rng.randint(1, 5)
            elif roll < 0.26:
                session.profile = "nearly_full"
                counts[SEAT] = cap - rng.randint(1, 2)
            elif roll < 0.33:
                session.profile = "low"
                counts[SEAT] = rng.randint(1, max(1, minimum - 1))
            else:
                counts[SEAT] = round(cap * rng.uniform(0.35, 0.85))
                session.scalable = True
        elif phase == "past" and roll < 0.2 and course.format != SP:
            session.profile = "full"
            counts[SEAT] = cap
        else:
            counts[SEAT] = round(cap * rng.uniform(0.45, 0.95))
            session.scalable = True
        if approval:
            if phase == "future" and not session.deadline_passed(today):
                counts[PENDING] = rng.choice((0, 0, 1, 1, 2, 3))
            elif rng.random() < 0.35:
                counts[EXPIRED] = rng.randint(1, 2)
            if rng.random() < 0.3:
                counts[DECLINED] = 1
        cancels = rng.choice((0, 0, 1, 1, 2))
        if phase == "past" and rng.random() < 0.35:
            counts[LATE_CANCEL] = 1
        counts[CANCEL] = cancels

    def ensure_profiles(self) -> None:
        """At least a few upcoming sessions are full (with a waiting list) and a few nearly
        full, however the dice fell (small demos have few upcoming sessions)."""
        upcoming = [
            s
            for s in self.sessions
            if s.phase(self.today) == "future" and s.course.format != SP and s.awaiting is None
        ]
        wanted = max(3, round(len(upcoming) * 0.05))
        for profile in ("full", "nearly_full"):
            missing = wanted - sum(s.profile == profile for s in upcoming)
            candidates = [s for s in upcoming if s.profile == "normal"]
            for session in self.rng.sample(candidates, min(max(missing, 0), len(candidates))):
                session.profile, session.scalable = profile, False
                if profile == "full":
                    session.counts[SEAT], session.counts[WAIT] = session.capacity, 2
                else:
                    session.counts[SEAT] = session.capacity - 1

    def fit_budget(self) -> None:
        """Scale the ordinary sessions' seats and cancellations down so the total comes
        near the budget; the full and nearly full sessions stay as they are. Only small
        demos (fewer than about 2,000 employees) need it: every course has at least two
        sessions there, so they end up with more than the budget all the same."""
        total = sum(sum(s.counts.values()) for s in self.sessions)
        scalable = sum(s.counts[SEAT] + s.counts[CANCEL] for s in self.sessions if s.scalable)
        if total <= self.budget or not scalable:
            return
        factor = max(0.3, 1 - (total - self.budget) / scalable)
        for session in self.sessions:
            if session.scalable:
                for kind, least in ((SEAT, 1), (CANCEL, 0)):
                    fixed = max(least, len(session.kinds(kind)))
                    session.counts[kind] = max(fixed, round(session.counts[kind] * factor))
