"""Team matrix (scope, filters, data protection), the team training plan and personal
course recommendations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from academy.accounts.models import Role, User
from academy.clock import to_berlin
from academy.errors import NotFound, PermissionDenied
from academy.extensions import db as _db
from academy.frameworks.models import Competence
from academy.org.models import Department, Employee, JobRole
from courses.catalogue.models import CourseFormat, CoursePrerequisite
from courses.enrolment.models import EnrolmentState
from talent.competencies.gaps import team_matrix
from talent.competencies.levels import levels_for
from talent.competencies.recommendations import recommendations
from talent.competencies.training_plan import training_plan
from tests import factories
from tests.courses import factories as cf
from tests.courses.support import head_of, hr, upcoming
from tests.talent import factories as tf
from tests.talent.factories import NOW

TODAY = to_berlin(NOW).date()


@pytest.fixture()
def min_group(app: Flask) -> Any:
    """Set MIN_GROUP_SIZE for one test."""
    old = app.config["MIN_GROUP_SIZE"]

    def set_size(size: int) -> None:
        app.config["MIN_GROUP_SIZE"] = size

    yield set_size
    app.config["MIN_GROUP_SIZE"] = old


@dataclass
class Org:
    root: Department
    child: Department
    other: Department
    head: User
    other_head: User
    role: JobRole
    comp: Competence
    inside: list[Employee]
    outside: Employee


def org() -> Org:
    """root (head) ⊃ child; other (another head). A job role with one target (level 3)."""
    root = factories.department("Amt für Digitales")
    child = factories.department("Abteilung E-Akte", parent=root)
    other = factories.department("Kämmerei")
    head, other_head = head_of(root), head_of(other)
    role = factories.job_role("Sachbearbeitung IT")
    comp = tf.competence()
    tf.target(role, comp, 3)
    inside = [
        factories.employee(root, last_name="Zander", job_role_id=role.id),
        factories.employee(child, last_name="Özdemir", job_role_id=role.id),
        factories.employee(child, last_name="Abel", job_role_id=role.id),
        factories.employee(root, last_name="Ärmel", job_role_id=role.id),
    ]
    outside = factories.employee(other, last_name="Außen", job_role_id=role.id)
    return Org(root, child, other, head, other_head, role, comp, inside, outside)


def names(matrix: Any) -> list[str]:
    return [m.last_name for m in matrix.members]


# ---------------------------------------------------------------------------
# Scope and filters
# ---------------------------------------------------------------------------


def test_head_sees_the_subtree_sorted_by_name_and_nothing_outside(db: Any) -> None:
    o = org()
    matrix = team_matrix(o.head, today=TODAY)
    head_name = o.head.employee.last_name  # Müller-…
    assert names(matrix) == ["Abel", "Ärmel", head_name, "Özdemir", "Zander"]
    assert "Außen" not in names(matrix)
    assert o.outside.id not in {m.id for m in matrix.members}
    assert all(key[0] != o.outside.id for key in matrix.cells)
    other = team_matrix(o.other_head, today=TODAY)
    assert o.outside.id in {m.id for m in other.members}
    assert not {e.id for e in o.inside} & {m.id for m in other.members}


def test_members_are_in_german_name_order(db: Any) -> None:
    o = org()
    matrix = team_matrix(o.head, today=TODAY, job_role_id=o.role.id)
    assert names(matrix) == ["Abel", "Ärmel", "Özdemir", "Zander"]
    member = matrix.members[1]
    assert (member.department_name, member.job_role_title) == ("Amt für Digitales", o.role.title)


def test_department_filter_stays_inside_the_scope(db: Any) -> None:
    o = org()
    matrix = team_matrix(o.head, department_id=o.child.id, today=TODAY)
    assert names(matrix) == ["Abel", "Özdemir"]
    with pytest.raises(PermissionDenied):
        team_matrix(o.head, department_id=o.other.id, today=TODAY)
    with pytest.raises(PermissionDenied):  # the sub-department head cannot look up
        sub_head = head_of(o.child)
        team_matrix(sub_head, department_id=o.root.id, today=TODAY)


def test_hr_sees_any_department(db: Any) -> None:
    o = org()
    everyone = team_matrix(hr(), today=TODAY)
    assert {e.id for e in [*o.inside, o.outside]} <= {m.id for m in everyone.members}
    kaemmerei = team_matrix(hr(), department_id=o.other.id, today=TODAY)
    assert {m.id for m in kaemmerei.members} == {o.outside.id, o.other_head.employee_id}
    with pytest.raises(NotFound):
        team_matrix(hr(), department_id=10**8, today=TODAY)


def test_others_may_not_see_a_team(db: Any) -> None:
    org()
    with pytest.raises(PermissionDenied):
        team_matrix(factories.user(), today=TODAY)
    with pytest.raises(PermissionDenied):
        team_matrix(factories.user(Role.TRAINER, Role.COUNCIL), today=TODAY)


def test_people_who_left_are_not_members(db: Any) -> None:
    o = org()
    o.inside[0].active = False
    _db.session.flush()
    assert "Zander" not in names(team_matrix(o.head, today=TODAY))


def test_competences_are_the_targets_of_shown_members(db: Any) -> None:
    o = org()
    area = tf.area()
    other_area_comp = tf.competence(area)
    untargeted = tf.competence()
    elsewhere = tf.competence()
    other_role = factories.job_role()
    tf.target(other_role, elsewhere, 2)  # nobody in the team has this role
    tf.target(o.role, other_area_comp, 1)
    tf.head_rating(o.inside[0], untargeted, 4)
    matrix = team_matrix(o.head, today=TODAY)
    # ordered by framework, area, position
    assert [c.id for c in matrix.competences] == [o.comp.id, other_area_comp.id]
    only_area = team_matrix(o.head, area_id=area.id, today=TODAY)
    assert [c.id for c in only_area.competences] == [other_area_comp.id]
    # the head has no job role: no targets, gap 0
    head_cell = matrix.level(o.head.employee_id, o.comp.id)
    assert (head_cell.target, head_cell.gap) == (None, 0)


def test_job_role_filter(db: Any) -> None:
    o = org()
    other_role = factories.job_role()
    odd = factories.employee(o.child, last_name="Berger", job_role_id=other_role.id)
    matrix = team_matrix(o.head, job_role_id=other_role.id, today=TODAY)
    assert [m.id for m in matrix.members] == [odd.id]
    assert matrix.competences == []
    assert matrix.cells == {}


def test_cells_are_levels_by_the_rule(db: Any) -> None:
    o = org()
    zander, oezdemir = o.inside[0], o.inside[1]
    tf.head_rating(zander, o.comp, 2)
    tf.course_evidence(oezdemir, o.comp, 4, completed_on=date(2029, 10, 1))
    matrix = team_matrix(o.head, today=TODAY)
    assert (matrix.level(zander.id, o.comp.id).current, matrix.level(zander.id, o.comp.id).gap) == (
        2,
        1,
    )
    assert matrix.level(oezdemir.id, o.comp.id).gap == 0
    assert matrix.cells == {
        key: value
        for key, value in levels_for([m.id for m in matrix.members], [o.comp.id], TODAY).items()
    }
    assert [lv.gap for lv in matrix.row(matrix.members[0])] == [3]  # Abel: nothing known


# ---------------------------------------------------------------------------
# Aggregates and the minimum group size
# ---------------------------------------------------------------------------


def test_aggregates_are_shown_from_the_minimum_group_size(db: Any, min_group: Any) -> None:
    min_group(5)
    o = org()
    fifth = factories.employee(o.child, last_name="Fünf", job_role_id=o.role.id)
    tf.head_rating(o.inside[0], o.comp, 3)  # no gap
    tf.head_rating(fifth, o.comp, 1)  # gap 2; three others gap 3
    summary = team_matrix(o.head, today=TODAY).summaries[o.comp.id]
    assert (summary.members_with_target, summary.below_target, summary.total_gap) == (5, 4, 11)
    assert summary.withheld is False


def test_aggregates_over_too_few_people_are_withheld(db: Any, min_group: Any) -> None:
    min_group(5)
    o = org()
    tf.head_rating(o.inside[0], o.comp, 1)
    matrix = team_matrix(o.head, today=TODAY)
    summary = matrix.summaries[o.comp.id]
    assert (summary.members_with_target, summary.below_target, summary.total_gap) == (4, None, None)
    assert summary.withheld and matrix.any_withheld
    # the head still sees the individual cells of the team
    assert matrix.level(o.inside[0].id, o.comp.id).gap == 2
    min_group(4)
    summary = team_matrix(o.head, today=TODAY).summaries[o.comp.id]
    assert (summary.below_target, summary.total_gap, summary.withheld) == (4, 11, False)


# ---------------------------------------------------------------------------
# Team training plan
# ---------------------------------------------------------------------------


def test_training_plan_picks_the_session_closing_most_gap_per_ue(db: Any) -> None:
    o = org()  # four members with gap 3
    long_course = tf.course_with_outcomes({o.comp: 2}, duration_ue=16)  # 4 × 2 / 16 = 0.5
    short_course = tf.course_with_outcomes({o.comp: 1}, duration_ue=4)  # 4 × 1 / 4 = 1.0
    long_session = upcoming(long_course, days=20)
    short_session = upcoming(short_course, days=40)
    plan = training_plan(team_matrix(o.head, today=TODAY), NOW)
    assert [item.session.id for item in plan] == [short_session.id, long_session.id]
    first, second = plan
    assert (first.gap_closed, first.per_ue, first.course.id) == (4, 1.0, short_course.id)
    assert {b.member.id for b in first.members} == {e.id for e in o.inside}
    # after the first course everyone is at 1: the long one closes 1 more each
    assert (second.gap_closed, second.per_ue) == (4, 0.25)
    assert [b.member.last_name for b in second.members] == ["Abel", "Ärmel", "Özdemir", "Zander"]


def test_training_plan_respects_seats_enrolments_and_open_sessions(db: Any) -> None:
    o = org()
    course = tf.course_with_outcomes({o.comp: 3}, duration_ue=8)
    small = upcoming(course, days=20, capacity=3)
    cf.enrolment(small, factories.employee(), state=EnrolmentState.CONFIRMED)  # 2 seats left
    full = upcoming(course, days=25, capacity=1)
    cf.enrolment(full, factories.employee(), state=EnrolmentState.CONFIRMED)
    upcoming(course, days=5)  # enrolment deadline passed
    upcoming(course, days=30, cancelled_at=NOW - timedelta(days=1))
    already = o.inside[0]
    cf.enrolment(full, already, state=EnrolmentState.WAITLISTED)
    plan = training_plan(team_matrix(o.head, today=TODAY), NOW)
    assert [item.session.id for item in plan] == [small.id]
    [item] = plan
    assert len(item.members) == 2 and item.without_seat == 1
    assert already.id not in {b.member.id for b in item.members}
    assert item.gap_closed == 6


def test_training_plan_is_empty_without_gaps_or_sessions(db: Any) -> None:
    o = org()
    assert training_plan(team_matrix(o.head, today=TODAY), NOW) == []
    for emp in o.inside:
        tf.head_rating(emp, o.comp, 3)
    upcoming(tf.course_with_outcomes({o.comp: 3}))
    assert training_plan(team_matrix(o.head, today=TODAY), NOW) == []


# ---------------------------------------------------------------------------
# Personal recommendations
# ---------------------------------------------------------------------------


def person_with_gaps() -> tuple[Employee, Competence, Competence]:
    role = factories.job_role()
    emp = factories.employee(job_role_id=role.id)
    a, b = tf.competence(), tf.competence()
    tf.target(role, a, 3)
    tf.target(role, b, 2)
    tf.head_rating(emp, a, 1)
    return emp, a, b  # gaps: a 2, b 2


def recommend(emp: Employee, **kw: Any) -> list[Any]:
    return recommendations(emp.id, levels_for([emp.id], None, TODAY), NOW, **kw)


def test_recommendations_rank_by_gap_closed_per_ue(db: Any) -> None:
    emp, a, b = person_with_gaps()
    broad = tf.course_with_outcomes({a: 3, b: 2}, duration_ue=16)  # 4 / 16
    focused = tf.course_with_outcomes({a: 5}, duration_ue=4)  # min(5, 3) − 1 = 2 / 4
    useless = tf.course_with_outcomes({a: 1}, duration_ue=1)  # closes nothing
    for course in (broad, focused, useless):
        upcoming(course)
    found = recommend(emp)
    assert [r.course.id for r in found] == [focused.id, broad.id]
    top = found[0]
    assert (top.gap_closed, top.per_ue, top.employee_id) == (2, 0.5, emp.id)
    assert [(c.competence_id, c.current, c.reaches, c.target) for c in top.closes] == [
        (a.id, 1, 3, 3)
    ]
    assert found[1].gap_closed == 4
    assert len(recommend(emp, limit=1)) == 1


def test_recommendations_need_an_open_session(db: Any) -> None:
    emp, a, _ = person_with_gaps()
    no_session = tf.course_with_outcomes({a: 3})
    past = tf.course_with_outcomes({a: 3})
    upcoming(past, days=-3)
    closed = tf.course_with_outcomes({a: 3})
    upcoming(closed, days=5)  # deadline (7 days before) has passed
    cancelled = tf.course_with_outcomes({a: 3})
    upcoming(cancelled, cancelled_at=NOW)
    archived = tf.course_with_outcomes({a: 3}, archived=True)
    upcoming(archived)
    assert recommend(emp) == []
    assert no_session.id  # exists, yet not recommended
    fine = tf.course_with_outcomes({a: 3})
    later, sooner = upcoming(fine, days=50), upcoming(fine, days=20)
    [found] = recommend(emp)
    assert (found.course.id, found.session.id, found.waitlist) == (fine.id, sooner.id, False)
    assert later.id != found.session.id


def test_recommendation_prefers_a_free_seat_then_the_waiting_list(db: Any) -> None:
    emp, a, _ = person_with_gaps()
    course = tf.course_with_outcomes({a: 3})
    full = upcoming(course, days=20, capacity=1)
    cf.enrolment(full, factories.employee())
    free = upcoming(course, days=40, capacity=1)
    assert recommend(emp)[0].session.id == free.id
    cf.enrolment(free, factories.employee())
    [found] = recommend(emp)
    assert (found.session.id, found.waitlist) == (full.id, True)


def test_no_recommendation_for_an_active_enrolment_or_a_valid_completion(db: Any) -> None:
    emp, a, b = person_with_gaps()
    enrolled = tf.course_with_outcomes({a: 3})
    upcoming(enrolled, days=20)
    cf.enrolment(upcoming(enrolled, days=40), emp, state=EnrolmentState.PENDING)
    expired = tf.course_with_outcomes({b: 2}, validity_months=12)
    tf.course_evidence(emp, b, 2, completed_on=date(2028, 1, 10), course=expired)
    upcoming(expired)
    assert [r.course.id for r in recommend(emp)] == [expired.id]  # recertification


def test_prerequisites_and_clashes_block_a_session(db: Any) -> None:
    emp, a, _ = person_with_gaps()
    basics = cf.course()
    advanced = tf.course_with_outcomes({a: 3})
    _db.session.add(CoursePrerequisite(course_id=advanced.id, required_course_id=basics.id))
    first = upcoming(advanced, days=20)
    assert recommend(emp) == []
    cf.completion(emp, basics)
    assert recommend(emp)[0].session.id == first.id
    busy = upcoming(cf.course(), starts_at=first.starts_at + timedelta(hours=1))
    cf.enrolment(busy, emp, state=EnrolmentState.CONFIRMED)
    second = upcoming(advanced, days=30)
    assert recommend(emp)[0].session.id == second.id
    online = tf.course_with_outcomes({a: 3}, format=CourseFormat.SELF_PACED.value)
    self_paced = upcoming(online, starts_at=first.starts_at)
    assert self_paced.id in {r.session.id for r in recommend(emp)}


def test_mapped_outcomes_close_gaps_of_the_target_competence(db: Any) -> None:
    emp, a, _ = person_with_gaps()
    old = tf.competence()
    tf.mapping(old, a)
    course = tf.course_with_outcomes({old: 2})
    upcoming(course)
    [found] = recommend(emp)
    assert [(c.competence_id, c.reaches) for c in found.closes] == [(a.id, 2)]


def test_no_recommendations_for_people_who_left_or_without_gaps(db: Any) -> None:
    emp, a, _ = person_with_gaps()
    upcoming(tf.course_with_outcomes({a: 3}))
    assert recommendations([], None, NOW) == []
    assert len(recommendations(emp.id, None, NOW)) == 1  # gaps computed when not given
    emp.active = False
    _db.session.flush()
    assert recommend(emp) == []
    satisfied = factories.employee()
    assert recommend(satisfied) == []
