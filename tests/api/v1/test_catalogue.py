"""Catalogue and sessions through the API: scope, pages, ETag, filters, unknown ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.clock import utcnow
from academy.extensions import db as _db
from api.tokens.scopes import CATALOGUE, LEARNING
from tests.api.support import api_token, get
from tests.courses import factories as cf
from tests.talent import factories as tf


@pytest.fixture()
def token(db):
    return api_token(None, CATALOGUE)


def test_without_a_token_401_in_json(client, db):
    response = get(client, "/api/v1/courses")
    assert response.status_code == 401
    assert response.json["code"] == 401 and "Bearer" in response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_without_the_scope_403(client, db):
    other = api_token(None, LEARNING)
    response = get(client, "/api/v1/courses", other)
    assert response.status_code == 403
    assert "catalogue:read" in response.json["message"]
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_courses_with_outcomes_prerequisites_and_address(client, token):
    competence = tf.competence()
    basics = cf.course("API-Grundlagen", code="API-0")
    course = tf.course_with_outcomes(
        {competence: 3}, title="API-Aufbau", code="API-1", validity_months=24
    )
    course.prerequisites = [basics]
    _db.session.flush()
    cf.course("API-Alt", code="API-2", archived=True)
    response = get(client, "/api/v1/courses?q=api-", token)
    assert response.status_code == 200
    items = response.json["items"]
    assert [c["code"] for c in items] == ["API-0", "API-1"]
    item = items[1]
    assert item["prerequisites"] == ["API-0"] and item["validity_months"] == 24
    assert item["outcomes"] == [
        {
            "competence_id": competence.id,
            "competence_code": competence.code,
            "competence_name": competence.name_de,
            "framework": competence.framework.code,
            "level": 3,
        }
    ]
    assert item["url"].endswith(f"/kurse/{course.id}") and item["cost"] == "0.00"
    archived = get(client, "/api/v1/courses?q=api-&include_archived=true", token)
    assert [c["code"] for c in archived.json["items"]] == ["API-0", "API-1", "API-2"]
    by_category = get(client, f"/api/v1/courses?category_id={course.category_id}", token)
    assert [c["code"] for c in by_category.json["items"]] == ["API-1"]


def test_course_pages_link_headers_and_an_empty_page_past_the_end(client, token):
    for n in range(5):
        cf.course(f"Seitenkurs {n}", code=f"PG-{n}")
    first = get(client, "/api/v1/courses?q=pg-&per_page=2", token)
    assert [c["code"] for c in first.json["items"]] == ["PG-0", "PG-1"]
    assert first.json["page"] == {"number": 1, "per_page": 2, "total_items": 5, "total_pages": 3}
    assert first.headers["X-Total-Count"] == "5"
    links = first.headers["Link"]
    assert 'page=2&per_page=2&q=pg->; rel="next"' in links and 'rel="last"' in links
    assert 'rel="prev"' not in links and links.startswith("<http://127.0.0.1:5000/api/v1/")
    third = get(client, "/api/v1/courses?q=pg-&per_page=2&page=3", token)
    assert [c["code"] for c in third.json["items"]] == ["PG-4"]
    assert 'rel="prev"' in third.headers["Link"] and 'rel="next"' not in third.headers["Link"]
    past = get(client, "/api/v1/courses?q=pg-&per_page=2&page=40", token)
    assert past.status_code == 200 and past.json["items"] == []


def test_etag_and_if_none_match(client, token):
    course = cf.course("Etagkurs", code="ET-1")
    first = get(client, "/api/v1/courses?q=et-", token)
    etag = first.headers["ETag"]
    assert etag and first.headers["Cache-Control"] == "private, no-cache"
    again = get(client, "/api/v1/courses?q=et-", token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    course.title = "Etagkurs, neu"
    _db.session.flush()
    changed = get(client, "/api/v1/courses?q=et-", token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    one = get(client, f"/api/v1/courses/{course.id}", token)
    assert (
        get(
            client, f"/api/v1/courses/{course.id}", token, **{"If-None-Match": one.headers["ETag"]}
        ).status_code
        == 304
    )


def test_one_course_and_unknown_ids(client, token):
    course = cf.course("Einzelkurs", archived=True)
    assert get(client, f"/api/v1/courses/{course.id}", token).json["archived"] is True
    for url in (
        "/api/v1/courses/999999",
        "/api/v1/courses/99999999999999999999",
        "/api/v1/courses/abc",
        "/api/v1/sessions/999999",
    ):
        response = get(client, url, token)
        assert response.status_code == 404, url
        assert response.json["code"] == 404


def test_sessions_from_today_with_filters(client, token):
    now = utcnow()
    course = cf.course("Terminkurs", code="TK-1")
    past = cf.session(course, starts_at=now - timedelta(days=3))
    soon = cf.session(course, starts_at=now + timedelta(days=10), capacity=3)
    later = cf.session(course, starts_at=now + timedelta(days=40), online_url="https://x.example")
    cancelled = cf.session(course, starts_at=now + timedelta(days=20), cancelled_at=now)
    cf.enrolment(soon)
    url = f"/api/v1/sessions?course_id={course.id}"
    ids = [s["id"] for s in get(client, url, token).json["items"]]
    assert ids == [soon.id, later.id]
    item = get(client, url, token).json["items"][0]
    assert (item["capacity"], item["seats_left"], item["phase"]) == (3, 2, "scheduled")
    assert item["enrolment_open"] is True and item["online"] is False
    assert item["course"] == {"id": course.id, "code": "TK-1", "title": "Terminkurs"}
    everything = get(client, url + "&include_cancelled=1&from=2000-01-01", token).json["items"]
    assert [s["id"] for s in everything] == [past.id, soon.id, cancelled.id, later.id]
    assert [s["phase"] for s in everything] == ["finished", "scheduled", "cancelled", "scheduled"]
    upto = (now + timedelta(days=15)).date().isoformat()
    assert [s["id"] for s in get(client, url + f"&to={upto}", token).json["items"]] == [soon.id]
    one = get(client, f"/api/v1/sessions/{later.id}", token).json
    assert one["online"] is True and "x.example" not in str(one)
