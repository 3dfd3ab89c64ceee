"""Scoring one application after another: the queue's position, what is left, and
"Save and open the next application"."""

from __future__ import annotations

from datetime import timedelta

from academy.accounts.models import Role
from academy.extensions import db
from talent.programmes.cohort_models import Application
from talent.programmes.models import Cohort, CohortStatus
from talent.programmes.scoring_queue import scoring_queue
from tests import factories
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW
from tests.talent.programmes.test_selection_views import english, score_data


def queue_of(n: int) -> tuple[Cohort, list[Application]]:
    cohort = pf.cohort(status=CohortStatus.SELECTION)
    apps = []
    for i in range(n):
        app = pf.application(cohort, factories.employee())
        app.submitted_at = NOW - timedelta(days=n - i)  # submitted in list order
        apps.append(app)
    db.session.flush()
    return cohort, apps


def score_fully(cohort: Cohort, app: Application) -> None:
    for criterion in cohort.criteria:
        pf.score(app, criterion, 3, "")


def test_position_count_and_next_skip_fully_scored_applications(db):
    cohort, apps = queue_of(4)
    score_fully(cohort, apps[1])
    pf.score(apps[2], cohort.criteria[0], 3, "")  # partly scored: still incomplete

    first = scoring_queue(apps[0])
    assert (first.position, first.total, first.incomplete) == (1, 4, 3)
    assert first.next_id == apps[2].id  # apps[1] is complete


def test_next_wraps_round_to_earlier_applications_and_ends_when_all_are_scored(db):
    cohort, apps = queue_of(3)
    assert scoring_queue(apps[2]).next_id == apps[0].id
    for app in apps[:2]:
        score_fully(cohort, app)
    assert scoring_queue(apps[2]).next_id is None
    assert scoring_queue(apps[0]).next_id == apps[2].id


def test_save_and_next_opens_the_next_application_else_the_dashboard(client, login_as):
    english(login_as(Role.HR))
    cohort, apps = queue_of(2)
    db.session.commit()
    page = client.get(f"/talente/bewerbungen/{apps[0].id}/bewertung").get_data(as_text=True)
    assert "Application 1 of 2" in page and "2 applications still lack scores" in page
    assert 'name="next" value="1"' in page

    data = score_data(cohort, ("4", ""), ("3", "")) | {"next": "1"}
    response = client.post(f"/talente/bewerbungen/{apps[0].id}/bewertung", data=data)
    assert response.headers["Location"].endswith(f"/talente/bewerbungen/{apps[1].id}/bewertung")

    response = client.post(f"/talente/bewerbungen/{apps[1].id}/bewertung", data=data)
    assert response.headers["Location"].endswith(f"/talente/kohorten/{cohort.id}")
