"""The set-based current levels of the reports never drift from ``talent.competencies.levels``: the
same random data through both, every pair compared."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from academy.org.models import Employee
from courses.enrolment.models import EnrolmentState
from reports.analytics.common import People
from reports.analytics.levels import current_levels
from talent.competencies.levels import levels_for
from talent.competencies.models import RatingSource
from tests import factories
from tests.courses import factories as cf
from tests.talent import factories as tf

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
TODAY = NOW.date()

#: Completion dates around the validity edges (12 and 6 months before today, a day
#: either side, a month end) and further back.
EDGE_DAYS = [
    date(2029, 3, 4),
    date(2029, 3, 3),
    date(2029, 3, 5),
    date(2029, 9, 4),
    date(2029, 9, 3),
    date(2028, 3, 4),
    date(2029, 8, 31),
    date(2027, 1, 31),
    date(2030, 3, 1),
]


def random_data(rng: random.Random) -> tuple[list[Employee], list[int]]:
    dept = factories.department()
    comps = [tf.competence() for _ in range(6)]
    # 4 → 0 and 5 → 0 equivalent, 0 → 2 equivalent (one step only: 4 must not reach 2),
    # 3 → 1 "related" (ignored)
    tf.mapping(comps[4], comps[0])
    tf.mapping(comps[5], comps[0])
    tf.mapping(comps[0], comps[2])
    tf.mapping(comps[3], comps[1], relation="related")
    courses = [
        tf.course_with_outcomes(
            {c: rng.randint(1, 5) for c in rng.sample(comps, rng.randint(1, 3))},
            validity_months=rng.choice([None, 6, 12, 24]),
        )
        for _ in range(5)
    ]
    sessions = [
        cf.session(
            course,
            starts_at=NOW - timedelta(days=rng.randint(30, 900)),
            capacity=100,
            enrolment_deadline=NOW - timedelta(days=1000),
            cancellation_deadline=NOW - timedelta(days=1000),
        )
        for course in courses
        for _ in range(2)
    ]
    people = [factories.employee(dept) for _ in range(10)]
    shared_time = NOW - timedelta(days=5)
    for person in people:
        for _ in range(rng.randint(0, 8)):
            source = rng.choice([RatingSource.HEAD, RatingSource.SELF, RatingSource.EXTERNAL])
            when = rng.choice([shared_time, NOW - timedelta(days=rng.randint(1, 800))])
            valid_until = None
            if source == RatingSource.EXTERNAL:
                valid_until = rng.choice(
                    [None, TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=200)]
                )
            tf.rating(
                person,
                rng.choice(comps),
                rng.randint(0, 6),
                source,
                at=when,
                valid_until=valid_until,
            )
        for session in rng.sample(sessions, rng.randint(0, 3)):
            state = rng.choice(
                [EnrolmentState.COMPLETED, EnrolmentState.COMPLETED, EnrolmentState.FAILED]
            )
            done = cf.enrolment(session, person, state=state)
            if state == EnrolmentState.COMPLETED:
                done.completed_on = rng.choice(
                    [*EDGE_DAYS, TODAY - timedelta(days=rng.randint(0, 900))]
                )
    return people, [c.id for c in comps]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("broad", [False, True])
def test_current_levels_equal_levels_for(db, seed: int, broad: bool) -> None:
    people, competence_ids = random_data(random.Random(seed))
    db.session.flush()
    ids = [p.id for p in people]
    expected = levels_for(ids, competence_ids, TODAY)
    frame = current_levels(People((Employee.id.in_(ids),), broad=broad), competence_ids, TODAY)
    found = {
        (int(e), int(c)): int(level)
        for e, c, level in frame[["employee_id", "competence_id", "current"]].to_numpy()
    }
    assert len(found) == len(frame)  # one row per pair
    mismatches = {
        key: (level.current, found.get(key))
        for key, level in expected.items()
        if level.current != found.get(key)
    }
    assert not mismatches
    assert set(found) <= set(expected)
    assert any(level.current is not None for level in expected.values())


def test_empty_selection_reads_nothing(db) -> None:
    frame = current_levels(People((), empty=True), [1, 2], TODAY)
    assert frame.empty
