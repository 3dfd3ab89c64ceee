"""The selection pages run a fixed number of SQL statements however many applications a
cohort has: HR's dashboard (ranking, counts, proposal form, council history, the access
log of everyone shown) and the staff council's review page.

Each test measures a page with a few applications, adds many more (each person in their
own department, endorsed by a different head, scored on every criterion), measures again
and expects the same count. ``MOST`` records today's counts (login and layout included)
so that an extra statement is noticed.
"""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from academy.accounts.models import Role
from academy.audit.models import AccessLogEntry
from academy.extensions import db
from talent.programmes.cohort_models import CouncilReview
from talent.programmes.models import Cohort, CohortStatus, Endorsement
from talent.programmes.pages.selection import PER_PAGE
from tests import factories
from tests.querycount import count_queries
from tests.talent import programme_factories as pf
from tests.talent.factories import NOW

#: Statements per request today: the login session with the account, roles, headed
#: departments and unread count (1); the page's own: cohort, criteria, the ranking's
#: page set-based (its rows, their applications with employee, department and endorser,
#: their scores, the count), (dashboard: counts by state, the proposal's best candidates
#: with their applications and scores), council reviews, one INSERT into the access
#: log; the account reloaded after the commit (1–2).
MOST = {"dashboard": 15, "council": 10}


def statements(client: FlaskClient, url: str) -> int:
    assert client.get(url).status_code == 200  # warm-up
    with count_queries(db.engine) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries.count


def add_applications(cohort: Cohort, n: int) -> None:
    """``n`` applications, every one scored, every second endorsed by its own head."""
    for i in range(n):
        head = factories.employee()
        endorser = factories.user(emp=head)
        emp = factories.employee(factories.department())
        app = pf.application(
            cohort, emp, endorsement=Endorsement.ENDORSED if i % 2 else Endorsement.PENDING
        )
        if i % 2:
            app.endorsed_by_id = endorser.id
            app.endorsement_comment = "Sehr engagiert"
        for criterion in cohort.criteria:
            pf.score(app, criterion, (i + criterion.position) % 5 + 1, "Kommentar")
    db.session.flush()


def test_dashboard_statements_do_not_grow_with_the_applications(client, login_as):
    viewer = login_as(Role.HR)
    cohort = pf.cohort(
        status=CohortStatus.SELECTION,
        seats=3,
        criteria=[("Motivation", 3), ("Erfahrung", 2), ("Teamarbeit", 1)],
    )
    db.session.add(CouncilReview(cohort_id=cohort.id, submitted_at=NOW, proposal=[]))
    add_applications(cohort, 5)
    db.session.commit()
    url = f"/talente/kohorten/{cohort.id}"

    small = statements(client, url)
    add_applications(cohort, 55)
    db.session.commit()
    large = statements(client, url)

    assert large == small, (small, large)
    assert small <= MOST["dashboard"], small
    html = client.get(url).get_data(as_text=True)
    assert html.count('<tr id="application-') == PER_PAGE
    # the proposal offers the best 30 (3 places × 3, at least 30) and says so
    assert html.count('name="application"') == 30 and 'id="candidates-shown"' in html
    logged = db.session.scalar(
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.actor_id == viewer.id)
    )
    assert logged == 2 * 5 + 3 * PER_PAGE  # one entry per person shown, per view (5 views)


def test_council_review_statements_do_not_grow_with_the_applications(client, login_as):
    login_as(Role.COUNCIL)
    cohort = pf.cohort(status=CohortStatus.COUNCIL_REVIEW, criteria=[("Motivation", 2)])
    add_applications(cohort, 4)
    db.session.add(
        CouncilReview(cohort_id=cohort.id, submitted_at=NOW, proposal=[{"application_id": 1}])
    )
    db.session.commit()
    url = f"/talente/auswahl/{cohort.id}"

    small = statements(client, url)
    add_applications(cohort, 50)
    db.session.commit()
    large = statements(client, url)

    assert large == small, (small, large)
    assert small <= MOST["council"], small
