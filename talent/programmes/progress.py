"""Progress of cohort members against the programme's schedule (read side only).

A member's items are the programme's required courses and its milestones, each due
``cohort.starts_on + due_offset_days``. A course is done when the member has a completed
enrolment of it (any date, also before the cohort started; the earliest completion
counts), a milestone when it was signed off (``met_on``). An item is overdue when its due
date has passed and it is not done; a member with an overdue item is behind schedule.

Progress is derived, never stored: ``member_progress`` works it out for any number of
members with the same four statements (curriculum courses, milestones, completions,
sign-offs), ``cohort_progress`` adds one for the members themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from academy.accounts.models import User
from academy.audit.log import access_purpose, record_accesses
from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course
from courses.enrolment.models import Enrolment, EnrolmentState
from talent.programmes.cohort_models import CohortMember, MilestoneSignoff
from talent.programmes.models import Cohort, MemberState, Milestone, ProgrammeCourse

COURSE = "course"
MILESTONE = "milestone"


@dataclass
class Item:
    """One entry of a member's curriculum: a required course or a milestone.

    ``id`` is the ``ProgrammeCourse`` id for a course, the ``Milestone`` id for a
    milestone."""

    kind: str
    id: int
    title: str
    due_on: date
    done_on: date | None
    overdue: bool
    milestone_kind: str | None = None
    course_id: int | None = None

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass
class MemberProgress:
    member: CohortMember
    items: list[Item] = field(default_factory=list)
    done: int = 0
    total: int = 0
    percent: int = 0
    due_by_today: int = 0
    behind: bool = False
    next_item: Item | None = None

    @property
    def overdue(self) -> list[Item]:
        return [item for item in self.items if item.overdue]

    @property
    def open_milestones(self) -> list[Item]:
        return [item for item in self.items if item.kind == MILESTONE and not item.done]

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def _sort_key(item: Item) -> tuple[date, int, str, int]:
    return (item.due_on, 0 if item.kind == COURSE else 1, item.title, item.id)


def summarise(member: CohortMember, items: list[Item], today: date) -> MemberProgress:
    """The figures of one member from their items (pure: no database)."""
    items = sorted(items, key=_sort_key)
    done = sum(1 for item in items if item.done)
    total = len(items)
    return MemberProgress(
        member=member,
        items=items,
        done=done,
        total=total,
        percent=done * 100 // total if total else 0,
        due_by_today=sum(1 for item in items if item.due_on <= today),
        behind=any(item.overdue for item in items),
        next_item=next((item for item in items if not item.done), None),
    )


def member_progress(members: Sequence[CohortMember], today: date) -> dict[int, MemberProgress]:
    """Progress of each member by member id, in a constant number of statements."""
    if not members:
        return {}
    cohort_ids = {m.cohort_id for m in members}
    courses = db.session.execute(
        select(
            Cohort.id,
            Cohort.starts_on,
            ProgrammeCourse.id,
            ProgrammeCourse.course_id,
            ProgrammeCourse.due_offset_days,
            Course.title,
        )
        .join(ProgrammeCourse, ProgrammeCourse.programme_id == Cohort.programme_id)
        .join(Course, Course.id == ProgrammeCourse.course_id)
        .where(Cohort.id.in_(cohort_ids))
    ).all()
    milestones = db.session.execute(
        select(
            Cohort.id,
            Cohort.starts_on,
            Milestone.id,
            Milestone.kind,
            Milestone.due_offset_days,
            Milestone.title,
        )
        .join(Milestone, Milestone.programme_id == Cohort.programme_id)
        .where(Cohort.id.in_(cohort_ids))
    ).all()

    completed: dict[tuple[int, int], date] = {}
    course_ids = {row[3] for row in courses}
    if course_ids:
        rows = db.session.execute(
            select(Enrolment.employee_id, Enrolment.course_id, func.min(Enrolment.completed_on))
            .where(
                Enrolment.state == EnrolmentState.COMPLETED.value,
                Enrolment.employee_id.in_({m.employee_id for m in members}),
                Enrolment.course_id.in_(course_ids),
            )
            .group_by(Enrolment.employee_id, Enrolment.course_id)
        )
        completed = {(emp, course): on for emp, course, on in rows if on is not None}

    signed: dict[tuple[int, int], date] = {}
    if milestones:
        rows = db.session.execute(
            select(
                MilestoneSignoff.member_id, MilestoneSignoff.milestone_id, MilestoneSignoff.met_on
            ).where(MilestoneSignoff.member_id.in_({m.id for m in members}))
        )
        signed = {(member_id, milestone_id): on for member_id, milestone_id, on in rows}

    by_cohort_courses: dict[int, list[tuple]] = defaultdict(list)
    for row in courses:
        by_cohort_courses[row[0]].append(row)
    by_cohort_milestones: dict[int, list[tuple]] = defaultdict(list)
    for row in milestones:
        by_cohort_milestones[row[0]].append(row)

    result: dict[int, MemberProgress] = {}
    for member in members:
        items: list[Item] = []
        for _cid, starts_on, pc_id, course_id, offset, title in by_cohort_courses[member.cohort_id]:
            due_on = starts_on + timedelta(days=offset)
            done_on = completed.get((member.employee_id, course_id))
            items.append(
                Item(
                    kind=COURSE,
                    id=pc_id,
                    title=title,
                    due_on=due_on,
                    done_on=done_on,
                    overdue=done_on is None and due_on < today,
                    course_id=course_id,
                )
            )
        for _cid, starts_on, ms_id, kind, offset, title in by_cohort_milestones[member.cohort_id]:
            due_on = starts_on + timedelta(days=offset)
            done_on = signed.get((member.id, ms_id))
            items.append(
                Item(
                    kind=MILESTONE,
                    id=ms_id,
                    title=title,
                    due_on=due_on,
                    done_on=done_on,
                    overdue=done_on is None and due_on < today,
                    milestone_kind=kind,
                )
            )
        result[member.id] = summarise(member, items, today)
    return result


def progress_of(member: CohortMember, today: date) -> MemberProgress:
    return member_progress([member], today)[member.id]


def _members_statement() -> Select[tuple[CohortMember]]:
    return (
        select(CohortMember)
        .join(Employee, Employee.id == CohortMember.employee_id)
        .options(
            contains_eager(CohortMember.employee),
            joinedload(CohortMember.mentor),
        )
        .order_by(Employee.last_name, Employee.first_name, CohortMember.id)
    )


def cohort_progress(cohort: Cohort, today: date) -> list[MemberProgress]:
    """Every member of the cohort (all states), ordered by name, with their progress."""
    members = list(
        db.session.scalars(_members_statement().where(CohortMember.cohort_id == cohort.id))
    )
    progress = member_progress(members, today)
    return [progress[m.id] for m in members]


def mentees_progress(mentor: Employee | int, today: date) -> list[MemberProgress]:
    """The active members someone mentors, ordered by name, with their progress."""
    mentor_id = mentor if isinstance(mentor, int) else mentor.id
    members = list(
        db.session.scalars(
            _members_statement()
            .options(joinedload(CohortMember.cohort).joinedload(Cohort.programme))
            .where(
                CohortMember.mentor_id == mentor_id, CohortMember.state == MemberState.ACTIVE.value
            )
        )
    )
    progress = member_progress(members, today)
    return [progress[m.id] for m in members]


def log_progress_views(actor: User, members: Iterable[CohortMember], now: datetime) -> None:
    """Data protection: one access-log row per person whose progress ``actor`` is shown
    (their own view is not logged)."""
    ids = [m.employee_id for m in members]
    purpose = access_purpose("programme_progress")
    record_accesses(actor, ids, "programme_progress", purpose, now=now)


def programme_relations(employee_id: int) -> tuple[bool, bool]:
    """(has a membership of any cohort, mentors an active member), in one statement."""
    row = db.session.execute(
        select(
            select(CohortMember.id).where(CohortMember.employee_id == employee_id).exists(),
            select(CohortMember.id)
            .where(
                CohortMember.mentor_id == employee_id,
                CohortMember.state == MemberState.ACTIVE.value,
            )
            .exists(),
        )
    ).one()
    return bool(row[0]), bool(row[1])
