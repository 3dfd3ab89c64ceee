"""The team view costs what it shows: for a team of 20 and of 400 members (ten on a
page), the page runs the same statements and Python fetches the same number of rows —
the figures per competence come from the database as one row each, levels are derived
only for the members on the page. The start page's team panel, too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from academy.accounts.models import Role, User
from academy.clock import utcnow
from academy.extensions import db
from academy.frameworks.models import Competence
from tests.querycount import count_queries
from tests.rowcount import count_rows
from tests.talent import factories as tf


def team_of(make: Any, size: int, competences: list[Competence]) -> User:
    """A head and ``size`` members of one job role with targets in every competence;
    each member alike (so that any page holds the same rows): a head rating, a
    self-assessment and a completed course."""
    dept = make.department()
    below = make.department(parent=dept)
    # The head is a member of the view too; sorted first, so that a page holds the same
    # kind of rows in both teams (factory names "Müller-<n>" sort by the digits of a
    # counter that depends on the tests run before).
    head = make.user(Role.HEAD, emp=make.employee(dept, last_name="Aa-Leitung"))
    role = make.job_role()
    for c in competences:
        tf.target(role, c, 3)
    at = utcnow() - timedelta(days=2)
    course = tf.course_with_outcomes({competences[-1]: 2})
    for n in range(size):
        person = make.employee(dept if n % 2 else below, job_role=role)
        tf.head_rating(person, competences[0], 1 + n % 3, at=at)
        tf.self_rating(person, competences[0], 2, at=at)
        tf.course_evidence(
            person, competences[-1], 2, completed_on=(at - timedelta(days=9)).date(), course=course
        )
    return head


def cost(client: Any, login_as: Any, head: User, url: str) -> tuple[int, int]:
    login_as(account=head)
    assert client.get(url).status_code == 200  # warm-up
    connection = db.session.connection()
    with count_queries(db.engine) as queries, count_rows(connection) as rows:
        response = client.get(url)
    assert response.status_code == 200, url
    assert rows.count > 10  # counted at the driver (at least the page's members)
    return queries.count, rows.count


@pytest.mark.parametrize(
    "url", ["/talente/team", "/talente/team?luecken=1", "/talente/team?page=2&bereich=1", "/"]
)
def test_statements_and_rows_do_not_grow_with_the_team(
    app, client, login_as, make, monkeypatch, url
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 10)
    fw = tf.framework()
    competences = [tf.competence(tf.area(fw)) for _ in range(4)]
    small, large = team_of(make, 20, competences), team_of(make, 400, competences)
    assert cost(client, login_as, small, url) == cost(client, login_as, large, url)


def test_the_page_shows_what_was_counted(app, client, login_as, make, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 10)
    fw = tf.framework()
    head = team_of(make, 40, [tf.competence(tf.area(fw)) for _ in range(2)])
    login_as(account=head)
    html = client.get("/talente/team").get_data(as_text=True)
    assert html.count('<tr data-member="') == 10
    assert "40" in html  # the figures are over all members (41 with the head)
