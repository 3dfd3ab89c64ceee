"""Every route states its permission; anonymous users are sent to the login page and
roles without the permission get 403 — checked for every route the app has."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from academy.accounts.models import Role
from academy.auth.policy import _RULES, PUBLIC
from api.auth.bearer import TOKEN_PERMISSION

SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}


def _sample(rule: Any, arg: str) -> object:
    """1 for every parameter, or the first allowed value of an ``any(…)`` converter."""
    items = getattr(rule._converters.get(arg), "items", None)
    return sorted(items)[0] if items else 1


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) with every URL parameter filled with 1."""
    result = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        values = {arg: _sample(rule, arg) for arg in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            result.append((rule.endpoint, method, url))
    return result


def _permission(app: Flask, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "permission", None)


def test_every_view_states_its_permission(app):
    missing = [e for e, _m, _u in _routes(app) if _permission(app, e) is None]
    assert not missing, f"views without @requires/@public: {missing}"


def test_anonymous_is_sent_to_login(app, client):
    for endpoint, method, url in _routes(app):
        if _permission(app, endpoint) == PUBLIC:
            continue
        response = client.open(url, method=method)
        if (_permission(app, endpoint) or "").startswith(TOKEN_PERMISSION):
            # The read API takes tokens, not logins: 401 in JSON, never the login page.
            assert response.status_code == 401, (endpoint, method, response.status_code)
            assert response.is_json and "WWW-Authenticate" in response.headers, endpoint
            continue
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/anmelden" in response.headers["Location"], endpoint


# Accounts to try: one per role, plus a person with no role but an employee record.
PROBE_ROLES = [Role.EMPLOYEE, Role.HR, Role.TRAINER, Role.COUNCIL, Role.ADMIN, Role.HEAD]


@pytest.mark.parametrize("probe", PROBE_ROLES, ids=lambda r: r.value)
def test_roles_without_permission_get_403(app, client, login_as, probe):
    account = login_as(probe)
    checked = 0
    for endpoint, method, url in _routes(app):
        action = _permission(app, endpoint)
        rule = _RULES.get(action or "")
        allowed = getattr(rule, "roles", None)
        if allowed is None:
            continue  # public, or decided per object (tested with the object)
        roles = {Role.EMPLOYEE} if probe == Role.EMPLOYEE else {probe, Role.EMPLOYEE}
        if roles & allowed:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 403, (probe, endpoint, method, response.status_code)
        checked += 1
    assert account is not None
    if probe in (Role.EMPLOYEE, Role.TRAINER):
        assert checked > 0
