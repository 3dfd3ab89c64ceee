"""Factories for the talent tests: competences, targets, ratings and evidence as real
rows (no services, no audit entries). Courses come from ``tests.courses.factories``.

    from tests.talent import factories as tf
    comp = tf.competence()
    tf.target(role, comp, 3)
    tf.head_rating(emp, comp, 2, at=NOW - timedelta(days=10))
    tf.course_evidence(emp, comp, 3, completed_on=date(2029, 5, 1), validity_months=12)
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from academy.extensions import db
from academy.frameworks.models import Competence, CompetenceArea, Framework
from academy.org.models import Employee, JobRole
from courses.catalogue.models import Course, CourseOutcome
from courses.enrolment.models import EnrolmentState
from talent.competencies.models import CompetenceMapping, Rating, RatingSource, RoleTarget
from tests.courses import factories as cf

_seq = itertools.count(1)

#: Default "now" of the talent tests (Monday 4 March 2030, 10:00 in Berlin).
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def framework() -> Framework:
    n = next(_seq)
    fw = Framework(code=f"TF{n}", name_de=f"Rahmen {n}", name_en=f"Framework {n}")
    db.session.add(fw)
    db.session.flush()
    return fw


def area(fw: Framework | None = None, position: int | None = None) -> CompetenceArea:
    n = next(_seq)
    item = CompetenceArea(
        framework=fw or framework(),
        code=f"A{n}",
        name_de=f"Bereich {n}",
        name_en=f"Area {n}",
        position=n if position is None else position,
    )
    db.session.add(item)
    db.session.flush()
    return item


def competence(in_area: CompetenceArea | None = None, position: int | None = None) -> Competence:
    n = next(_seq)
    in_area = in_area or area()
    item = Competence(
        framework_id=in_area.framework_id,
        area_id=in_area.id,
        code=f"C{n}",
        name_de=f"Kompetenz {n}",
        name_en=f"Competence {n}",
        position=n if position is None else position,
    )
    db.session.add(item)
    db.session.flush()
    return item


def target(role: JobRole, comp: Competence, level: int, *, ended: bool = False) -> RoleTarget:
    item = RoleTarget(
        job_role_id=role.id,
        competence_id=comp.id,
        level=level,
        set_at=NOW - timedelta(days=100),
        ended_at=NOW - timedelta(days=50) if ended else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def rating(
    emp: Employee,
    comp: Competence,
    level: int,
    source: RatingSource | str,
    *,
    at: datetime | None = None,
    **fields: object,
) -> Rating:
    item = Rating(
        employee_id=emp.id,
        competence_id=comp.id,
        level=level,
        source=RatingSource(source).value,
        rated_at=at or NOW - timedelta(days=1),
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item


def head_rating(
    emp: Employee, comp: Competence, level: int, *, at: datetime | None = None
) -> Rating:
    return rating(emp, comp, level, RatingSource.HEAD, at=at, comment="Gute Arbeit")


def self_rating(
    emp: Employee, comp: Competence, level: int, *, at: datetime | None = None
) -> Rating:
    return rating(emp, comp, level, RatingSource.SELF, at=at)


def external(
    emp: Employee,
    comp: Competence,
    level: int,
    *,
    valid_until: date | None = None,
    at: datetime | None = None,
) -> Rating:
    return rating(
        emp,
        comp,
        level,
        RatingSource.EXTERNAL,
        at=at,
        evidence_title="Zertifikat Scrum Master",
        valid_until=valid_until,
    )


def course_with_outcomes(
    outcomes: dict[Competence, int], *, duration_ue: int = 8, **fields: object
) -> Course:
    course = cf.course(duration_ue=duration_ue, **fields)
    for comp, level in outcomes.items():
        db.session.add(CourseOutcome(course_id=course.id, competence_id=comp.id, level=level))
    db.session.flush()
    return course


def course_evidence(
    emp: Employee,
    comp: Competence,
    level: int,
    *,
    completed_on: date,
    validity_months: int | None = None,
    course: Course | None = None,
) -> Course:
    """A completed enrolment of a (new) course whose outcome gives ``comp`` at ``level``."""
    course = course or course_with_outcomes({comp: level}, validity_months=validity_months)
    starts_at = datetime(completed_on.year, completed_on.month, completed_on.day, 7, tzinfo=UTC)
    past = cf.session(
        course,
        starts_at=starts_at,
        enrolment_deadline=starts_at - timedelta(days=7),
        cancellation_deadline=starts_at - timedelta(days=3),
    )
    done = cf.enrolment(past, emp, state=EnrolmentState.COMPLETED)
    done.completed_on = completed_on
    db.session.flush()
    return course


def mapping(source: Competence, to: Competence, relation: str = "equivalent") -> CompetenceMapping:
    item = CompetenceMapping(source_id=source.id, target_id=to.id, relation=relation)
    db.session.add(item)
    db.session.flush()
    return item
