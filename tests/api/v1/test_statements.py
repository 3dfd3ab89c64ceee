"""Every list of the API runs a fixed number of SQL statements per page, however many
rows there are (no N+1): measured, more rows added, measured again."""

from __future__ import annotations

from datetime import date, timedelta

from academy.clock import utcnow
from academy.extensions import db
from courses.catalogue.models import CourseOutcome
from reports.certificates.certificates import issue_for_enrolment
from tests import factories
from tests.api.support import api_token, bearer
from tests.courses import factories as cf
from tests.querycount import count_queries
from tests.talent import factories as tf

#: Statements per call today (the token; for personal data the person, the technical
#: account and the access log; the count and the page and its relations).
MOST = {"courses": 5, "sessions": 3, "completions": 7, "certificates": 7, "competencies": 10}


def statements(client, url, token) -> int:
    assert client.get(url, headers=bearer(token)).status_code == 200  # warm-up
    with count_queries(db.engine) as queries:
        response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, url
    return queries.count


def add_courses(n: int, person, competences) -> None:
    role = person.job_role
    for i in range(n):
        course = cf.course(f"Zählkurs {i}", code=f"ZC-{n}-{i:03d}", prerequisites=[])
        db.session.add_all(
            [CourseOutcome(course_id=course.id, competence_id=c.id, level=2) for c in competences]
        )
        cf.session(course, starts_at=utcnow() + timedelta(days=5 + i))
        done = cf.completion(person, course, on=date(2024, 1, 1) + timedelta(days=i))
        issue_for_enrolment(done, utcnow())
        competence = tf.competence()
        tf.target(role, competence, 2)
        tf.head_rating(person, competence, 1)
    db.session.flush()


def test_lists_run_a_fixed_number_of_statements(client, db):
    token = api_token()
    person = factories.employee(personnel_no="QC-1", job_role=factories.job_role())
    competences = [tf.competence() for _ in range(3)]
    add_courses(2, person, competences)
    db.session.commit()
    urls = {
        "courses": "/api/v1/courses?q=zc-&per_page=100",
        "sessions": "/api/v1/sessions?per_page=100",
        "completions": "/api/v1/people/QC-1/completions?per_page=100",
        "certificates": "/api/v1/people/QC-1/certificates?per_page=100",
        "competencies": "/api/v1/people/QC-1/competencies?per_page=100",
    }
    before = {key: statements(client, url, token) for key, url in urls.items()}
    add_courses(12, person, competences)
    db.session.commit()
    after = {key: statements(client, url, token) for key, url in urls.items()}
    assert after == before
    assert all(after[key] <= most for key, most in MOST.items()), after
