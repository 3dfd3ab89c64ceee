"""Bad tokens, malformed query parameters, wrong methods and unknown URLs: always a JSON
answer with a 4xx and a message — never a 500, never an HTML page. Fuzzed with
hypothesis on every list endpoint (NUL bytes, huge and negative numbers, far dates)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.support import api_token, get

LISTS = {
    "/api/v1/courses": ("page", "per_page", "q", "category_id", "include_archived"),
    "/api/v1/sessions": ("page", "per_page", "course_id", "from", "to", "include_cancelled"),
    "/api/v1/departments": ("page", "per_page", "include_inactive"),
    "/api/v1/gaps": ("department_id", "job_role_id", "area_id"),
    "/api/v1/people/P-NOBODY/completions": ("page", "per_page"),
}
NASTY = [
    "",
    "-1",
    "0",
    "1e3",
    "1.5",
    "9" * 40,
    str(2**31),
    str(2**63),
    "abc",
    "1\x00",
    "\x00",
    "2026-13-45",
    "0001-01-01",
    "9999-12-31",
    "31.12.2026",
    "<script>",
    "x" * 5000,
    "true\x07",
    "NaN",
    "Infinity",
    "١٢",  # Arabic-Indic digits
]


@pytest.fixture()
def token(db):
    return api_token()


def assert_json_4xx(response, *allowed):
    assert response.mimetype == "application/json", response.get_data()[:200]
    assert response.status_code in allowed, (response.status_code, response.json)
    body = response.json
    if response.status_code >= 400:
        assert body["code"] == response.status_code and body["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page=100001", "page"),
        ("page=99999999999999999999999999", "page"),
        ("page=abc", "page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=1.5", "per_page"),
        ("category_id=0", "category_id"),
        ("include_archived=vielleicht", "include_archived"),
        ("q=" + "x" * 101, "q"),
        ("q=ab%00cd", "q"),
        ("page=1%00", "page"),
    ],
)
def test_malformed_parameters_422_at_the_parameter(client, token, query, field):
    response = get(client, f"/api/v1/courses?{query}", token)
    assert_json_4xx(response, 422)
    assert field in response.json["errors"], response.json
    assert all(isinstance(m, str) and m for m in response.json["errors"][field])


def test_messages_are_german(client, token):
    response = get(client, "/api/v1/courses?per_page=500&page=x", token)
    assert response.json["message"] == "Die Abfrageparameter sind ungültig."
    assert response.json["errors"]["per_page"] == ["Muss eine ganze Zahl von 1 bis 100 sein."]
    assert response.json["errors"]["page"] == ["Keine gültige ganze Zahl."]
    nul = get(client, "/api/v1/courses?q=a%00b", token)
    assert "Steuerzeichen" in nul.json["errors"]["q"][0]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from(sorted(LISTS)),
    values=st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=30)), min_size=1),
    picks=st.lists(st.integers(min_value=0, max_value=10), min_size=1),
)
def test_fuzzed_parameters_never_500(client, token, url, values, picks):
    names = LISTS[url]
    query = {names[p % len(names)]: v for p, v in zip(picks, values, strict=False)}
    response = client.get(
        url, query_string=query, headers={"Authorization": f"Bearer {token.secret}"}
    )
    assert_json_4xx(response, 200, 404, 422)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer dak_unknown",
        "Bearer dak_" + "A" * 43,
        "Bearer dak_" + "A" * 5000,
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "Bearer a.b.c",
        "Bearer \x00",
        "bearer ghp_abc",
    ],
)
def test_bad_tokens_401(client, db, header):
    response = client.get("/api/v1/courses", headers={"Authorization": header})
    assert_json_4xx(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Digitalakademie"')


def test_revoked_and_expired_tokens_401_with_reason(client, db):
    from datetime import timedelta

    from academy.clock import utcnow
    from api.tokens.tokens import revoke_token

    revoked = api_token()
    revoke_token(revoked.account, revoked, reason=None, now=utcnow())
    response = get(client, "/api/v1/courses", revoked)
    assert response.status_code == 401 and "widerrufen" in response.json["message"]
    expired = api_token()
    expired.expires_at = utcnow() - timedelta(seconds=1)
    response = get(client, "/api/v1/courses", expired)
    assert response.status_code == 401 and "abgelaufen" in response.json["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_api_only_reads(client, token, method):
    response = client.open(
        "/api/v1/courses", method=method, headers={"Authorization": f"Bearer {token.secret}"}
    )
    assert_json_4xx(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/nothing", "/api/v2/courses", "/api/", "/api/v1/people/x", "/api/v1/courses/-1"],
)
def test_unknown_urls_404_in_json(client, token, url):
    assert_json_4xx(get(client, url, token), 404)


def test_nul_in_the_path_422_in_json(client, token):
    response = get(client, "/api/v1/people/P%001/completions", token)
    assert_json_4xx(response, 422)
