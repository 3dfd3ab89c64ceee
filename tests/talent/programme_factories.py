"""Factories for the fast-track tests: programmes, cohorts, applications, scores and
members as real rows (no services, no audit entries, no notifications).

    from tests.talent import programme_factories as pf
    prog = pf.programme(courses=[course_a], milestones=2)
    cohort = pf.cohort(prog, status=CohortStatus.OPEN, criteria=[("Motivation", 2)])
    app = pf.application(cohort, employee, endorsement=Endorsement.ENDORSED)
    pf.score(app, cohort.criteria[0], 4)
    member = pf.member(cohort, employee, mentor=other_employee)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

from academy.extensions import db
from academy.org.models import Employee
from courses.catalogue.models import Course
from talent.programmes.cohort_models import Application, CohortMember, MilestoneSignoff, Score
from talent.programmes.models import (
    ApplicationState,
    Cohort,
    CohortStatus,
    Endorsement,
    Milestone,
    MilestoneKind,
    Programme,
    ProgrammeCourse,
    SelectionCriterion,
)
from tests.talent.factories import NOW

_seq = itertools.count(1)
TODAY = NOW.date()


def programme(
    *,
    courses: Sequence[Course] = (),
    course_offsets: Sequence[int] | None = None,
    milestones: int = 0,
    length_months: int = 18,
    title: str | None = None,
) -> Programme:
    """A programme whose required courses are due 30, 60, … days after the start (or
    ``course_offsets``) and with ``milestones`` milestones due 90, 180, … days after."""
    n = next(_seq)
    prog = Programme(
        code=f"FT{n}",
        title=title or f"Nachwuchsprogramm {n}",
        description="Ein Programm für Nachwuchskräfte.",
        length_months=length_months,
    )
    db.session.add(prog)
    db.session.flush()
    offsets = list(course_offsets or [30 * (i + 1) for i in range(len(courses))])
    for course, offset in zip(courses, offsets, strict=True):
        db.session.add(
            ProgrammeCourse(programme_id=prog.id, course_id=course.id, due_offset_days=offset)
        )
    kinds = list(MilestoneKind)
    for i in range(milestones):
        db.session.add(
            Milestone(
                programme_id=prog.id,
                kind=kinds[i % len(kinds)].value,
                title=f"Meilenstein {i + 1}",
                due_offset_days=90 * (i + 1),
            )
        )
    db.session.flush()
    db.session.refresh(prog)
    return prog


def cohort(
    prog: Programme | None = None,
    *,
    status: CohortStatus = CohortStatus.OPEN,
    seats: int = 10,
    criteria: Sequence[tuple[str, int]] = (("Motivation", 2), ("Erfahrung", 1)),
    opens: date | None = None,
    closes: date | None = None,
    starts: date | None = None,
    ends: date | None = None,
    min_service_years: int | None = None,
    max_service_years: int | None = None,
    pay_groups: Sequence[str] = (),
) -> Cohort:
    """A cohort whose application window is open around ``TODAY`` by default."""
    n = next(_seq)
    opens = opens or TODAY - timedelta(days=10)
    closes = closes or TODAY + timedelta(days=20)
    starts = starts or closes + timedelta(days=40)
    ends = ends or starts + timedelta(days=540)
    item = Cohort(
        programme_id=(prog or programme()).id,
        name=f"Jahrgang {n}",
        status=status.value,
        applications_open_on=opens,
        applications_close_on=closes,
        starts_on=starts,
        ends_on=ends,
        seats=seats,
        min_service_years=min_service_years,
        max_service_years=max_service_years,
        pay_groups=list(pay_groups),
    )
    db.session.add(item)
    db.session.flush()
    for position, (name, weight) in enumerate(criteria):
        db.session.add(
            SelectionCriterion(cohort_id=item.id, name=name, weight=weight, position=position)
        )
    db.session.flush()
    db.session.refresh(item)
    return item


def application(
    for_cohort: Cohort,
    employee: Employee,
    *,
    state: ApplicationState = ApplicationState.SUBMITTED,
    endorsement: Endorsement = Endorsement.PENDING,
    motivation: str = "Ich möchte die Digitalisierung der Verwaltung voranbringen.",
    proposed: bool = False,
) -> Application:
    item = Application(
        cohort_id=for_cohort.id,
        employee_id=employee.id,
        state=state.value,
        motivation=motivation,
        submitted_at=NOW if state != ApplicationState.NOMINATED else None,
        endorsement=endorsement.value,
        proposed=proposed,
    )
    db.session.add(item)
    db.session.flush()
    return item


def score(app: Application, criterion: SelectionCriterion, value: int, comment: str = "") -> Score:
    item = Score(
        application_id=app.id, criterion_id=criterion.id, score=value, comment=comment or None
    )
    db.session.add(item)
    db.session.flush()
    return item


def member(
    for_cohort: Cohort,
    employee: Employee,
    *,
    mentor: Employee | None = None,
    app: Application | None = None,
) -> CohortMember:
    item = CohortMember(
        cohort_id=for_cohort.id,
        employee_id=employee.id,
        mentor_id=mentor.id if mentor else None,
        application_id=app.id if app else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def signoff(m: CohortMember, milestone: Milestone, met_on: date | None = None) -> MilestoneSignoff:
    item = MilestoneSignoff(member_id=m.id, milestone_id=milestone.id, met_on=met_on or TODAY)
    db.session.add(item)
    db.session.flush()
    return item
