"""One person's data by personnel number: only with the scope, every call in the access
log under the token's name with its purpose, pages and ETags, unknown numbers 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.audit.models import AccessLogEntry
from academy.clock import to_berlin, utcnow
from academy.extensions import db as _db
from api.tokens.scopes import CATALOGUE, COMPETENCIES, LEARNING, REPORTS
from courses.enrolment.models import EnrolmentState
from reports.certificates.certificates import issue_for_enrolment
from tests import factories
from tests.api.support import api_token, get
from tests.courses import factories as cf
from tests.talent import factories as tf


def access_rows():
    return _db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()


@pytest.fixture()
def person(db):
    return factories.employee(personnel_no="PA-1001")


def completed(employee, course, on):
    done = cf.completion(employee, course, on=on)
    return done


def test_completions_with_validity_and_the_access_log(client, person):
    token = api_token(None, LEARNING, name="SAP HCM", purpose="Übernahme in die Personalakte")
    today = to_berlin(utcnow()).date()
    lasting = cf.course("Datenschutz", code="DS-1", duration_ue=4)
    expiring = cf.course("Brandschutz", code="BS-1", validity_months=12)
    completed(person, lasting, today - timedelta(days=10))
    completed(person, expiring, date(2020, 3, 31))
    cf.enrolment(cf.session(cf.course()), person, state=EnrolmentState.CONFIRMED)
    response = get(client, "/api/v1/people/PA-1001/completions", token)
    assert response.status_code == 200
    assert response.json["person"] == {"personnel_no": "PA-1001", "active": True}
    items = response.json["items"]
    assert [i["course"]["code"] for i in items] == ["DS-1", "BS-1"]
    assert items[0]["ue"] == 4 and items[0]["valid_until"] is None and items[0]["valid"]
    assert items[1]["valid_until"] == "2021-03-31" and items[1]["valid"] is False
    (row,) = access_rows()
    assert row.subject_id == person.id and row.what == "api.learning"
    assert row.actor_id == token.account_id
    assert row.actor.display_name == "Schnittstelle „SAP HCM“"
    assert row.purpose == (
        "Abschlüsse über die Schnittstelle abgerufen: Übernahme in die Personalakte"
    )


def test_certificates_with_status_and_verification_address(client, person):
    token = api_token(None, LEARNING)
    done = cf.completion(person, cf.course("Zertifikatskurs", code="ZK-1"))
    cert = issue_for_enrolment(done, utcnow())
    response = get(client, "/api/v1/people/PA-1001/certificates", token)
    (item,) = response.json["items"]
    assert item["serial"] == cert.serial and item["status"] == "valid"
    assert item["verification_url"].endswith(cert.code)
    assert item["kind"] == "course" and item["course_id"] == cert.course_id
    assert [r.what for r in access_rows()] == ["api.learning"]
    assert access_rows()[0].purpose.startswith("Zertifikate über die Schnittstelle")


def test_competencies_targets_current_levels_and_gaps(client, person):
    token = api_token(None, COMPETENCIES)
    role = factories.job_role()
    person.job_role = role
    first, second, third = tf.competence(), tf.competence(), tf.competence()
    tf.target(role, first, 3)
    tf.target(role, second, 2)
    tf.head_rating(person, first, 1)
    tf.head_rating(person, second, 4)
    tf.self_rating(person, third, 4)  # a self-assessment alone is no level
    response = get(client, "/api/v1/people/PA-1001/competencies", token)
    rows = {r["competence"]["id"]: r for r in response.json["items"]}
    assert set(rows) == {first.id, second.id}
    assert (rows[first.id]["target"], rows[first.id]["current"], rows[first.id]["gap"]) == (
        3,
        1,
        2,
    )
    assert rows[second.id]["gap"] == 0 and rows[second.id]["source"] == "head"
    assert rows[first.id]["competence"]["framework"] == first.framework.code
    assert [r.what for r in access_rows()] == ["api.competencies"]


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("/api/v1/people/PA-1001/completions", LEARNING),
        ("/api/v1/people/PA-1001/certificates", LEARNING),
        ("/api/v1/people/PA-1001/competencies", COMPETENCIES),
    ],
)
def test_personal_data_only_with_its_scope(client, person, url, scope):
    others = {LEARNING, COMPETENCIES, CATALOGUE, REPORTS} - {scope}
    token = api_token(None, *sorted(others))
    response = get(client, url, token)
    assert response.status_code == 403 and scope in response.json["message"]
    assert "PA-1001" not in response.get_data(as_text=True)
    assert access_rows() == []
    assert get(client, url).status_code == 401
    assert access_rows() == []


@pytest.mark.parametrize("kind", ["completions", "certificates", "competencies"])
def test_unknown_personnel_number_404_and_nothing_logged(client, db, kind):
    token = api_token()
    for number in ("PX-0000", "x" * 300, "%20", "ä ö"):
        response = get(client, f"/api/v1/people/{number}/{kind}", token)
        assert response.status_code == 404, number
        assert response.json["code"] == 404
    assert access_rows() == []


def test_person_pages_and_etag(client, person):
    token = api_token(None, LEARNING)
    for n in range(3):
        completed(person, cf.course(f"Seite {n}"), date(2024, 1, 10 + n))
    first = get(client, "/api/v1/people/PA-1001/completions?per_page=2", token)
    assert first.json["page"]["total_items"] == 3 and len(first.json["items"]) == 2
    second = get(client, "/api/v1/people/PA-1001/completions?per_page=2&page=2", token)
    assert len(second.json["items"]) == 1
    etag = first.headers["ETag"]
    again = get(
        client, "/api/v1/people/PA-1001/completions?per_page=2", token, **{"If-None-Match": etag}
    )
    assert again.status_code == 304
    # the 304 confirmed personal data as current: logged like every other call
    assert len(access_rows()) == 3
