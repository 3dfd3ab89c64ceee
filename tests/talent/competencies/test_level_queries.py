"""No N+1: ``levels_for``, ``team_matrix``, ``training_plan`` and ``recommendations``
run the same number of SQL statements for a team of 20 and of 200 (and for one person
with one gap or many)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from academy.accounts.models import User
from academy.clock import to_berlin
from academy.extensions import db
from academy.frameworks.models import Competence
from academy.org.models import Department, Employee, JobRole
from courses.catalogue.models import CoursePrerequisite
from courses.enrolment.models import Enrolment, EnrolmentState
from courses.sessions.models import CourseSession
from talent.competencies.gaps import team_matrix
from talent.competencies.levels import levels_for
from talent.competencies.models import Rating, RatingSource
from talent.competencies.recommendations import recommendations
from talent.competencies.training_plan import training_plan
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import head_of, upcoming
from tests.querycount import count_queries
from tests.talent import factories as tf
from tests.talent.factories import NOW

TODAY = to_berlin(NOW).date()

#: Today's statement counts, so that an extra one is noticed.
MOST = {"levels_for": 4, "team_matrix": 6, "training_plan": 5, "recommendations": 10}


def team(size: int, comps: list[Competence], role: JobRole) -> tuple[Department, User]:
    """A department of ``size`` members with the role, each with a head rating, a
    self-assessment, an external certificate and a completed course."""
    dept = factories.department()
    head = head_of(dept)
    members = [
        Employee(
            personnel_no=f"Q{dept.id}-{i}",
            first_name="Vera",
            last_name=f"Zähler {i:03d}",
            department_id=dept.id,
            job_role_id=role.id,
            active=True,
        )
        for i in range(size)
    ]
    db.session.add_all(members)
    db.session.flush()
    course = tf.course_with_outcomes({comps[0]: 1, comps[1]: 2}, validity_months=24)
    starts = datetime(2029, 11, 5, 8, tzinfo=UTC)
    past = cf.session(course, starts_at=starts, capacity=size)
    past.confirmed_count = size
    at = NOW - timedelta(days=3)
    rows: list[Any] = []
    for i, emp in enumerate(members):
        rows += [
            Rating(
                employee_id=emp.id,
                competence_id=comps[i % 3].id,
                level=1,
                source=RatingSource.HEAD.value,
                rated_at=at,
            ),
            Rating(
                employee_id=emp.id,
                competence_id=comps[2].id,
                level=4,
                source=RatingSource.SELF.value,
                rated_at=at,
            ),
            Rating(
                employee_id=emp.id,
                competence_id=comps[3].id,
                level=i % 4,
                source=RatingSource.EXTERNAL.value,
                rated_at=at,
                valid_until=date(2031, 1, 1),
            ),
            Enrolment(
                session_id=past.id,
                course_id=course.id,
                employee_id=emp.id,
                state=EnrolmentState.COMPLETED.value,
                requested_at=starts - timedelta(days=20),
                completed_on=date(2029, 11, 5),
            ),
        ]
    db.session.add_all(rows)
    db.session.flush()
    return dept, head


def offer(comps: list[Competence], courses: int) -> list[CourseSession]:
    """Open courses with outcomes, several sessions, a prerequisite and a full one."""
    sessions = []
    basics = cf.course()
    for i in range(courses):
        course = tf.course_with_outcomes({comps[i % 4]: 3, comps[(i + 1) % 4]: 4})
        if i % 3 == 0:
            db.session.add(CoursePrerequisite(course_id=course.id, required_course_id=basics.id))
        for days in (20, 40):
            sessions.append(upcoming(course, days=days + i, capacity=15))
    full = upcoming(tf.course_with_outcomes({comps[0]: 4}), capacity=0)
    sessions.append(full)
    db.session.flush()
    return sessions


def setup() -> tuple[list[Competence], JobRole]:
    area = tf.area()
    comps = [tf.competence(area) for _ in range(5)]
    role = factories.job_role()
    for comp, level in zip(comps, (3, 4, 2, 3, 4), strict=True):
        tf.target(role, comp, level)
    return comps, role


def counted(call: Any) -> int:
    call()  # warm-up: per-user caches (headed departments, scope)
    with count_queries(db.engine) as queries:
        call()
    return queries.count


def test_levels_for_runs_a_fixed_number_of_statements(db: Any) -> None:
    comps, role = setup()
    small, _ = team(3, comps, role)
    large, _ = team(150, comps, role)
    ids = {
        d.id: list(db.session.scalars(db.select(Employee.id).where(Employee.department_id == d.id)))
        for d in (small, large)
    }
    few = counted(lambda: levels_for(ids[small.id], [c.id for c in comps[:2]], TODAY))
    many = counted(lambda: levels_for(ids[large.id], None, TODAY))
    assert few == many == MOST["levels_for"]


def test_team_matrix_and_plan_run_the_same_statements_for_20_and_200(db: Any) -> None:
    comps, role = setup()
    offer(comps, 6)
    _, small_head = team(20, comps, role)
    _, large_head = team(200, comps, role)
    small = counted(lambda: team_matrix(small_head, today=TODAY))
    large = counted(lambda: team_matrix(large_head, today=TODAY))
    assert small == large == MOST["team_matrix"]
    small_matrix = team_matrix(small_head, today=TODAY)
    large_matrix = team_matrix(large_head, today=TODAY)
    assert len(large_matrix.members) == 201 and len(large_matrix.competences) == 5
    assert large_matrix.summaries[comps[0].id].total_gap is not None
    plan_small = counted(lambda: training_plan(small_matrix, NOW))
    plan_large = counted(lambda: training_plan(large_matrix, NOW))
    assert plan_small == plan_large == MOST["training_plan"]
    assert training_plan(large_matrix, NOW)  # it does find something to plan


def test_recommendations_run_the_same_statements_for_one_gap_or_many(db: Any) -> None:
    comps, role = setup()
    one_role = factories.job_role()
    tf.target(one_role, comps[0], 2)
    one = factories.employee(job_role_id=one_role.id)
    upcoming(tf.course_with_outcomes({comps[0]: 2}))
    many = factories.employee(job_role_id=role.id)
    sessions = offer(comps, 12)
    cf.enrolment(sessions[0], many, state=EnrolmentState.CONFIRMED)
    cf.completion(many, cf.course())
    few = counted(lambda: recommendations(one.id, None, NOW))
    lots = counted(lambda: recommendations([many.id, one.id], None, NOW, limit=10))
    assert few == lots == MOST["recommendations"]
    assert len(recommendations(many.id, None, NOW, limit=10)) >= 5
