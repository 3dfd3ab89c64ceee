"""The OpenAPI document validates as OpenAPI 3 and names every API route; the browsable
documentation is served from the installed package, without any outside address."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from api.tokens.scopes import SCOPES


def test_the_document_validates_as_openapi_3(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [
        {"url": "http://127.0.0.1:5000", "description": "Diese Installation"}
    ]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for scope in SCOPES:
        assert scope in document["info"]["description"]


def test_every_api_route_is_documented_with_its_answers(client, app):
    document = client.get("/api/v1/openapi.json").json
    documented = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            documented.add(re.sub(r"\{(\w+)\}", r"<\1>", path))
            assert {"200", "304", "401", "403", "404"} <= set(operation["responses"]), path
            assert operation["summary"] and "Bereich" in operation["description"]
    routes = {
        re.sub(r"<(?:[^:>]+:)?(\w+)>", r"<\1>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == documented


def test_etag_of_the_document(client, db):
    first = client.get("/api/v1/openapi.json")
    again = client.get("/api/v1/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_docs_page_uses_packaged_assets_only(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "API-Dokumentation" in page and 'data-spec-url="/api/v1/openapi.json"' in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(("/", "#")) for s in sources), sources
    assert "<script>" not in page  # no inline script: the CSP stays strict
    for asset in [s for s in sources if "/api/v1/docs/" in s]:
        assert client.get(asset).status_code == 200, asset
    bundle = client.get("/api/v1/docs/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.get_data()) > 500_000
