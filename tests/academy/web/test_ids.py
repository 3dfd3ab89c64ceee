"""Ids in URLs: a number beyond the ids' column type (PostgreSQL INTEGER) is no page —
404 from the router on every route, never the database's overflow error (500)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from academy.web.urls import MAX_ID

TOO_BIG = [MAX_ID + 1, 2**63, 10**20]


def int_routes(app: Flask) -> list[str]:
    """Every GET route with an ``<int:…>`` part, as a path with ``{}`` for each id."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and "<int:" in rule.rule:
            out.append(re.sub(r"<(?!int:)[^>]+>", "x", re.sub(r"<int:[^>]+>", "{}", rule.rule)))
    return sorted(set(out))


def test_there_are_routes_with_ids(app: Flask) -> None:
    assert len(int_routes(app)) > 20


@pytest.mark.parametrize("number", TOO_BIG)
def test_an_id_beyond_the_column_type_is_not_found_on_every_route(
    app: Flask, client, number: int
) -> None:
    for pattern in int_routes(app):
        path = pattern.replace("{}", str(number))
        assert client.get(path).status_code == 404, path


def test_the_largest_id_still_reaches_the_view(app: Flask, client, login_as) -> None:
    from academy.accounts.models import Role

    login_as(Role.HR)
    # the route matches and the view answers "not found" for an id nobody has
    assert client.get(f"/kurse/{MAX_ID}").status_code == 404
    adapter = app.url_map.bind("localhost")
    _endpoint, args = adapter.match(f"/kurse/{MAX_ID}")
    assert args and MAX_ID in args.values()


def test_the_inbox_refuses_a_ticked_id_beyond_the_column_type(client, login_as) -> None:
    from academy.accounts.models import Role

    login_as(Role.HEAD)
    for number in TOO_BIG:
        response = client.post("/kurse/genehmigungen/genehmigen", data={"enrolment": str(number)})
        assert response.status_code == 404, number
