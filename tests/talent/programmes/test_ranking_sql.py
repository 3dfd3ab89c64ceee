"""The cohort ranking in set-based SQL (``talent.programmes.ranking_sql``) against the
per-application rule (``selection.ranking``): for random criteria and weights, partial
scores, endorsements, states and submission times (ties included), the order, the
weighted scores to the cent and the ranks agree; a page holds what the whole ranking
holds at its place; the proposal's candidates are the best fully scored submitted ones.

Each example writes its rows inside a SAVEPOINT and rolls it back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.extensions import db
from talent.programmes.models import ApplicationState, Endorsement
from talent.programmes.ranking_sql import best_submitted, ranked_rows, ranking_page
from talent.programmes.selection import ranking
from tests import factories
from tests.talent import programme_factories as pf

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STATES = [
    ApplicationState.SUBMITTED,
    ApplicationState.SUBMITTED,
    ApplicationState.ACCEPTED,
    ApplicationState.REJECTED,
    ApplicationState.WITHDRAWN,
    ApplicationState.NOMINATED,
]

scenario = st.fixed_dictionaries(
    {
        "weights": st.lists(st.integers(1, 5), min_size=0, max_size=3),
        "applications": st.lists(
            st.fixed_dictionaries(
                {
                    "state": st.sampled_from(STATES),
                    "endorsed": st.booleans(),
                    "day": st.integers(0, 2),  # equal times happen
                    "scores": st.lists(st.none() | st.integers(0, 5), min_size=3, max_size=3),
                }
            ),
            max_size=9,
        ),
    }
)


@contextmanager
def savepoint() -> Iterator[None]:
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


def build(scene: dict[str, Any]) -> Any:
    criteria = tuple((f"Kriterium {n}", w) for n, w in enumerate(scene["weights"]))
    cohort = pf.cohort(criteria=criteria)
    for wanted in scene["applications"]:
        endorsement = Endorsement.ENDORSED if wanted["endorsed"] else Endorsement.PENDING
        app = pf.application(
            cohort, factories.employee(), state=wanted["state"], endorsement=endorsement
        )
        if app.submitted_at is not None:
            app.submitted_at = app.submitted_at - timedelta(days=wanted["day"])
        for criterion, value in zip(cohort.criteria, wanted["scores"], strict=False):
            if value is not None:
                pf.score(app, criterion, value)
    db.session.flush()
    db.session.expire(cohort, ["criteria"])
    return cohort


@SETTINGS
@given(scene=scenario)
def test_the_sql_ranking_is_the_rule(db: Any, scene: Any) -> None:
    with savepoint():
        cohort = build(scene)
        expected = [(r.application.id, r.weighted, r.rank) for r in ranking(cohort)]
        rows = ranked_rows(cohort)
        got = [(row.id, None if row.cents is None else row.cents, row.rank) for row in rows]
        assert [g[0] for g in got] == [e[0] for e in expected]
        assert [g[2] for g in got] == [e[2] for e in expected]
        assert [None if g[1] is None else g[1] / 100 for g in got] == [
            None if e[1] is None else float(e[1]) for e in expected
        ]
        page = ranking_page(cohort, 2, 3)
        assert [(r.application.id, r.weighted, r.rank) for r in page.items] == expected[3:6]
        assert page.total == len(expected)
        candidates, total = best_submitted(cohort, 2)
        submitted = [
            r
            for r in ranking(cohort)
            if r.fully_scored and r.application.state == ApplicationState.SUBMITTED.value
        ]
        assert total == len(submitted)
        assert [(r.application.id, r.weighted, r.rank) for r in candidates] == [
            (r.application.id, r.weighted, r.rank) for r in submitted[:2]
        ]
