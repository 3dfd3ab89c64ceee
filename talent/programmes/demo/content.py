"""Data of the fast-track programmes demo (``talent.programmes.demo.steps``): the programme
and its parameters (``programme.toml``) and the German demo texts (``texts.toml``) as
Python values, the dates of the three intakes, and the shapes of what the step reads
(``Person``, ``Staff``, ``SessionSeat``, ``CourseRecord``) and plans
(``PlannedApplication``, ``PlannedMember``, ``ProgrammePlan``). No database access.
"""

from __future__ import annotations

import calendar
import random
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from academy.clock import berlin_to_utc, years_between
from talent.programmes.models import ApplicationState, Endorsement, MemberState, MilestoneKind

# ---------------------------------------------------------------------------
# The programme and the texts (German data in programme.toml and texts.toml)
# ---------------------------------------------------------------------------

HERE = Path(__file__).resolve().parent


def _load(name: str) -> dict[str, Any]:
    with (HERE / name).open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    kind: MilestoneKind
    title: str
    description: str
    offset: int


_PROGRAMME = _load("programme.toml")
_TEXTS = _load("texts.toml")

CODE: str = _PROGRAMME["code"]
TITLE: str = _PROGRAMME["title"]
LENGTH_MONTHS: int = _PROGRAMME["length_months"]
DESCRIPTION: str = _PROGRAMME["description"]
#: (course code, due offset in days).
CURRICULUM: tuple[tuple[str, int], ...] = tuple(
    (c["course"], c["due_offset_days"]) for c in _PROGRAMME["curriculum"]
)
#: Courses members of the running intake may have completed ahead of schedule.
AHEAD_COURSES: tuple[str, ...] = tuple(_PROGRAMME["ahead_courses"])
MILESTONES: tuple[MilestoneSpec, ...] = tuple(
    MilestoneSpec(
        m["key"], MilestoneKind(m["kind"]), m["title"], m["description"], m["due_offset_days"]
    )
    for m in _PROGRAMME["milestones"]
)
#: Target competences and their level.
TARGETS: tuple[tuple[str, int], ...] = tuple(
    (t["competence"], t["level"]) for t in _PROGRAMME["targets"]
)
#: (name, description, weight)
CRITERIA: tuple[tuple[str, str, int], ...] = tuple(
    (c["name"], c["description"], c["weight"]) for c in _PROGRAMME["criteria"]
)

_ELIGIBILITY = _PROGRAMME["eligibility"]
MIN_SERVICE_YEARS: int = _ELIGIBILITY["min_service_years"]
MAX_SERVICE_YEARS: int = _ELIGIBILITY["max_service_years"]
PAY_GROUPS: tuple[str, ...] = tuple(_ELIGIBILITY["pay_groups"])
MENTOR_YEARS: int = _ELIGIBILITY["mentor_years"]

_INTAKES = _PROGRAMME["intakes"]
RUNNING_SEATS: int = _INTAKES["running_seats"]
SELECTION_SEATS: int = _INTAKES["selection_seats"]
SELECTION_APPLICATIONS: tuple[int, int] = tuple(_INTAKES["selection_applications"])
RUNNING_REJECTED: tuple[int, int] = tuple(_INTAKES["running_rejected"])

_DAYS = _PROGRAMME["selection_days"]
SCORING_DAYS: tuple[int, int] = tuple(_DAYS["scoring"])
FIRST_PROPOSAL: int = _DAYS["first_proposal"]
OBJECTED: int = _DAYS["objected"]
SECOND_PROPOSAL: int = _DAYS["second_proposal"]
CONSENTED: int = _DAYS["consented"]
DECISIONS: int = _DAYS["decisions"]

OPENINGS: tuple[str, ...] = tuple(_TEXTS["openings"])
MIDDLES: tuple[str, ...] = tuple(_TEXTS["middles"])
CLOSINGS: tuple[str, ...] = tuple(_TEXTS["closings"])
EMPLOYEE_MOTIVATION: str = _TEXTS["employee_motivation"]
ENDORSED: tuple[str, ...] = tuple(_TEXTS["endorsed"])
NOT_ENDORSED: tuple[str, ...] = tuple(_TEXTS["not_endorsed"])
EMPLOYEE_ENDORSEMENT: str = _TEXTS["employee_endorsement"]
NOMINATION_NOTES: tuple[str, ...] = tuple(_TEXTS["nomination_notes"])
NOMINEE_MOTIVATION: str = _TEXTS["nominee_motivation"]
#: Score comments per criterion (by position) and score band (0–1, 2–3, 4–5).
SCORE_COMMENTS: tuple[dict[str, tuple[str, ...]], ...] = tuple(
    {band: tuple(texts) for band, texts in comments.items()}
    for comments in _TEXTS["score_comments"]
)
OBJECTION_NOTE: str = _TEXTS["objection_note"]
OBJECTION: str = _TEXTS["objection"]
CONSENT_NOTE: str = _TEXTS["consent_note"]
CONSENT: str = _TEXTS["consent"]
DROP_OUT_REASONS: tuple[str, ...] = tuple(_TEXTS["drop_out_reasons"])
SIGNOFF_NOTES: dict[str, tuple[str, ...]] = {
    key: tuple(notes) for key, notes in _TEXTS["signoff_notes"].items()
}
#: Added to sign-offs that HR recorded for a mentor without an account.
HR_SIGNOFF: str = _TEXTS["hr_signoff"]

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (the last day of a shorter month when needed)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Timeline:
    """The dates of the three intakes, relative to the demo's day."""

    today: date
    running_start: date
    running_end: date
    running_open: date
    running_close: date
    selection_open: date
    selection_close: date
    selection_start: date
    selection_end: date
    draft_open: date
    draft_close: date
    draft_start: date
    draft_end: date

    @classmethod
    def of(cls, today: date) -> Timeline:
        start = add_months(today.replace(day=1), -7)
        close = start - timedelta(days=98)
        selection_close = today - timedelta(days=4)
        selection_start = add_months(today.replace(day=1), 3)
        draft_open = selection_start + timedelta(days=240)
        draft_close = draft_open + timedelta(days=42)
        draft_start = add_months(draft_close.replace(day=1), 4)
        return cls(
            today=today,
            running_start=start,
            running_end=add_months(start, LENGTH_MONTHS),
            running_open=close - timedelta(days=42),
            running_close=close,
            selection_open=selection_close - timedelta(days=42),
            selection_close=selection_close,
            selection_start=selection_start,
            selection_end=add_months(selection_start, LENGTH_MONTHS),
            draft_open=draft_open,
            draft_close=draft_close,
            draft_start=draft_start,
            draft_end=add_months(draft_start, LENGTH_MONTHS),
        )

    @property
    def yesterday_evening(self) -> datetime:
        """The latest moment anything of the demo happened (never on the demo's day)."""
        return berlin_to_utc(datetime.combine(self.today - timedelta(days=1), time(18, 0)))

    # The running intake's selection, days after the close of applications.
    def running_step(self, days: int) -> date:
        return self.running_close + timedelta(days=days)


def office_time(rng: random.Random, day: date, first: int = 8, last: int = 17) -> datetime:
    """A moment during office hours (Berlin) on ``day``, in UTC."""
    minute = rng.randint(first * 60, last * 60 - 1)
    return berlin_to_utc(datetime.combine(day, time(minute // 60, minute % 60)))


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=int(rng.uniform(0, (end - start).total_seconds())))


# ---------------------------------------------------------------------------
# Who: the staff as the core step created them
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    department: str  #: department code
    pay_group: str | None
    entry: date | None
    name: str

    @property
    def office(self) -> str:
        """The office (Amt) the department belongs to: "12.2" → "12"."""
        return self.department.split(".")[0]


def pay_level(pay_group: str | None) -> int:
    """``"E 9a"`` → 9, ``"A 12"`` → 12; 0 when unknown."""
    digits = "".join(ch for ch in (pay_group or "").split(" ")[-1] if ch.isdigit())
    return int(digits) if digits else 0


@dataclass
class Staff:
    people: dict[int, Person]
    order: list[int]  #: employee ids in personnel-number order
    user_of: dict[int, int]  #: employee id → user id (the demo accounts)
    employee_of: dict[str, int]  #: demo account key → employee id
    users: dict[str, int]  #: demo account key → user id
    team: set[int]  #: the demo head's subtree, without him
    unit_names: dict[str, str]  #: department code → name

    def endorser(self, employee_id: int) -> int | None:
        """The user who states the head's opinion: the demo head for his team, nobody
        with an account otherwise."""
        return self.users.get("head") if employee_id in self.team else None

    def eligible(self, employee_id: int, close_on: date) -> bool:
        person = self.people[employee_id]
        if person.entry is None or person.pay_group not in PAY_GROUPS:
            return False
        years = years_between(person.entry, close_on)
        return MIN_SERVICE_YEARS <= years <= MAX_SERVICE_YEARS

    def service_years(self, employee_id: int, on: date) -> int:
        entry = self.people[employee_id].entry
        return years_between(entry, on) if entry else 0


# ---------------------------------------------------------------------------
# The courses step's sessions and enrolments of the curriculum
# ---------------------------------------------------------------------------


@dataclass
class SessionSeat:
    id: int
    course_id: int
    starts_at: datetime
    ends_at: datetime
    enrolment_deadline: datetime
    self_paced: bool
    approval: bool
    trainer_id: int | None
    free: int
    added: int = 0


@dataclass
class CourseRecord:
    course_ids: dict[str, int]  #: curriculum course code → id
    sessions: dict[int, list[SessionSeat]]  #: course id → usable past sessions, earliest first
    completed: set[tuple[int, int]]  #: (employee, course) with a completed enrolment
    enrolled: set[tuple[int, int]]  #: (employee, course) with any enrolment
    busy: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


#: Adds the busy times of the given people to the record (``load_busy``).
BusyLoader = Callable[[CourseRecord, Sequence[int]], None]

# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


@dataclass
class PlannedApplication:
    cohort: str  #: "running" | "selection"
    employee_id: int
    state: ApplicationState
    submitted_at: datetime | None
    motivation: str | None
    endorsement: Endorsement = Endorsement.PENDING
    endorsed_by: int | None = None
    endorsement_comment: str | None = None
    endorsed_at: datetime | None = None
    nominated_by: int | None = None
    nomination_note: str | None = None
    withdrawn_at: datetime | None = None
    proposed: bool = False
    decided_at: datetime | None = None
    created_at: datetime | None = None
    #: criterion position → (score, comment, scored at)
    scores: dict[int, tuple[int, str, datetime]] = field(default_factory=dict)

    def weighted(self) -> Decimal | None:
        if len(self.scores) < len(CRITERIA):
            return None
        total = sum(self.scores[i][0] * CRITERIA[i][2] for i in range(len(CRITERIA)))
        weights = sum(weight for _, _, weight in CRITERIA)
        return (Decimal(total) / Decimal(weights)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class PlannedMember:
    employee_id: int
    mentor_id: int | None
    state: MemberState = MemberState.ACTIVE
    dropped_out_on: date | None = None
    drop_out_reason: str | None = None
    #: milestone key → (met on, signed off at, by user, note)
    signoffs: dict[str, tuple[date, datetime, int | None, str]] = field(default_factory=dict)
    role: str = "on_track"  #: "on_track" | "behind" | "dropped"


@dataclass
class ProgrammePlan:
    timeline: Timeline
    applications: list[PlannedApplication]
    members: list[PlannedMember]
    enrolments: list[dict[str, Any]]
    seats_added: dict[int, int]  #: session id → completed enrolments added
