"""The current-level rule (talent.competencies.levels): every branch, on real rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from academy.clock import to_berlin
from courses.enrolment.models import EnrolmentState
from talent.competencies.level_evidence import CHUNK, targets_for_job_roles
from talent.competencies.levels import NO_LEVEL, Level, expires_on, levels_for
from tests.courses import factories as cf
from tests.talent import factories as tf
from tests.talent.factories import NOW

TODAY = to_berlin(NOW).date()  # 4 March 2030


def setup(make: Any, target: int | None = 3) -> tuple[Any, Any]:
    role = make.job_role()
    emp = make.employee(job_role_id=role.id)
    comp = tf.competence()
    if target is not None:
        tf.target(role, comp, target)
    return emp, comp


def level(emp: Any, comp: Any, today: date = TODAY) -> Level:
    return levels_for([emp.id], [comp.id], today)[(emp.id, comp.id)]


def test_nothing_known_gives_an_empty_level(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=None)
    assert level(emp, comp) == NO_LEVEL
    assert levels_for([emp.id], None, TODAY) == {}
    assert levels_for([], [comp.id], TODAY) == {}
    assert levels_for([emp.id], [], TODAY) == {}


def test_target_without_any_level_is_the_whole_gap(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    assert level(emp, comp) == Level(None, None, None, None, 3, 3)


def test_latest_head_rating_wins_over_an_older_higher_one(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=4)
    tf.head_rating(emp, comp, 4, at=NOW - timedelta(days=300))
    tf.head_rating(emp, comp, 2, at=NOW - timedelta(days=10))
    found = level(emp, comp)
    assert (found.current, found.source, found.gap) == (2, "head", 2)
    assert found.since == (NOW - timedelta(days=10)).date()


def test_head_ratings_at_the_same_moment_the_last_recorded_counts(db: Any, make: Any) -> None:
    emp, comp = setup(make)
    tf.head_rating(emp, comp, 1, at=NOW)
    tf.head_rating(emp, comp, 3, at=NOW)
    assert level(emp, comp).current == 3


def test_head_rating_of_zero_is_a_level(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=2)
    tf.head_rating(emp, comp, 0)
    found = level(emp, comp)
    assert (found.current, found.source, found.gap) == (0, "head", 2)


def test_course_evidence_counts_through_the_outcome(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    tf.course_evidence(emp, comp, 2, completed_on=date(2029, 6, 1))
    found = level(emp, comp)
    assert (found.current, found.source, found.since, found.gap) == (
        2,
        "course",
        date(2029, 6, 1),
        1,
    )


def test_course_evidence_without_validity_counts_forever(db: Any, make: Any) -> None:
    emp, comp = setup(make)
    tf.course_evidence(emp, comp, 3, completed_on=date(1999, 1, 1), validity_months=None)
    assert level(emp, comp).current == 3


def test_course_evidence_expires_with_the_validity(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    other = tf.competence()
    tf.course_evidence(emp, comp, 3, completed_on=date(2029, 3, 4), validity_months=12)
    tf.course_evidence(emp, other, 3, completed_on=date(2029, 3, 3), validity_months=12)
    assert level(emp, comp).current == 3  # last valid day is today
    assert level(emp, other).current is None  # expired yesterday
    assert level(emp, comp, TODAY + timedelta(days=1)).current is None


def test_course_validity_at_a_month_end_is_clamped(db: Any, make: Any) -> None:
    emp, comp = setup(make)
    tf.course_evidence(emp, comp, 2, completed_on=date(2029, 1, 31), validity_months=13)
    assert level(emp, comp, date(2030, 2, 28)).current == 2
    assert level(emp, comp, date(2030, 3, 1)).current is None


def test_expires_on_adds_calendar_months() -> None:
    assert expires_on(date(2029, 1, 31), 1) == date(2029, 2, 28)
    assert expires_on(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert expires_on(date(2029, 11, 15), 3) == date(2030, 2, 15)
    assert expires_on(date(2029, 11, 15), None) is None


def test_only_completed_enrolments_are_evidence(db: Any, make: Any) -> None:
    emp, comp = setup(make)
    course = tf.course_with_outcomes({comp: 3})
    for state in (EnrolmentState.ATTENDED, EnrolmentState.FAILED, EnrolmentState.NO_SHOW):
        cf.enrolment(cf.session(course, starts_at=NOW - timedelta(days=40)), emp, state=state)
    assert level(emp, comp).current is None


def test_the_best_valid_course_evidence_counts(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=4)
    tf.course_evidence(emp, comp, 4, completed_on=date(2027, 1, 1), validity_months=12)
    tf.course_evidence(emp, comp, 2, completed_on=date(2029, 1, 1))
    tf.course_evidence(emp, comp, 3, completed_on=date(2025, 1, 1))
    found = level(emp, comp)
    assert (found.current, found.since, found.gap) == (3, date(2025, 1, 1), 1)


def test_external_certificate_counts_until_valid_until(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=4)
    still, expired, forever = comp, tf.competence(), tf.competence()
    tf.external(emp, still, 3, valid_until=TODAY)
    tf.external(emp, expired, 3, valid_until=TODAY - timedelta(days=1))
    tf.external(emp, forever, 2, valid_until=None)
    found = levels_for([emp.id], [still.id, expired.id, forever.id], TODAY)
    assert (found[(emp.id, still.id)].current, found[(emp.id, still.id)].source) == (3, "external")
    assert found[(emp.id, still.id)].gap == 1
    assert found[(emp.id, expired.id)].current is None
    assert found[(emp.id, forever.id)].current == 2


def test_the_best_valid_external_certificate_counts(db: Any, make: Any) -> None:
    emp, comp = setup(make)
    tf.external(emp, comp, 4, valid_until=TODAY - timedelta(days=1))
    tf.external(emp, comp, 3, valid_until=None, at=NOW - timedelta(days=400))
    tf.external(emp, comp, 1, valid_until=None, at=NOW - timedelta(days=1))
    found = level(emp, comp)
    assert (found.current, found.since) == (3, (NOW - timedelta(days=400)).date())


def test_self_assessment_is_shown_but_never_counts(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    tf.self_rating(emp, comp, 2, at=NOW - timedelta(days=30))
    tf.self_rating(emp, comp, 4, at=NOW - timedelta(days=5))
    found = level(emp, comp)
    assert (found.current, found.self_assessed, found.gap) == (None, 4, 3)
    tf.head_rating(emp, comp, 1)
    found = level(emp, comp)
    assert (found.current, found.source, found.self_assessed, found.gap) == (1, "head", 4, 2)


def test_current_is_the_best_of_head_and_evidence(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=4)
    tf.head_rating(emp, comp, 2, at=NOW - timedelta(days=2))
    tf.course_evidence(emp, comp, 3, completed_on=date(2029, 1, 1))
    found = level(emp, comp)
    assert (found.current, found.source, found.gap) == (3, "course", 1)
    tf.external(emp, comp, 4, valid_until=TODAY + timedelta(days=30))
    assert (level(emp, comp).current, level(emp, comp).source) == (4, "external")
    tf.head_rating(emp, comp, 4, at=NOW - timedelta(hours=1))
    # equal levels: the more recent evidence names the source
    assert (level(emp, comp).current, level(emp, comp).source) == (4, "head")


def test_a_lower_latest_head_rating_does_not_hide_evidence(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    tf.course_evidence(emp, comp, 3, completed_on=date(2029, 9, 1))
    tf.head_rating(emp, comp, 1, at=NOW - timedelta(days=1))
    assert (level(emp, comp).current, level(emp, comp).gap) == (3, 0)


def test_gap_is_never_negative(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=2)
    tf.head_rating(emp, comp, 4)
    found = level(emp, comp)
    assert (found.current, found.target, found.gap) == (4, 2, 0)


def test_without_a_target_the_gap_is_zero(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=None)
    tf.head_rating(emp, comp, 1)
    found = level(emp, comp)
    assert (found.current, found.target, found.gap) == (1, None, 0)


def test_the_target_comes_from_the_current_role_profile(db: Any, make: Any) -> None:
    role = make.job_role()
    emp = make.employee(job_role_id=role.id)
    no_role = make.employee()
    comp, ended = tf.competence(), tf.competence()
    tf.target(role, comp, 2, ended=True)
    tf.target(role, comp, 4)
    tf.target(role, ended, 3, ended=True)
    found = levels_for([emp.id, no_role.id], [comp.id, ended.id], TODAY)
    assert found[(emp.id, comp.id)].target == 4
    assert found[(emp.id, ended.id)].target is None
    assert found[(no_role.id, comp.id)] == NO_LEVEL
    assert targets_for_job_roles([role.id]) == {role.id: {comp.id: 4}}
    assert targets_for_job_roles([]) == {}


def test_a_completion_shows_up_at_once(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    assert level(emp, comp).gap == 3
    tf.course_evidence(emp, comp, 3, completed_on=TODAY)
    assert (level(emp, comp).current, level(emp, comp).gap) == (3, 0)


def test_evidence_of_an_equivalent_competence_counts(db: Any, make: Any) -> None:
    emp, new = setup(make, target=3)
    old, related = tf.competence(), tf.competence()
    tf.mapping(old, new)
    tf.mapping(related, new, relation="related")
    tf.course_evidence(emp, old, 2, completed_on=date(2029, 5, 1))
    tf.external(emp, related, 4)
    tf.self_rating(emp, old, 4)
    found = level(emp, new)
    assert (found.current, found.source, found.via_competence_id) == (2, "course", old.id)
    assert (found.gap, found.self_assessed) == (1, None)
    # a mapping points one way only
    tf.head_rating(emp, new, 3)
    assert level(emp, old).current == 2
    assert level(emp, new).via_competence_id is None


def test_without_competences_every_known_pair_is_returned(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=2)
    rated, selfonly, old, new = (tf.competence() for _ in range(4))
    tf.head_rating(emp, rated, 1)
    tf.self_rating(emp, selfonly, 2)
    tf.mapping(old, new)
    tf.external(emp, old, 3)
    found = levels_for([emp.id], None, TODAY)
    assert set(found) == {(emp.id, c.id) for c in (comp, rated, selfonly, old, new)}
    assert found[(emp.id, new.id)].current == 3
    assert found[(emp.id, selfonly.id)].self_assessed == 2


def test_people_are_kept_apart(db: Any, make: Any) -> None:
    a, comp = setup(make, target=3)
    b = make.employee(job_role_id=a.job_role_id)
    tf.head_rating(a, comp, 3)
    tf.self_rating(b, comp, 3)
    found = levels_for([a.id, b.id], [comp.id], TODAY)
    assert (found[(a.id, comp.id)].gap, found[(b.id, comp.id)].gap) == (0, 3)


def test_long_id_lists_are_sent_in_chunks(db: Any, make: Any) -> None:
    emp, comp = setup(make, target=3)
    tf.head_rating(emp, comp, 2)
    ids = [10**7 + i for i in range(CHUNK + 10)] + [emp.id]
    found = levels_for(ids, [comp.id], TODAY)
    assert len(found) == CHUNK + 11
    assert (found[(emp.id, comp.id)].current, found[(emp.id, comp.id)].gap) == (2, 1)
