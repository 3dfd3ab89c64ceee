"""Departments and gap figures: the API withholds exactly what the report pages withhold
(minimum group size and secondary suppression), never a figure the pages hide."""

from __future__ import annotations

import pandas as pd
import pytest

from academy.accounts.models import Role
from academy.clock import to_berlin, utcnow
from academy.extensions import db as _db
from api.tokens.scopes import CATALOGUE, REPORTS
from reports.analytics.catalogue import build
from reports.analytics.report_model import WITHHELD, Filters
from tests import factories
from tests.api.support import api_token, get
from tests.talent import factories as tf


@pytest.fixture()
def org(db):
    """A parent unit with two children: A with 6 people, B with 2 (below the minimum)."""
    parent = factories.department("Fachbereich Digitales")
    a = factories.department("Abteilung A", parent=parent)
    b = factories.department("Abteilung B", parent=parent)
    role = factories.job_role("Sachbearbeitung Digitales")
    competence = tf.competence()
    tf.target(role, competence, 3)
    people = [factories.employee(a, job_role=role) for _ in range(6)]
    people += [factories.employee(b, job_role=role) for _ in range(2)]
    for n, person in enumerate(people):
        tf.head_rating(person, competence, n % 4)
    return {"parent": parent, "a": a, "b": b, "role": role, "competence": competence}


def department_rows(body):
    part = next(p for p in body["parts"] if p["key"] == "by_department")
    return {(r["kind"], r["id"]): r for r in part["rows"]}


def test_small_groups_and_what_would_reveal_them_are_withheld(client, org):
    token = api_token(None, REPORTS)
    response = get(client, f"/api/v1/gaps?department_id={org['parent'].id}", token)
    assert response.status_code == 200
    body = response.json
    assert body["min_group_size"] == 5 and body["department_id"] == org["parent"].id
    rows = department_rows(body)
    small = rows[("department", org["b"].id)]
    assert small["withheld"] is True
    assert small["below_target"] is None and small["total_gap"] is None
    # B = total − A: the total and A are never both shown while B is withheld
    total, big = rows[("total", None)], rows[("department", org["a"].id)]
    assert total["withheld"] or big["withheld"]
    part = next(p for p in body["parts"] if p["key"] == "by_department")
    assert part["notes"] and "5" in part["notes"][0]
    etag = response.headers["ETag"]
    again = get(
        client,
        f"/api/v1/gaps?department_id={org['parent'].id}",
        token,
        **{"If-None-Match": etag},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("by", ["parent", "a", "b", None])
def test_the_api_shows_what_the_report_page_shows(client, org, by):
    token = api_token(None, REPORTS)
    department_id = org[by].id if by else None
    url = "/api/v1/gaps" + (f"?department_id={department_id}" if by else "")
    body = get(client, url, token).json
    council = factories.user(Role.COUNCIL, with_employee=False)
    today = to_berlin(utcnow()).date()
    report = build("gaps", council, Filters(department_id=department_id), today)
    assert [p["key"] for p in body["parts"]] == [p.key for p in report.parts]
    for part, page_part in zip(body["parts"], report.parts, strict=True):
        frame = page_part.frame
        assert [r["withheld"] for r in part["rows"]] == list(frame[WITHHELD])
        assert [r["label"] for r in part["rows"]] == list(frame["group"])
        for row, (_i, page_row) in zip(part["rows"], frame.iterrows(), strict=True):
            for figure in ("with_target", "below_target", "total_gap"):
                shown = page_row[figure]
                assert row[figure] == (None if pd.isna(shown) else int(shown))


def test_unknown_filters_404_and_malformed_422(client, org):
    token = api_token(None, REPORTS)
    assert get(client, "/api/v1/gaps?department_id=999999", token).status_code == 404
    assert get(client, "/api/v1/gaps?job_role_id=999999", token).status_code == 404
    assert get(client, "/api/v1/gaps?area_id=999999", token).status_code == 404
    bad = get(client, "/api/v1/gaps?department_id=-1", token)
    assert bad.status_code == 422 and "department_id" in bad.json["errors"]
    assert get(client, "/api/v1/gaps", api_token(None, CATALOGUE)).status_code == 403


def test_departments_in_tree_order_with_pages_and_etag(client, org):
    token = api_token(None, REPORTS)
    org["b"].active = False
    _db.session.flush()
    body = get(client, "/api/v1/departments?per_page=100", token).json
    ids = [d["id"] for d in body["items"]]
    assert org["parent"].id in ids and org["a"].id in ids and org["b"].id not in ids
    assert ids.index(org["parent"].id) < ids.index(org["a"].id)
    child = next(d for d in body["items"] if d["id"] == org["a"].id)
    assert child["parent_id"] == org["parent"].id and child["name"] == "Abteilung A"
    everything = get(client, "/api/v1/departments?include_inactive=yes&per_page=100", token)
    assert org["b"].id in [d["id"] for d in everything.json["items"]]
    one = get(client, "/api/v1/departments?per_page=1", token)
    assert len(one.json["items"]) == 1 and one.json["page"]["total_pages"] == 2
    etag = one.headers["ETag"]
    assert (
        get(client, "/api/v1/departments?per_page=1", token, **{"If-None-Match": etag}).status_code
        == 304
    )
